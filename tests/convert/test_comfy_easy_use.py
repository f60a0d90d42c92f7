"""Issue 99, item 6: yolain's ComfyUI-Easy-Use loaders read as loaders: an 'easy fullLoader' (its checkpoint, its
LoRA and the stack chained into it, its prompts and latent size) and 'easy loraStackApply' of chained 'easy
loraStack' nodes give Load Video Model the file, Video LoRA nodes with the strengths and the generator the prompts
they set, never Studio's defaults; what Studio does not take is said. Workflows of our own in the shapes the pack's
users send (API JSON by name, UI JSON by place in the pack's INPUT_TYPES order)."""
from __future__ import annotations

import copy
import json
import os

from studio.convert.mapping.convert import convert

from .test_comfy_animatediff import CKPT, MOTION
from .test_comfy_wiring import UI

DATA = os.path.join(os.path.dirname(__file__), "data", "wan21_t2v_api.json")


def _notes(conv) -> str:
    return "\n".join(conv.log) + "\n" + "\n".join(n["text"] for n in conv.graph.ui.get("notes", []))


def _loras(g) -> list:
    """The Video LoRA nodes from the loader out: (file, strength)."""
    return sorted((n.params["lora"], n.params["strength"]) for n in g.nodes.values() if n.type_id == "video_models.lora")


def _stack(mode="simple", on=True, count=2, chained=None) -> dict:
    inputs = {"toggle": on, "mode": mode, "num_loras": count,
              "lora_1_name": "detail.safetensors", "lora_1_strength": 0.7, "lora_1_model_strength": 0.9,
              "lora_1_clip_strength": 0.2, "lora_2_name": "style.safetensors", "lora_2_strength": 0.5,
              "lora_2_model_strength": 0.4, "lora_2_clip_strength": 0.3, "lora_3_name": "unused.safetensors",
              "lora_3_strength": 1.0}
    if chained:
        inputs["optional_lora_stack"] = chained
    return {"class_type": "easy loraStack", "inputs": inputs}


def _animatediff_full() -> dict:
    """AnimateDiff (Gen2) on an 'easy fullLoader': its model through the motion module, its prompts, VAE and latent
    read by the sampler and decoder from the loader's outputs (model 1, vae 2, positive 4, negative 5, latent 6)."""
    return {
        "1": {"class_type": "easy fullLoader", "inputs": {
            "ckpt_name": CKPT, "config_name": "Default", "vae_name": "vae-ft-mse-840000.safetensors", "clip_skip": -2,
            "lora_name": "add_detail.safetensors", "lora_model_strength": 0.6, "lora_clip_strength": 0.6,
            "resolution": "width x height (custom)", "empty_latent_width": 512, "empty_latent_height": 384,
            "positive": "a paper boat on a rainy street", "positive_token_normalization": "none",
            "positive_weight_interpretation": "comfy", "negative": "blurry", "negative_token_normalization": "none",
            "negative_weight_interpretation": "comfy", "batch_size": 16, "optional_lora_stack": ["20", 0]}},
        "20": _stack(),
        "2": {"class_type": "ADE_LoadAnimateDiffModel", "inputs": {"model_name": MOTION}},
        "3": {"class_type": "ADE_ApplyAnimateDiffModelSimple", "inputs": {"motion_model": ["2", 0]}},
        "4": {"class_type": "ADE_UseEvolvedSampling", "inputs": {"model": ["1", 1], "beta_schedule": "autoselect",
                                                                 "m_models": ["3", 0]}},
        "9": {"class_type": "KSampler", "inputs": {"seed": 42, "steps": 20, "cfg": 7.5, "sampler_name": "euler",
                                                   "scheduler": "normal", "denoise": 1.0, "model": ["4", 0],
                                                   "positive": ["1", 4], "negative": ["1", 5],
                                                   "latent_image": ["1", 6]}},
        "10": {"class_type": "VAEDecode", "inputs": {"samples": ["9", 0], "vae": ["1", 2]}},
        "11": {"class_type": "VHS_VideoCombine", "inputs": {"images": ["10", 0], "frame_rate": 12,
                                                            "filename_prefix": "boat", "format": "video/h264-mp4"}},
    }


def test_an_easy_full_loader_gives_its_checkpoint_loras_prompts_and_size():
    conv = convert(_animatediff_full(), "easy_full")
    g = conv.graph
    gen = next(n for n in g.nodes.values() if n.type_id.startswith("video_models.") and "prompt" in n.params)
    assert gen.params["prompt"] == "a paper boat on a rainy street" and gen.params["negative_prompt"] == "blurry"
    assert (gen.params["width"], gen.params["height"], gen.params["frames"]) == (512, 384, 16)
    load = next(n for n in g.nodes.values() if n.type_id == "video_models.load")
    assert (load.params["model"], load.params["image_model"]) == (MOTION, CKPT)
    # the chained stack's two LoRAs (simple mode: one strength each) and the loader's own
    assert _loras(g) == [("add_detail.safetensors", 0.6), ("detail.safetensors", 0.7), ("style.safetensors", 0.5)]
    said = _notes(conv)
    assert "unused.safetensors" not in said  # past num_loras: the pack does not apply it
    assert "easy fullLoader" not in said.split("ComfyUI nodes not converted")[-1].split("\n")[0]
    assert "easy loraStack" not in said.split("ComfyUI nodes not converted")[-1].split("\n")[0]
    assert "clip_skip -2 is not taken" in said
    assert g.validate() == []


