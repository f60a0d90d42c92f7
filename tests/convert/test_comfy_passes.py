"""Issue 99, item 1: every sampler pass of an output is in the ledger, found by its role whatever its pack or
name. Small workflows of our own (Wan 2.1 text to video, API JSON): a first pass, a latent upscale, a second
pass, a decode and a save. The video is the first pass's; a refine is said in one sentence naming it; a node
pack's sampler making the take a core pass refines holds the output (never made from the refine alone); a
pack's refine after the converted pass is said."""
from __future__ import annotations

import json
import os

import pytest

from studio.convert.mapping.convert import convert
from tests.convert.said import notes as _notes

DATA = os.path.join(os.path.dirname(__file__), "data", "wan21_t2v_api.json")
FIRST = {"KSamplerAdvanced": {"add_noise": "enable", "noise_seed": 1234, "steps": 20, "cfg": 6.0,
                              "sampler_name": "uni_pc", "scheduler": "simple", "start_at_step": 0, "end_at_step": 10000,
                              "return_with_leftover_noise": "disable"},
         "KSampler": {"seed": 1234, "steps": 20, "cfg": 6.0, "sampler_name": "uni_pc", "scheduler": "simple",
                      "denoise": 1.0}}


def _two_pass(first: str = "KSamplerAdvanced", second: str = "KSampler") -> dict:
    """Wan 2.1: ``first`` (20 steps, cfg 6, seed 1234) -> LatentUpscaleBy x1.5 -> ``second`` (denoise 0.4, 6 steps,
    cfg 3, seed 7) -> VAEDecode -> SaveAnimatedWEBP."""
    with open(DATA, encoding="utf-8") as f:
        d = json.load(f)
    d["9"] = {"class_type": first, "inputs": {**FIRST.get(first, FIRST["KSampler"]), "model": ["5", 0],
                                              "positive": ["6", 0], "negative": ["7", 0], "latent_image": ["8", 0]}}
    d["20"] = {"class_type": "LatentUpscaleBy", "inputs": {"upscale_method": "nearest-exact", "scale_by": 1.5,
                                                           "samples": ["9", 0]}}
    d["21"] = {"class_type": second, "inputs": {"seed": 7, "steps": 6, "cfg": 3.0, "sampler_name": "euler",
                                                "scheduler": "simple", "denoise": 0.4, "model": ["5", 0],
                                                "positive": ["6", 0], "negative": ["7", 0], "latent_image": ["20", 0]}}
    d["10"]["inputs"]["samples"] = ["21", 0]
    return d


def _custom_first(d: dict) -> dict:
    """The first pass as SamplerCustomAdvanced (RandomNoise, CFGGuider, KSamplerSelect, BasicScheduler)."""
    d["30"] = {"class_type": "RandomNoise", "inputs": {"noise_seed": 1234}}
    d["31"] = {"class_type": "CFGGuider", "inputs": {"cfg": 6.0, "model": ["5", 0], "positive": ["6", 0],
                                                     "negative": ["7", 0]}}
    d["32"] = {"class_type": "KSamplerSelect", "inputs": {"sampler_name": "uni_pc"}}
    d["33"] = {"class_type": "BasicScheduler", "inputs": {"scheduler": "simple", "steps": 20, "denoise": 1.0,
                                                          "model": ["5", 0]}}
    d["9"] = {"class_type": "SamplerCustomAdvanced", "inputs": {"noise": ["30", 0], "guider": ["31", 0],
                                                                "sampler": ["32", 0], "sigmas": ["33", 0],
                                                                "latent_image": ["8", 0]}}
    return d


def _gens(conv):
    return [n for n in conv.graph.nodes.values() if n.type_id.startswith("video_models.")
            and n.type_id not in ("video_models.load", "video_models.lora")]


