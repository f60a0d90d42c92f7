"""heldout88's mends: a latent maker's size preset chosen over its width / height settings (Comfyroll's 'CR SD1.5
Aspect Ratio' '2:3 portrait 512x768' with its saved width 512 / height 512 made 512x512 where ComfyUI makes 512x768:
heldout88 04, 05). Fixtures written here from the node's declared settings (facts), no file copied."""
from __future__ import annotations

import pytest

from studio.convert.mapping.convert import convert
from tests.convert.said import api, nodes_of, notes, said, source_of, ui


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


def _power_sampler(place_value) -> dict:
    """AnimateDiff text to video sampled by a node no pack in the catalogue declares, taking KSampler's sockets, its
    values saved without names: seed, control, steps, cfg, sampler, scheduler, then ``place_value`` where KSampler
    declares its denoise (a start step in the pack's own order), then more of its own."""
    return ui([
        (1, "CheckpointLoaderSimple", [], ["MODEL", "CLIP", "VAE"], ["dreamshaper_8.safetensors"]),
        (3, "ADE_AnimateDiffLoaderWithContext", [("model", "MODEL")], ["MODEL"],
         ["mm_sd_v15_v2.safetensors", "autoselect", 1, False]),
        (4, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["a kimono in spring"]),
        (5, "CLIPTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["blurry"]),
        (6, "EmptyLatentImage", [], ["LATENT"], [512, 768, 16]),
        (7, "PackPowerSampler", [("model", "MODEL"), ("positive", "CONDITIONING"), ("negative", "CONDITIONING"),
                                 ("latent_image", "LATENT")], ["LATENT"],
         [5, "fixed", 20, 7, "euler", "normal", place_value, 10000, "white"]),
        (8, "VAEDecode", [("samples", "LATENT"), ("vae", "VAE")], ["IMAGE"], []),
        (9, "VHS_VideoCombine", [("images", "IMAGE")], [],
         {"frame_rate": 8, "loop_count": 0, "filename_prefix": "out", "format": "video/h264-mp4",
          "pingpong": False, "save_output": True}),
    ], [(1, 0, 3, "model"), (1, 1, 4, "clip"), (1, 1, 5, "clip"), (3, 0, 7, "model"), (4, 0, 7, "positive"),
        (5, 0, 7, "negative"), (6, 0, 7, "latent_image"), (7, 0, 8, "samples"), (1, 2, 8, "vae"), (8, 0, 9, "images")])


def test_a_value_at_denoises_place_of_an_undeclared_sampler_is_said_as_what_it_would_be_not_as_its_denoise():
    conv = convert(_power_sampler(0), "power")
    text = said(conv) + notes(conv)
    assert "(its values named by the places KSampler declares its settings in)" in text
    assert "denoise 0 of 'PackPowerSampler'" not in text  # (the false sentence: ComfyUI samples the whole schedule)
    assert "'PackPowerSampler' (PackPowerSampler, #7)'s value 0 at the place KSampler declares 'denoise' in (its " \
           "values named by place): were it its denoise, ComfyUI would sample only the last 0 % of its schedule" in text


def test_the_takes_resize_before_a_side_by_side_is_made_as_studios_scale():
    """heldout88 02: ImageScaleBy 0.5 of the take before ImageConcatMulti placed it beside a picture; Studio placed
    the full-size take there and named the step nowhere."""
    wf = _travel("custom")
    wf["20"] = {"class_type": "LoadImage", "inputs": {"image": "first.png"}}
    wf["21"] = {"class_type": "ImageScaleBy", "inputs": {"image": ["7", 0], "upscale_method": "lanczos",
                                                         "scale_by": 0.5}}
    wf["22"] = {"class_type": "ImageConcatMulti", "inputs": {"inputcount": 2, "direction": "right",
                                                             "match_image_size": False, "image_1": ["20", 0],
                                                             "image_2": ["21", 0]}}
    wf["8"]["inputs"]["images"] = ["22", 0]
    conv = convert(wf, "beside")
    side = nodes_of(conv, "edit.side_by_side")[0]
    scale = source_of(conv, side.id, "b")
    assert scale.type_id == "transform.scale" and scale.params["scale"] == 0.5
