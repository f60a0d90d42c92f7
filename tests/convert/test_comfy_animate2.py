"""Issue 55: ComfyUI's two Wan Animate 2 templates convert to Studio's Wan Animate 2 node with the
reference image and the driving video wired, the motion prompt read, and what Studio does not take said
in the pipeline's note: the sampler and shift; ComfyUI's files set on Load Video Model (the int8 convrot denoiser,
umt5_xxl, the Wan 2.1 VAE, clip_vision_h: read with no diffusers folder, issue 56); the base template's lightx2v
LoRA kept as a Video LoRA node with the workflow's 6 steps, cfg 1."""
from __future__ import annotations

import json
import os

import pytest

from studio.convert.mapping.convert import convert

templates = pytest.importorskip("comfyui_workflow_templates_json")
TEMPLATES = os.path.join(os.path.dirname(templates.__file__), "templates")


def _convert(name):
    with open(os.path.join(TEMPLATES, name + ".json"), encoding="utf-8") as f:
        return convert(json.load(f), name)


def _gen(conv):
    g = conv.graph
    gen = next(n for n in g.nodes.values() if n.type_id == "video_models.wan_animate_2")
    return g, gen


def _note(conv) -> str:
    return next(n["text"] for n in conv.graph.ui["notes"] if n["text"].startswith("Converted from ComfyUI"))


def test_the_distilled_template_keeps_its_steps_guidance_and_motion_prompt():
    conv = _convert("video_wan_animate2_distilled")
    g, gen = _gen(conv)
    assert g.validate() == []
    p = gen.params
    assert (p["steps"], p["guidance"], p["frames"], p["window"]) == (10, 1.0, 0, 81)
    assert p["prompt_ref"].startswith("A man doing energetic street dance")
    assert p["prompt"].startswith("Character appearance description: A realistic premium collectible action figure")
    note = _note(conv)
    # the template's resize of the reference is sized by a GetImageSize of the pose video's resize (482x854; its own
    # saved 481x854 stale): read since ResizeImageMaskNode's values are named by its dynamic combo (dyncombo10; before:
    # not worked out, the reference wired without it), both resizes made as Studio's Scale, the generator at that size
    assert g.nodes[g.input_link(gen.id, "reference")[0]].type_id == "edit.frame_hold"  # (the scaled still)
    assert sorted((n.params["width"], n.params["height"], n.params["crop"]) for n in g.nodes.values()
                  if n.type_id == "transform.scale") == [(482, 854, "center")] * 2
    assert (p["width"], p["height"]) == (482, 854)
    assert "'reference_image' of 'WanAnimate2ToVideo' is scaled to 482x854 (cut to that aspect, its middle kept) by " \
        "Studio's Scale, as 'ResizeImageMaskNode' (ResizeImageMaskNode, #261:244) scales it" in note
    drive = g.nodes[g.input_link(gen.id, "driving")[0]]  # (the pose video through its Scale)
    assert (drive.type_id, g.nodes[g.input_link(drive.id, "video")[0]].type_id) == ("transform.scale", "io.load_video")
    assert "Wan Animate 2's ComfyUI files" not in note and "'base'" not in note  # no folder asked for
    load = g.nodes[g.input_link(gen.id, "model")[0]].params
    assert (load["model"], load["text_encoder"], load["vae"], load["clip_vision"], load.get("base", "")) == (
        "wan_animate_2_distill_int8_convrot.safetensors", "umt5_xxl_fp8_e4m3fn_scaled.safetensors",
        "Wan2_1_VAE_bf16.safetensors", "clip_vision_h.safetensors", "")
    assert "shift 5 (ModelSamplingSD3, #261:95): the same as the shift 5 of the scheduler Studio gives" in note \
        and "no sampler setting" in note


def test_the_base_template_keeps_its_distill_lora_and_its_steps():
    conv = _convert("video_wan_animate2")
    g, gen = _gen(conv)
    assert g.validate() == []
    lora = [n for n in g.nodes.values() if n.type_id == "video_models.lora"]
    assert [(n.params["lora"], n.params["strength"]) for n in lora] == [
        ("lightx2v_I2V_14B_480p_cfg_step_distill_rank64_bf16.safetensors", 1.0)]
    assert g.input_link(gen.id, "model")[0] == lora[0].id  # the LoRA on the generator's Model wire
    assert (gen.params["steps"], gen.params["guidance"]) == (6, 1.0)  # the workflow's, for its distill LoRA
    # the subgraph node's own motion prompt (18 values, 10 setting inputs listed: read by the subgraph's
    # inputs), not the inner CLIPTextEncode's saved ''
    assert gen.params["prompt_ref"].startswith("A girl doing energetic street dance")
    assert "not applied: Studio's Wan Animate 2 node takes no LoRA" not in _note(conv)
