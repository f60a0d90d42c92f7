"""Mechanisms a twenty-seventh held-out set (benchmarks/results/heldout27_2026-11-29.md: the API files apps, bots,
workers and web front-ends keep and fill in) showed, each on a small hand-written workflow."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_outputs import _notes


def _said(conv) -> str:
    return "\n".join(conv.log) + "\n" + _notes(conv)


def _experts(boundary) -> dict:
    """Wan 2.2 image to video on two experts, the first sampler ending at ``boundary`` (an app's placeholder or a
    number)."""
    def sampler(model, start, end, latent, noise):
        return {"class_type": "KSamplerAdvanced", "inputs": {
            "add_noise": noise, "noise_seed": 3, "steps": 20, "cfg": 3.5, "sampler_name": "euler", "scheduler": "simple",
            "start_at_step": start, "end_at_step": end, "return_with_leftover_noise": "enable", "model": [model, 0],
            "positive": ["7", 0], "negative": ["7", 1], "latent_image": latent}}
    return {
        "1": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.2_i2v_high_noise_14B_fp8_scaled.safetensors",
                                                    "weight_dtype": "default"}},
        "2": {"class_type": "UNETLoader", "inputs": {"unet_name": "wan2.2_i2v_low_noise_14B_fp8_scaled.safetensors",
                                                    "weight_dtype": "default"}},
        "3": {"class_type": "CLIPLoader", "inputs": {"clip_name": "umt5_xxl_fp8_e4m3fn_scaled.safetensors",
                                                    "type": "wan"}},
        "4": {"class_type": "VAELoader", "inputs": {"vae_name": "wan_2.1_vae.safetensors"}},
        "5": {"class_type": "CLIPTextEncode", "inputs": {"text": "a kite over dunes", "clip": ["3", 0]}},
        "6": {"class_type": "LoadImage", "inputs": {"image": "dunes.png"}},
        "7": {"class_type": "WanImageToVideo", "inputs": {"positive": ["5", 0], "negative": ["5", 0], "vae": ["4", 0],
                                                         "start_image": ["6", 0], "width": 832, "height": 480,
                                                         "length": 33, "batch_size": 1}},
        "8": sampler("1", 0, boundary, ["7", 2], "enable"),
        "9": sampler("2", boundary, 10000, ["8", 0], "disable"),
        "10": {"class_type": "VAEDecode", "inputs": {"samples": ["9", 0], "vae": ["4", 0]}},
        "11": {"class_type": "CreateVideo", "inputs": {"images": ["10", 0], "fps": 16}},
        "12": {"class_type": "SaveVideo", "inputs": {"video": ["11", 0], "filename_prefix": "kite", "format": "auto",
                                                    "codec": "auto"}},
    }


def test_a_first_pass_ending_at_a_placeholder_is_not_said_to_run_to_the_end():
    """runlocalstudios' template (15): "first sampler runs steps 0 to the end of '{{STEPS}}'" of a sampler whose
    end_at_step is '{{BOUNDARY_STEP}}' (it stops there and hands over to the low-noise expert: false)."""
    said = _said(convert(_experts("{{BOUNDARY_STEP}}"), "template.json"))
    assert "first sampler runs steps 0 to '{{BOUNDARY_STEP}}' of 20" in said
    assert "first sampler runs steps 0 to the end" not in said
    assert "first sampler runs steps 0-10 of 20" in _said(convert(_experts(10), "numbers.json"))


def test_a_save_read_by_its_shape_is_not_said_written_where_its_task_is_held():
    """NeonCozyGen's loop (04): "'Save Video With Path (CRT)' (SaveVideoWithPath, #521) saves a video, told by its types
    (...): read as a video output, which Studio's Save Video writes at its rate 16" where the task is held and the graph
    holds no Save Video (false). Here the take is sampled by a pack's sampler Studio has no counterpart for (a
    WanVideoSamplerv2 given no scheduler: the task held): the save is said not made, in the Log and on the canvas;
    made, it keeps its sentence (test_comfy_saves_by_shape)."""
    from tests.convert.test_comfy_saves_by_shape import _alpha_save, _t2v
    doc = _t2v(_alpha_save())
    node = next(n for n in doc["nodes"] if n["id"] == 6)
    node["type"] = "WanVideoSamplerv2"
    conv = convert(doc, "held.json")
    assert not any(n.type_id == "io.save_video" for n in conv.graph.nodes.values())
    said = _said(conv)
    assert "Save Video writes" not in said
    line = next(x for x in conv.log if "(InventedAlphaWebmSave, #20)" in x)
    assert "read as a video output, not made: Studio makes nothing it saves, so none of it is written" in line
    assert "read as a video output, not made: Studio makes nothing it saves" in _notes(conv)
