"""Mechanisms a third held-out set (benchmarks/results/heldout3_2026-11-29.md) showed, each on a small hand-written
workflow (Wan 2.1 text to video, API JSON, decoded by #10): a resize after the generator that cuts the take to its
aspect (ImageScale's 'center' crop, KJNodes' keep_proportion 'crop' / 'pad') made as Studio Resize's fill / fit with
the workflow's filter, and said; a plain stretch left as it was."""
from __future__ import annotations

import pytest

from studio.convert.mapping.convert import convert
from tests.convert.said import notes as _notes
from tests.convert.test_comfy_outputs import _wan


def _resized(resize: dict) -> tuple[dict, str]:
    extra = {"27": {**resize, "inputs": {**resize["inputs"], "image": ["10", 0]}},
             "30": {"class_type": "VHS_VideoCombine", "inputs": {"frame_rate": 16, "loop_count": 0,
                                                                 "filename_prefix": "big", "format": "video/h264-mp4",
                                                                 "images": ["27", 0]}}}
    conv = convert(_wan(**extra), "resized")
    assert conv.graph.validate() == []
    node = next(n for n in conv.graph.nodes.values() if n.type_id == "transform.resize")
    return node.params, _notes(conv)


@pytest.mark.parametrize("resize, fit, interp, words", [
    ({"class_type": "ImageScale", "inputs": {"upscale_method": "nearest-exact", "width": 1920, "height": 1080,
                                             "crop": "center"}},
     "fill", "nearest-exact", "resized to 1920x1080 (cut to that aspect, its middle kept) (ImageScale, #27)"),
    ({"class_type": "ImageScale", "inputs": {"upscale_method": "bicubic", "width": 1920, "height": 1080,
                                             "crop": "disabled"}},
     "stretch", "cubic", "resized to 1920x1080 (ImageScale, #27)"),
    ({"class_type": "ImageResizeKJv2", "inputs": {"width": 1920, "height": 1080, "upscale_method": "lanczos",
                                                  "keep_proportion": "crop", "pad_color": "0, 0, 0",
                                                  "crop_position": "top", "divisible_by": 2, "device": "cpu"}},
     "fill", "lanczos", "resized to 1920x1080 (cut to that aspect: ComfyUI keeps its top, Studio's Resize its middle)"),
    ({"class_type": "ImageResizeKJv2", "inputs": {"width": 1920, "height": 1080, "upscale_method": "area",
                                                  "keep_proportion": "pad", "pad_color": "0, 0, 0",
                                                  "crop_position": "center", "divisible_by": 2, "device": "cpu"}},
     "fit", "area", "resized to 1920x1080 (fitted inside it with bars, as ComfyUI pads it)"),
])
def test_a_resize_after_the_generator_keeps_its_crop_and_filter(resize, fit, interp, words):
    """Had been a stretch with Studio's 'area' filter whatever the workflow's crop, and said as a plain resize."""
    params, notes = _resized(resize)
    assert (params["width"], params["height"], params["fit"], params["interpolation"]) == (1920, 1080, fit, interp)
    assert words in notes


def _chain(refine: bool = False) -> dict:
    """Wan 2.1 text to video (#9, decoded by #10) saved by #21; a second take (#32) sampled from its last frame
    (ImageFromBatch -> WanImageToVideo) and a third (#42) from the last frame of the two batched, each batched after the ones before
    (ImageBatch) for #25; ``refine``: #32 instead samples on from #9's latent at denoise 0.5 (a refine, which is no
    take of its own)."""
    extra = {
        "20": {"class_type": "CreateVideo", "inputs": {"fps": 16, "images": ["10", 0]}},
        "21": {"class_type": "SaveVideo", "inputs": {"filename_prefix": "one", "format": "auto", "codec": "auto",
                                                     "video": ["20", 0]}},
        "30": {"class_type": "ImageFromBatch", "inputs": {"batch_index": 4095, "length": 1, "image": ["10", 0]}},
        "31": {"class_type": "WanImageToVideo", "inputs": {"width": 832, "height": 480, "length": 33, "batch_size": 1,
                                                           "positive": ["6", 0], "negative": ["7", 0], "vae": ["3", 0],
                                                           "start_image": ["30", 0]}},
        "32": {"class_type": "KSampler", "inputs": {"seed": 99, "steps": 30, "cfg": 6.0, "sampler_name": "uni_pc",
                                                    "scheduler": "simple", "denoise": 0.5 if refine else 1.0,
                                                    "model": ["5", 0], "positive": ["31", 0], "negative": ["31", 1],
                                                    "latent_image": ["9", 0] if refine else ["31", 2]}},
        "33": {"class_type": "VAEDecode", "inputs": {"samples": ["32", 0], "vae": ["3", 0]}},
        "34": {"class_type": "ImageBatch", "inputs": {"image1": ["10", 0], "image2": ["33", 0]}},
        "40": {"class_type": "ImageFromBatch", "inputs": {"batch_index": 4095, "length": 1, "image": ["34", 0]}},
        "41": {"class_type": "WanImageToVideo", "inputs": {"width": 832, "height": 480, "length": 33, "batch_size": 1,
                                                           "positive": ["6", 0], "negative": ["7", 0], "vae": ["3", 0],
                                                           "start_image": ["40", 0]}},
        "42": {"class_type": "KSampler", "inputs": {"seed": 7, "steps": 30, "cfg": 6.0, "sampler_name": "uni_pc",
                                                    "scheduler": "simple", "denoise": 1.0, "model": ["5", 0],
                                                    "positive": ["41", 0], "negative": ["41", 1],
                                                    "latent_image": ["41", 2]}},
        "43": {"class_type": "VAEDecode", "inputs": {"samples": ["42", 0], "vae": ["3", 0]}},
        "44": {"class_type": "ImageBatch", "inputs": {"image1": ["34", 0], "image2": ["43", 0]}},
        "24": {"class_type": "CreateVideo", "inputs": {"fps": 16, "images": ["44", 0]}},
        "25": {"class_type": "SaveVideo", "inputs": {"filename_prefix": "two", "format": "auto", "codec": "auto",
                                                     "video": ["24", 0]}}}
    return _wan(**extra)


