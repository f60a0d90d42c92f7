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
    """(ltxmid21: the middle pass is now made, LTX-2 Latent Upscale at 'scale' x1, in both pipelines: no Video to Video
    nor Resize told to be added.)"""
    said = _said(convert(_three_passes(), "three.json"))
    assert "Resize" not in said and "add a Video to Video" not in said
    assert "2 stages: LTX-2 makes the take at 768x512, LTX-2 Latent Upscale at 'scale' x1 samples the take's" in said
    assert "as ComfyUI's LTXVLatentUpsampler and third sampler pass do" in said  # (the upscale's pass: the third)


def test_a_step_is_said_to_resize_by_its_declared_types():
    """A declared latent step taking a latent and declaring no size or scale widget keeps the size; a latent upscale
    (a scale or a size declared), an encode (no latent given: its pictures' size) and an undeclared node may not."""
    keeps = ("LTXVImgToVideoInplace", "LTXVSeparateAVLatent", "LTXVConcatAVLatent", "LTXVAddGuide")
    assert not any(_may_resize(CNode(str(i), c)) for i, c in enumerate(keeps))
    may = ("LatentUpscaleBy", "LatentUpscale", "NNLatentUpscale", "VAEEncodeTiled", "InventedLatentThing")
    assert all(_may_resize(CNode(str(i), c)) for i, c in enumerate(may))


def _tiny_vae_decode(vae_name: str) -> dict:
    """heldout93 08's shape: an LTX-2.3 text to video with sound whose take a VAELoader's file decodes."""
    return {
        "1": _n("UNETLoader", unet_name="ltx-2.3-22b-dev-transformer.safetensors", weight_dtype="default"),
        "2": _n("LTXAVTextEncoderLoader", text_encoder="gemma_3_12B_it_fp4_mixed.safetensors",
                ckpt_name="ltx-2.3-22b-dev-fp8.safetensors", device="default"),
        "3": _n("VAELoader", vae_name="LTX23_audio_vae_bf16.safetensors"),
        "5": _n("VAELoader", vae_name=vae_name),
        "10": _n("CLIPTextEncode", text="cinematic commercial shot, soft light", clip=["2", 0]),
        "11": _n("CLIPTextEncode", text="blurry", clip=["2", 0]),
        "12": _n("LTXVConditioning", positive=["10", 0], negative=["11", 0], frame_rate=24),
        "20": _n("EmptyLTXVLatentVideo", width=768, height=512, length=121, batch_size=1),
        "21": _n("LTXVEmptyLatentAudio", audio_vae=["3", 0], frames_number=121, frame_rate=24, batch_size=1),
        "22": _n("LTXVConcatAVLatent", video_latent=["20", 0], audio_latent=["21", 0]),
        "32": _n("CFGGuider", model=["1", 0], positive=["12", 0], negative=["12", 1], cfg=1.0),
        "40": _n("ManualSigmas", sigmas="1., 0.99375, 0.9875, 0.98125, 0.975, 0.909375, 0.725, 0.421875, 0.0"),
        "41": _n("KSamplerSelect", sampler_name="euler"),
        "42": _n("RandomNoise", noise_seed=42),
        "50": _n("SamplerCustomAdvanced", noise=["42", 0], guider=["32", 0], sampler=["41", 0], sigmas=["40", 0],
                 latent_image=["22", 0]),
        "60": _n("LTXVSeparateAVLatent", av_latent=["50", 0]),
        "70": _n("VAEDecode", samples=["60", 0], vae=["5", 0]),
        "71": _n("LTXVAudioVAEDecode", samples=["60", 1], audio_vae=["3", 0]),
        "80": _n("CreateVideo", images=["70", 0], fps=24.0, audio=["71", 0]),
        "90": _n("SaveVideo", video=["80", 0], filename_prefix="ltx_base", format="auto", codec="auto"),
    }


def test_a_tiny_vae_by_comfyuis_own_names_is_said_where_it_is_set():
    """heldout93 08: 'taeltx2_3.safetensors' was set as Load Video Model's 'vae' with no word (Studio cannot decode
    with a tiny VAE); told by the stems of the names ComfyUI's VAELoader declares for its approximations."""
    conv = convert(_tiny_vae_decode("taeltx2_3.safetensors"), "tiny.json")
    load = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.load")
    assert load.params["vae"] == "taeltx2_3.safetensors"
    line = next(x for x in _said(conv).splitlines() if "VAE 'taeltx2_3.safetensors'" in x)
    assert "of 'VAELoader' (VAELoader, #5) is named as ComfyUI names its tiny approximate VAEs" in line
    assert "set 'vae' to the model's full VAE file" in line
    conv = convert(_tiny_vae_decode("LTX23_video_vae_bf16.safetensors"), "full.json")
    assert "tiny approximate" not in _said(conv)


def test_tiny_vae_names_are_comfyuis_stems_alone():
    from studio.convert.mapping.tiny_vae import is_tiny
    assert all(map(is_tiny, ("taesd", "lighttaew2_2.safetensors", "vae\\taeltx_2.safetensors", "TAEHV.pth")))
    assert not any(map(is_tiny, ("wan_2.1_vae.safetensors", "LTX23_video_vae_bf16.safetensors", "ae.safetensors")))