@pytest.mark.parametrize("custom", [False, True], ids=["ksampler_advanced", "sampler_custom_advanced"])
def test_a_first_pass_then_an_upscaled_refine_makes_the_first_pass_then_the_refine(custom):
    """The first generator is the first pass (its 20 steps, cfg 6, seed, the latent's 832x480), never the refine's
    6 steps at cfg 3; the refine after the latent upscale is Studio's Scale x1.5 then Video to Video at its denoise
    with its own settings (hires5: any family, told by the upscale's declared types), said in one line naming it."""
    d = _two_pass()
    conv = convert(_custom_first(d) if custom else d, "two_pass")
    assert conv.graph.validate() == []
    gens = _gens(conv)
    assert [g.type_id for g in gens] == ["video_models.text_to_video", "video_models.video_to_video"]
    p = gens[0].params
    assert (p["steps"], p["guidance"], p["seed"], p["width"], p["height"]) == (20, 6.0, 1234, 832, 480)
    r = gens[1].params
    run = int(r["steps"] * r["strength"] + 1e-9)  # the steps it runs: its own 6 (denoise_steps)
    assert (run, r["guidance"], r["seed"], r["strength"]) == (6, 3.0, 7, 0.4)
    scale = next(n for n in conv.graph.nodes.values() if n.type_id == "transform.scale")
    assert scale.params["scale"] == 1.5 and conv.graph.input_link(gens[1].id, "video").src == scale.id
    line = next(x for x in _notes(conv).splitlines() if "#21" in x and "refine pass" in x)
    assert line.startswith("- a refine pass after a latent upscale: 'KSampler' (KSampler, #21) samples again, at "
                           "denoise 0.4, the take of")
    assert "upscaled x1.5 by 'LatentUpscaleBy' (LatentUpscaleBy, #20): Studio's Scale x1.5 then Video to Video at " \
           "strength 0.4" in line


def test_a_packs_sampler_as_the_main_pass_holds_the_output_never_made_from_the_refine():
    """A pack's sampler no catalogued pack declares (PackKSampler: a sampler by its input names, Studio does not read
    it; RES4LYF's ClownsharKSampler_Beta is now read as the KSampler it extends: test_comfy_twins.py; one of KSampler's
    shape alone is read as KSampler: test_comfy_pack_reading.py, so this one takes guides too) makes the 20-step take
    that a core KSampler refines: made from the refine alone the video would be 6 steps from noise; the output is held
    with one sentence naming both passes, and no generator is made."""
    d = _two_pass(first="PackKSampler")
    d["9"]["inputs"].pop("scheduler")  # no scheduler setting, a socket KSampler lacks wired: not read as KSampler
    d["9"]["inputs"]["guides"] = ["8", 0]
    conv = convert(d, "pack_main")
    assert _gens(conv) == []
    assert conv.log[0].startswith("This workflow makes a take sampled by a node pack's sampler (PackKSampler) "
                                  "in its main pass (#9), then refined by 'KSampler' (#21) with Wan 2.1; Studio cannot "
                                  "read PackKSampler, a sampler whose type no pack in its catalogue declares")
    assert conv.tasks[0]["generator"] is None


def test_a_packs_refine_after_the_converted_pass_is_said_as_a_refine():
    """A core KSampler's take refined by a pack's sampler (one no catalogued pack declares): the generator is the KSampler's; the pack's pass is said
    as the refine it is (its denoise and the upscale before it), not as another segment."""
    d = _two_pass(first="KSampler", second="PackKSampler")
    d["21"]["inputs"].pop("scheduler")  # no scheduler setting, a socket KSampler lacks wired: not read as KSampler
    d["21"]["inputs"]["guides"] = ["8", 0]
    conv = convert(d, "pack_refine")
    p = _gens(conv)[0].params
    assert (p["steps"], p["guidance"], p["seed"]) == (20, 6.0, 1234)
    notes = _notes(conv)
    assert "a later pass: 'PackKSampler' (PackKSampler, #21), a node pack's sampler, refines the " \
           "converted pass's take (denoise 0.4, steps 6, cfg 3.0, seed 7) after ComfyUI's 'LatentUpscaleBy'" in notes
    assert "another segment" not in notes


def test_a_pass_joined_through_a_latent_input_of_another_name_is_found():
    """API JSON has no types: a latent step whose input is named otherwise (LatentBlend's samples1) still joins the
    passes, so the first pass is the generator's, not the second's."""
    d = _two_pass(first="KSampler")
    d["20"] = {"class_type": "LatentBlend", "inputs": {"blend_factor": 0.5, "samples1": ["9", 0], "samples2": ["8", 0]}}
    d["21"]["inputs"]["denoise"] = 0.5
    conv = convert(d, "blend")
    p = _gens(conv)[0].params
    assert (p["steps"], p["guidance"], p["seed"]) == (20, 6.0, 1234)
    assert "'KSampler' (KSampler, #21) refines the take (denoise 0.5" in _notes(conv)