def test_a_save_of_the_first_take_joined_with_takes_of_their_own_is_no_second_generator():
    """Had been a second generator copying the first take (its sampler, seed, prompt) for the save of the joined
    chain, then the first take alone said; now (branch extend4) each take its own generator (seeds 1234, 99, 7), the
    third from the last frame of the second (picked from the frames ImageBatch #34 joins), the first generated once
    for both saves."""
    conv = convert(_chain(), "chain")
    g = conv.graph
    assert g.validate() == []
    gens = [n for n in g.nodes.values() if n.type_id.startswith("video_models.") and "to_video" in n.type_id]
    assert [n.params["seed"] for n in gens] == [1234, 99, 7]
    for earlier, later in zip(gens, gens[1:]):
        hold = g.nodes[g.input_link(later.id, "image").src]
        assert hold.type_id == "edit.frame_hold" and g.input_link(hold.id, "video").src == earlier.id
    assert sum(n.type_id == "io.save_video" for n in g.nodes.values()) == 2
    assert "take 1 is the take of 'SaveVideo' (#21), generated once for both" in _notes(conv)


def test_a_refine_of_the_take_is_not_read_as_a_joined_take():
    """A later pass sampling on from the first take's latent (denoise 0.5) is a refine: never said 'a segment of its
    own' nor written as the first take alone."""
    conv = convert(_chain(refine=True), "refine")
    assert "each a segment of its own" not in _notes(conv) + "\n".join(conv.log)


@pytest.mark.parametrize("resize, size", [
    ({"class_type": "ResizeImageMaskNode", "inputs": {"resize_type": "scale dimensions", "resize_type.width": 720,
                                                      "resize_type.height": 1280, "resize_type.crop": "center",
                                                      "scale_method": "lanczos"}}, (720, 1280)),
    ({"class_type": "ImageScale", "inputs": {"upscale_method": "lanczos", "width": 1280, "height": 720,
                                             "crop": "center"}}, (1280, 720)),
    ({"class_type": "ImageScale", "inputs": {"upscale_method": "lanczos", "width": 1280, "height": 0,
                                             "crop": "disabled"}}, None),  # the picture's aspect decides: not read
])
def test_a_size_measured_after_a_resize_to_a_fixed_size_is_that_size(resize, size):
    """GetImageSize of a resize whose settings fix its size (LTX-2.3's first-last-frame template) gives the take's
    size; had been said not read (width and height 0) though the keyframes were scaled to it."""
    from tests.convert.test_comfy_dual_text_parts import _said
    from tests.convert.test_comfy_folded_sizes import _sized
    from tests.convert.test_comfy_wrappers import _nodes
    conv = convert(_sized({**resize, "inputs": {**resize["inputs"],
                                                ("input" if "Mask" in resize["class_type"] else "image"): ["22", 0]}}),
                   "sized")
    gen = _nodes(conv, "video_models.ltx2")[0]
    if size is None:
        assert (gen.params["width"], gen.params["height"]) == (0, 0)
        assert "width and height come from 'GetImageSize'" in _said(conv)
    else:
        assert (gen.params["width"], gen.params["height"]) == size
        assert "cannot work out when converting: not read" not in _said(conv)
