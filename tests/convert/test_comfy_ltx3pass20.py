"""LTX-2.3 flows with a middle pass (benchmarks/results/ltx3pass20_2026-12-01.md), on small workflows written here
from the facts of heldout92 07/08 (mikeygossage's three-pass picture to video):

- the pre-upscale save of a middle pass at the first pass's size (its latent split into picture and sound, the start
  picture put in place again, joined again: no size changed) was told "for the refine, add a Video to Video at
  strength 0.975 after the generator (and a Resize for the upscale)": there is no upscale on that way."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from studio.convert.reading.workflow import CNode
from studio.convert.takes.passes import _may_resize

from tests.convert.test_comfy_heldout17_mends import _ltx2_two_stages


def _n(cls: str, **inputs) -> dict:
    return {"class_type": cls, "inputs": inputs}


def _said(conv) -> str:
    return "\n".join(conv.log + [n["text"] for n in conv.graph.ui.get("notes", [])])


def _three_passes() -> dict:
    """heldout92 07's shape: LTX-2 in two stages with an 8-sigma pass at the first size between the first pass and the
    upsampler (the picture in place again), whose own take a second save writes before the upscale."""
    doc = _ltx2_two_stages({"strength": 1.0, "bypass": False})
    doc["50"] = _n("LTXVImgToVideoInplace", strength=1.0, bypass=False, vae=["1", 2], image=["6", 0],
                   latent=["33", 0])
    doc["51"] = _n("LTXVConcatAVLatent", video_latent=["50", 0], audio_latent=["33", 1])
    doc["52"] = _n("ManualSigmas", sigmas="0.975, 0.909375, 0.725, 0.421875, 0.32, 0.23, 0.1, 0.05, 0.0")
    doc["53"] = _n("RandomNoise", noise_seed=7)
    doc["54"] = _n("SamplerCustomAdvanced", noise=["53", 0], guider=["12", 0], sampler=["10", 0], sigmas=["52", 0],
                   latent_image=["51", 0])
    doc["55"] = _n("LTXVSeparateAVLatent", av_latent=["54", 0])
    doc["15"]["inputs"]["samples"] = ["55", 0]
    doc["34"]["inputs"]["audio_latent"] = ["55", 1]
    doc["60"] = _n("VAEDecode", samples=["55", 0], vae=["1", 2])
    doc["61"] = _n("CreateVideo", images=["60", 0], fps=24)
    doc["62"] = _n("SaveVideo", video=["61", 0], filename_prefix="pre 2x", format="auto", codec="auto")
    return doc


def test_a_middle_pass_at_the_first_size_is_not_told_to_add_a_resize():
    said = _said(convert(_three_passes(), "three.json"))
    line = next(x for x in said.splitlines() if "'SamplerCustomAdvanced' (SamplerCustomAdvanced, #54) refines" in x)
    assert "for the refine, add a Video to Video at strength 0.975 after the generator" in line
    assert "Resize" not in line
    assert "as ComfyUI's LTXVLatentUpsampler and third sampler pass do" in said  # (the upscale's pass: the third)


def test_a_step_is_said_to_resize_by_its_declared_types():
    """A declared latent step taking a latent and declaring no size or scale widget keeps the size; a latent upscale
    (a scale or a size declared), an encode (no latent given: its pictures' size) and an undeclared node may not."""
    keeps = ("LTXVImgToVideoInplace", "LTXVSeparateAVLatent", "LTXVConcatAVLatent", "LTXVAddGuide")
    assert not any(_may_resize(CNode(str(i), c)) for i, c in enumerate(keeps))
    may = ("LatentUpscaleBy", "LatentUpscale", "NNLatentUpscale", "VAEEncodeTiled", "InventedLatentThing")
    assert all(_may_resize(CNode(str(i), c)) for i, c in enumerate(may))