def test_an_easy_lora_stack_applied_on_a_wan_model_in_advanced_mode_and_switched_off():
    with open(DATA, encoding="utf-8") as f:
        d = json.load(f)
    ks = next(k for k, v in d.items() if v["class_type"] == "KSampler")
    model = d[ks]["inputs"]["model"]
    d.update({"30": _stack("advanced", chained=["31", 0]), "31": _stack(count=1),
              "32": {"class_type": "easy loraStackApply", "inputs": {"lora_stack": ["30", 0], "model": model}}})
    d["31"]["inputs"]["lora_1_name"] = "first.safetensors"
    d[ks]["inputs"]["model"] = ["32", 0]
    conv = convert(d, "easy_stack")
    # the chained stack's LoRA first; the advanced stack's model strengths
    assert _loras(conv.graph) == [("detail.safetensors", 0.9), ("first.safetensors", 0.7), ("my_style.safetensors", 0.8),
                                  ("style.safetensors", 0.4)]
    listed = [x for x in conv.log + [n["text"] for n in conv.graph.ui["notes"]]
              if x.startswith("ComfyUI nodes not converted") or "ComfyUI nodes not converted (listed" in x]
    assert not any("easy loraStackApply" in x for x in listed)
    off = copy.deepcopy(d)
    off["30"]["inputs"]["toggle"] = False  # switched off, the pack passes on the stack chained into it
    assert _loras(convert(off, "easy_stack_off").graph) == [("first.safetensors", 0.7), ("my_style.safetensors", 0.8)]


def test_a_ui_easy_comfy_loader_is_read_by_place():
    """'easy comfyLoader' in UI JSON (values by place), its resolution chosen from the list: Wan 2.1's file through
    the loader's model output into the sampler; A1111 weighting said for the A1111 loader."""
    w = UI()
    loader = w.add("easy comfyLoader", [CKPT, "Baked VAE", -1, "None", 1.0, 1.0, "768 x 512", 512, 512,
                                        "a lighthouse at dusk", "lowres", 1], ["PIPE_LINE", "MODEL", "VAE"])
    clip = w.add("CLIPLoader", ["umt5_xxl_fp8_e4m3fn_scaled.safetensors", "wan", "default"], ["CLIP"])
    texts = [w.add("CLIPTextEncode", [t], ["CONDITIONING"], {"clip": (clip, 0, "CLIP")}) for t in ("a lighthouse", "")]
    latent = w.add("EmptyHunyuanLatentVideo", [640, 352, 33, 1], ["LATENT"])
    ks = w.add("KSampler", [5, "fixed", 20, 6, "uni_pc", "simple", 1], ["LATENT"],
               {"model": (loader, 1, "MODEL"), "positive": (texts[0], 0, "CONDITIONING"),
                "negative": (texts[1], 0, "CONDITIONING"), "latent_image": (latent, 0, "LATENT")})
    dec = w.add("VAEDecode", [], ["IMAGE"], {"samples": (ks, 0, "LATENT"), "vae": (loader, 2, "VAE")})
    w.add("SaveAnimatedWEBP", ["fox", 16, False, 90, "default"], [], {"images": (dec, 0, "IMAGE")})
    conv = convert(w.doc(), "ui_easy")
    load = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.load")
    assert load.params["model"] == CKPT and _loras(conv.graph) == []
    # its prompts and latent reach only the pipe, which nothing reads: no node made of them, none listed as dropped
    assert "easy comfyLoader" not in "\n".join(line for line in conv.log if "not converted" in line)
    doc = w.doc()
    doc["nodes"][0]["type"] = "easy a1111Loader"
    doc["nodes"][0]["widgets_values"].append(False)
    assert "the A1111 way" in _notes(convert(doc, "ui_a1111"))


def test_easy_use_name_and_prompt_boxes_give_their_values():
    """'easy ckptNames' wired into a loader's checkpoint and 'easy positive' into a text encoder (API JSON, their
    values by name): the file and the prompt are theirs, never Studio's defaults."""
    with open(DATA, encoding="utf-8") as f:
        d = json.load(f)
    loader = next(k for k, v in d.items() if v["class_type"] == "UNETLoader")
    text = next(k for k, v in d.items() if v["class_type"] == "CLIPTextEncode" and "blur" not in str(v["inputs"]))
    d.update({"40": {"class_type": "easy ckptNames", "inputs": {"ckpt_name": "wan2.1_t2v_14B_fp16.safetensors"}},
              "41": {"class_type": "easy positive", "inputs": {"positive": "a heron lands on a misty lake"}}})
    d[loader]["inputs"]["unet_name"] = ["40", 0]
    d[text]["inputs"]["text"] = ["41", 0]
    conv = convert(d, "easy_values")
    load = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.load")
    gen = next(n for n in conv.graph.nodes.values() if n.type_id == "video_models.text_to_video")
    assert load.params["model"] == "wan2.1_t2v_14B_fp16.safetensors"
    assert gen.params["prompt"] == "a heron lands on a misty lake"
