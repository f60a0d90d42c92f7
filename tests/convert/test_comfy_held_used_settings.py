"""A held task's node that Studio made a node from (its prompt kept as a Text Prompt) has its other settings said in
the held task's list: its passing-over line, never shown for a node Studio read, says nothing (heldout111 06: a
streaming pack's sampler given MiniMax H3's picture-to-video node, whose width, height and length were said nowhere)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import said


def _streamed() -> dict:
    return {
        "1": {"class_type": "PackStreamLoader", "inputs": {"unet_name": "minimax_h3_fl2va_bf16.safetensors"}},
        "2": {"class_type": "CLIPLoader", "inputs": {"clip_name": "qwen3vl_32b_minimax_h3_int8_convrot.safetensors",
                                                     "type": "minimax", "device": "default"}},
        "3": {"class_type": "VAELoader", "inputs": {"vae_name": "minimax_h3_video_vae_fp16.safetensors"}},
        "5": {"class_type": "MiniMaxH3ImageToVideo", "inputs": {"clip": ["2", 0], "vae": ["3", 0],
                                                                "prompt": "a neon street at night after rain",
                                                                "width": 1376, "height": 768, "length": 192}},
        "6": {"class_type": "PackStreamSampler", "inputs": {"model": ["1", 0], "conditioning": ["5", 0],
                                                            "seed": 0, "steps": 4}},
        "7": {"class_type": "SaveAnimatedWEBP", "inputs": {"images": ["6", 0], "filename_prefix": "stream", "fps": 24,
                                                           "lossless": False, "quality": 90, "method": "default"}},
    }


def test_the_size_of_a_node_whose_prompt_studio_holds_is_said():
    text = said(convert(_streamed(), "streamed.json"))
    line = next(x for x in text.splitlines() if "Settings of the held task's nodes" in x)
    assert "(MiniMaxH3ImageToVideo, #5) width 1376, height 768, length 192" in line