def test_ltx2s_two_stages_with_a_packs_main_pass_are_held_never_made_from_the_three_step_refine():
    """ComfyUI's LTX-2 text to video with its 20-step first stage sampled by a pack's sampler (LTXVBaseSampler, told
    by its types) instead of SamplerCustomAdvanced: had been made as LTX-2 at 3 steps and cfg 1 (the refine's
    ManualSigmas) with the main pass dropped unsaid; now held, both passes named."""
    templates = pytest.importorskip("comfyui_workflow_templates_json")
    with open(os.path.join(os.path.dirname(templates.__file__), "templates", "video_ltx2_t2v.json"),
              encoding="utf-8") as f:
        doc = json.load(f)
    main = next(n for sg in doc["definitions"]["subgraphs"] for n in sg["nodes"] if n["id"] == 41)
    assert main["type"] == "SamplerCustomAdvanced"
    main["type"] = "LTXVBaseSampler"
    conv = convert(doc, "ltx2_pack_main")
    assert _gens(conv) == []
    assert conv.log[0].startswith("This workflow makes a take sampled by a node pack's sampler (LTXVBaseSampler) in "
                                  "its main pass (#92:41), then refined by 'SamplerCustomAdvanced' (#92:70) with LTX-2")


def test_a_first_passs_steps_from_another_scheduler_are_read_and_a_seed_made_at_run_is_said():
    """SamplerCustomAdvanced with ComfyUI's KarrasScheduler (30 steps): its steps are the generator's (its spacing
    said); its noise from a pack's node whose seed another node makes when the workflow runs: said, naming that
    node, where the generator's own seed stands (had been that default in silence)."""
    d = _custom_first(_two_pass())
    d["33"] = {"class_type": "KarrasScheduler", "inputs": {"steps": 30, "sigma_max": 14.6, "sigma_min": 0.03,
                                                           "rho": 7.0}}
    d["30"] = {"class_type": "PackNoise", "inputs": {"seed": ["34", 0]}}
    d["34"] = {"class_type": "SeedGenerator", "inputs": {"mode": "random"}}
    conv = convert(d, "values")
    assert _gens(conv)[0].params["steps"] == 30
    notes = _notes(conv)
    assert "sigmas: scheduler KarrasScheduler, sigma_max 14.6" in notes
    assert "the first pass's seed is made by ComfyUI's 'SeedGenerator' (SeedGenerator, #34) when the workflow runs: " \
           "the generator's own 0 stands" in notes


def test_a_refine_after_a_familys_latent_upscaler_is_said_at_the_size_made_directly():
    """LTX-Video's KSampler at 384x256 -> LTXVLatentUpsampler -> a KSampler refine at denoise 0.4: the generator
    makes 768x512 directly (the upscaler's x2), so the refine's line says that size and no Resize to add."""
    d = {"1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "ltxv-13b-0.9.7-dev.safetensors"}},
         "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "t5xxl_fp16.safetensors", "type": "ltxv"}},
         "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "a fox", "clip": ["2", 0]}},
         "4": {"class_type": "CLIPTextEncode", "inputs": {"text": "blurry", "clip": ["2", 0]}},
         "5": {"class_type": "EmptyLTXVLatentVideo", "inputs": {"width": 384, "height": 256, "length": 49,
                                                                "batch_size": 1}},
         "7": {"class_type": "LatentUpscaleModelLoader", "inputs": {"model_name": "ltxv-spatial-upscaler.safetensors"}},
         "8": {"class_type": "LTXVLatentUpsampler", "inputs": {"samples": ["6", 0], "upscale_model": ["7", 0],
                                                               "vae": ["1", 2]}},
         "10": {"class_type": "VAEDecode", "inputs": {"samples": ["9", 0], "vae": ["1", 2]}},
         "11": {"class_type": "SaveWEBM", "inputs": {"filename_prefix": "ltx", "codec": "vp9", "fps": 24, "crf": 32,
                                                     "images": ["10", 0]}}}
    for nid, seed, steps, denoise, latent in (("6", 1, 20, 1.0, "5"), ("9", 2, 10, 0.4, "8")):
        d[nid] = {"class_type": "KSampler", "inputs": {
            "seed": seed, "steps": steps, "cfg": 3.0, "sampler_name": "euler", "scheduler": "simple", "denoise": denoise,
            "model": ["1", 0], "positive": ["3", 0], "negative": ["4", 0], "latent_image": [latent, 0]}}
    conv = convert(d, "ltxv")
    p = _gens(conv)[0].params
    assert (p["steps"], p["width"], p["height"]) == (20, 768, 512)
    line = next(x for x in _notes(conv).splitlines() if "#9" in x)
    # (LTX-Video's Family declares video to video since ltxv2v8: the refine to add said, no Resize - the size is made)
    assert "makes the first pass alone at 768x512 directly: for the refine, add a Video to Video at strength 0.4 after " \
           "the generator" in line and "Resize" not in line
