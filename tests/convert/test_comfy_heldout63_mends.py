"""Mends of the sixty-third held-out set (workflows from apps and packs), each test built from node types, values and
links (no fetched file)."""
from __future__ import annotations

import json

from studio.convert.mapping.file import convert_file

from .said import nodes_of, said, ui


def _convert(tmp_path, wf: dict, name: str = "wf.json"):
    p = tmp_path / name
    p.write_text(json.dumps(wf))
    return convert_file(str(p))


def _cogvideox_first_layout() -> dict:
    """The CogVideoX wrapper's first layout (2024): one 'pipeline' the sampler, the encode and the decode read; the
    sampler's values start with the size and the length, its seed's control word after the seed."""
    return ui([
        (20, "CLIPLoader", [], ["CLIP"], ["t5xxl.safetensors", "sd3"]),
        (30, "CogVideoTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["a stag grazing in a forest at sunset"]),
        (31, "CogVideoTextEncode", [("clip", "CLIP")], ["CONDITIONING"], ["low quality, watermark"]),
        (1, "DownloadAndLoadCogVideoModel", [], ["COGVIDEOPIPE"], ["THUDM/CogVideoX-5b-I2V", "bf16", "disabled",
                                                                   "disabled", False]),
        (36, "LoadImage", [], ["IMAGE", "MASK"], ["stag.png", "image"]),
        (58, "CogVideoImageEncode", [("pipeline", "COGVIDEOPIPE"), ("image", "IMAGE")], ["LATENT"], [16, True]),
        (57, "CogVideoSampler", [("pipeline", "COGVIDEOPIPE"), ("positive", "CONDITIONING"),
                                 ("negative", "CONDITIONING"), ("image_cond_latents", "LATENT")],
         ["COGVIDEOPIPE", "LATENT"], [480, 720, 49, 50, 6, 1234, "fixed", "DPM", 16, 8, 1]),
        (56, "CogVideoDecode", [("pipeline", "COGVIDEOPIPE"), ("samples", "LATENT")], ["IMAGE"],
         [False, 96, 96, 0.083, 0.083, True]),
        (44, "SaveAnimatedWEBP", [("images", "IMAGE")], [], ["CogVideoX", 8, False, 90, "default"]),
    ], [(20, 0, 30, "clip"), (20, 0, 31, "clip"), (1, 0, 57, "pipeline"), (30, 0, 57, "positive"),
        (31, 0, 57, "negative"), (1, 0, 58, "pipeline"), (36, 0, 58, "image"), (58, 0, 57, "image_cond_latents"),
        (57, 0, 56, "pipeline"), (57, 1, 56, "samples"), (56, 0, 44, "images")])


def test_cogvideox_first_layout_sampler_values_read_not_said_unread(tmp_path):
    """heldout63 13: a first-layout CogVideoSampler's values are read in that layout (the size, length, steps, cfg,
    seed); the loaders' pass named every node's values by the newer layout too and said "so none is read" of them."""
    conv = _convert(tmp_path, _cogvideox_first_layout())
    gen = nodes_of(conv, "video_models.image_to_video")
    assert len(gen) == 1
    p = gen[0].params
    assert (p["frames"], p["steps"], p["guidance"]) == (49, 50, 6)
    assert p["seed"] == 1234
    assert "so none is read" not in said(conv)
