"""Mechanisms a twenty-third held-out set (benchmarks/results/heldout23_2026-11-29.md: workflows as apps, workers,
bots and MCP servers keep them - templates whose names and numbers the app fills) showed, each on a small
hand-written workflow."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_outputs import _notes


def _said(conv) -> str:
    return "\n".join(conv.log) + "\n" + _notes(conv)


def _wan_template(unet: str, clip: str, vae: str) -> dict:
    """Wan image to video as a web app keeps it (CGWM-60's, 05): the model files left for the app to bind."""
    return {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": unet, "weight_dtype": "default"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": clip, "type": "wan", "device": "default"}},
        "3": {"class_type": "VAELoader", "inputs": {"vae_name": vae}},
        "4": {"class_type": "LoadImage", "inputs": {"image": "start.png"}},
        "5": {"class_type": "CLIPTextEncode", "inputs": {"text": "a boat", "clip": ["2", 0]}},
        "6": {"class_type": "WanImageToVideo", "inputs": {"width": 832, "height": 480, "length": 81, "batch_size": 1,
                                                          "positive": ["5", 0], "negative": ["5", 0], "vae": ["3", 0],
                                                          "start_image": ["4", 0]}},
        "7": {"class_type": "KSampler", "inputs": {"seed": 0, "steps": 30, "cfg": 5.0, "sampler_name": "uni_pc",
                                                   "scheduler": "simple", "denoise": 1.0, "model": ["1", 0],
                                                   "positive": ["6", 0], "negative": ["6", 1],
                                                   "latent_image": ["6", 2]}},
        "8": {"class_type": "VAEDecode", "inputs": {"samples": ["7", 0], "vae": ["3", 0]}},
        "9": {"class_type": "VHS_VideoCombine", "inputs": {"frame_rate": 24, "format": "video/h264-mp4",
                                                           "images": ["8", 0]}},
    }


def test_a_part_loader_naming_no_file_is_said_to_name_none_not_to_be_missing():
    """'VAE '': ... reads Wan's separate files where the prompts' text encoder comes from CLIPLoader of type 'wan';
    none does here' was said where CLIPLoader #2 is of type 'wan' and names no file (false, 05)."""
    conv = convert(_wan_template("", "", ""), "template.json")
    said = _said(conv)
    assert "none does here" not in said
    assert "'VAELoader' (VAELoader, #3) names no VAE file: set Load Video Model's 'vae'" in said
    assert "'CLIPLoader' (CLIPLoader, #2) names no text encoder file: set Load Video Model's 'text_encoder'" in said
    named = convert(_wan_template("wan2.2_i2v_low_noise_14B_fp16.safetensors", "umt5_xxl_fp16.safetensors",
                                  "wan_2.1_vae.safetensors"), "named.json")
    load = next(n for n in named.graph.nodes.values() if n.type_id == "video_models.load")
    assert load.params["vae"] == "wan_2.1_vae.safetensors" and "names no" not in _said(named)
