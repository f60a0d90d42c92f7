"""heldout88's mends: a latent maker's size preset chosen over its width / height settings (Comfyroll's 'CR SD1.5
Aspect Ratio' '2:3 portrait 512x768' with its saved width 512 / height 512 made 512x512 where ComfyUI makes 512x768:
heldout88 04, 05). Fixtures written here from the node's declared settings (facts), no file copied."""
from __future__ import annotations

import pytest

from studio.convert.mapping.convert import convert
from tests.convert.said import api


def _travel(preset: str, swap: str = "Off") -> dict:
    """AnimateDiff text to video whose latent is CR SD1.5 Aspect Ratio's (its saved width and height 512)."""
    return api({
        "1": ("CheckpointLoaderSimple", {"ckpt_name": "dreamshaper_8.safetensors"}),
        "3": ("ADE_AnimateDiffLoaderWithContext", {"model": ["1", 0], "model_name": "mm_sd_v15_v2.safetensors",
                                                   "beta_schedule": "autoselect"}),
        "4": ("CLIPTextEncode", {"text": "a kimono in spring", "clip": ["1", 1]}),
        "40": ("CLIPTextEncode", {"text": "blurry", "clip": ["1", 1]}),
        "9": ("CR SD1.5 Aspect Ratio", {"width": 512, "height": 512, "aspect_ratio": preset,
                                        "swap_dimensions": swap, "upscale_factor": 1, "batch_size": 16}),
        "6": ("KSampler", {"seed": 1, "steps": 20, "cfg": 7, "sampler_name": "euler", "scheduler": "normal",
                           "denoise": 1, "model": ["3", 0], "positive": ["4", 0], "negative": ["40", 0],
                           "latent_image": ["9", 4]}),
        "7": ("VAEDecode", {"samples": ["6", 0], "vae": ["1", 2]}),
        "8": ("VHS_VideoCombine", {"images": ["7", 0], "frame_rate": 8, "loop_count": 0, "filename_prefix": "out",
                                   "format": "video/h264-mp4", "pingpong": False, "save_output": True}),
    })


@pytest.mark.parametrize("preset, swap, size", [
    ("2:3 portrait 512x768", "Off", (512, 768)),
    ("2:3 portrait 512x768", "On", (768, 512)),
    ("custom", "Off", (512, 512)),
])
def test_a_latent_makers_chosen_size_preset_is_the_takes_size_over_its_width_and_height(preset, swap, size):
    conv = convert(_travel(preset, swap), "travel")
    assert conv.pipelines == 1
    gen = [n for n in conv.graph.nodes.values() if "width" in n.params and "steps" in n.params][0]
    assert (gen.params["width"], gen.params["height"]) == size
