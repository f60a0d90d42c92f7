"""heldout56's mends (benchmarks/results/heldout56_2026-11-30.md): each test builds a minimal UI workflow from node
types, values and links (no fetched file) and fails without its mend."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.builders import (CONTROL_EMBEDS, DECODE, ENCODE, FUN_CONTROL_MODEL, FUN_SAMPLING, T5, TEXT, VACE_ENCODE,
                                    VACE_MODEL, VACE_MODULE, VACE_SAMPLING, VAE, combine, depth, load_video, sampler)
from tests.convert.said import nodes_of, said, ui


def _i2v(noise: float, sampler_values: list, widget_inputs: bool = False) -> dict:
    """The wrapper's image to video (UI): WanVideoImageToVideoEncode's values by place, noise_aug_strength 4th."""
    doc = ui([T5, TEXT,
              (3, "WanVideoModelLoader", [], ["WANVIDEOMODEL"], ["Wan2_1-I2V-14B-480P_fp8_e4m3fn.safetensors", "fp16",
                                                                  "fp8_e4m3fn", "offload_device", "sdpa"]),
              VAE, (5, "LoadImage", [], ["IMAGE", "MASK"], ["oldman.png", "image"]),
              (6, "WanVideoImageToVideoEncode", [("vae", "WANVAE"), ("start_image", "IMAGE")], ["WANVIDIMAGE_EMBEDS"],
               [832, 480, 81, noise, 1, 1, True, False, False]),
              sampler(sampler_values), DECODE, combine(9, "oldman")],
             [(1, 0, 2, "t5"), (4, 0, 6, "vae"), (5, 0, 6, "start_image"), (3, 0, 7, "model"), (6, 0, 7, "image_embeds"),
              (2, 0, 7, "text_embeds"), (4, 0, 8, "vae"), (7, 0, 8, "samples"), (8, 0, 9, "images")])
    if widget_inputs:  # (the newer frontend lists each widget as an input too: the reading names them from there)
        node = next(n for n in doc["nodes"] if n["id"] == 7)
        node["inputs"] += [{"name": k, "type": t, "widget": {"name": k}, "link": None} for k, t in (
            ("steps", "INT"), ("cfg", "FLOAT"), ("shift", "FLOAT"), ("seed", "INT"), ("force_offload", "BOOLEAN"),
            ("scheduler", "COMBO"), ("riflex_freq_index", "INT"), ("denoise_strength", "FLOAT"),
            ("batched_cfg", "BOOLEAN"), ("rope_function", "COMBO"), ("start_step", "INT"), ("end_step", "INT"),
            ("add_noise_to_samples", "BOOLEAN"))]
    return doc


SAMPLER = [4, 1, 5, 42, "fixed", True, "dpm++_sde", 0, 1, False, "comfy", 0, -1, False]


def test_a_ui_files_start_picture_noise_is_said():
    """07: WanVideoImageToVideoEncode's noise_aug_strength 0.03, saved by place in a UI file, was dropped unsaid (the
    sentence read it by name only, as an API file names it); none said at 0."""
    conv = convert(_i2v(0.03, SAMPLER), "oldman.json")
    assert nodes_of(conv, "video_models.image_to_video")
    assert ("'WanVideoImageToVideoEncode' (WanVideoImageToVideoEncode, #6)'s noise_aug_strength 0.03 (noise added to "
            "the start picture before it is encoded) is not taken") in said(conv)
    assert "noise_aug_strength" not in said(convert(_i2v(0.0, SAMPLER), "oldman.json"))


def test_a_layout_break_names_the_place_among_the_values_the_file_saves():
    """01: a WanVideoSampler of another layout ('' where batched_cfg lies, the 10th of 14 values) was said to save ''
    "at place 9", counted without the seed's 'fixed' the reading leaves unnamed."""
    values = [4, 1, 5, 42, "fixed", True, "dpm++_sde", 0, 1, "", "comfy", 0, -1, False]
    for widget_inputs in (False, True):
        text = said(convert(_i2v(0.0, values, widget_inputs), "oldman.json"))
        assert "saves '' at place 10 of its 14 values, where Studio reads its 'batched_cfg'" in text
        assert "at place 9 of" not in text


def _fun_control_t2v(preview_prefix: str) -> dict:
    """The wrapper's Fun Control text to video (UI): the depth of a clip encoded, its control embeds given to
    WanVideoEmptyEmbeds' 'control_embeds' (the wrapper's own example), the depth previewed under ``preview_prefix``."""
    return ui([T5, TEXT, FUN_CONTROL_MODEL, VAE, load_video(10, "wolf.mp4"), *depth(11, 12), ENCODE, CONTROL_EMBEDS,
               (6, "WanVideoEmptyEmbeds", [("control_embeds", "WANVIDIMAGE_EMBEDS")], ["WANVIDIMAGE_EMBEDS"],
                [832, 480, 81]),
               sampler(FUN_SAMPLING), DECODE, combine(9, "fox"), combine(15, preview_prefix)],
              [(1, 0, 2, "t5"), (11, 0, 12, "da_model"), (10, 0, 12, "images"), (4, 0, 13, "vae"), (12, 0, 13, "image"),
               (13, 0, 14, "latents"), (14, 0, 6, "control_embeds"), (3, 0, 7, "model"), (6, 0, 7, "image_embeds"),
               (2, 0, 7, "text_embeds"), (4, 0, 8, "vae"), (7, 0, 8, "samples"), (8, 0, 9, "images"),
               (12, 0, 15, "images")])


def test_control_embeds_given_to_empty_embeds_make_a_fun_control_take():
    """08: WanVideoControlEmbeds wired into WanVideoEmptyEmbeds' 'control_embeds' were not read: a text to video made
    without the depth clip. Read as Wan Fun Control, the depth of the clip its control."""
    conv = convert(_fun_control_t2v("control"), "fox.json")
    gen = nodes_of(conv, "video_models.wan_fun_control")
    assert len(gen) == 1 and not nodes_of(conv, "video_models.text_to_video")
    depth = {n.id for n in nodes_of(conv, "preprocess.depth")}
    assert any(l.src in depth and l.dst == gen[0].id and l.dst_port == "control" for l in conv.graph.links)


def test_two_outputs_of_one_prefix_each_keep_their_file():
    """06: the take and the depth clip previewed under one prefix both wrote 'out/<prefix>.mp4' (ComfyUI numbers the
    files of one prefix), so one overwrote the other unsaid: the second is numbered, said."""
    conv = convert(_fun_control_t2v("fox"), "fox.json")
    paths = sorted(n.params["path"] for n in nodes_of(conv, "io.save_video"))
    assert paths == ["out/fox.mp4", "out/fox_2.mp4"]
    assert "writes its video as 'out/fox_2.mp4': another output's Save Video writes 'out/fox.mp4'" in said(conv)


def test_a_start_to_end_frame_clip_measured_on_its_way_is_not_given_as_the_picture():
    """06: WanVideoVACEStartToEndFrame's clip reached WanVideoVACEEncode through GetImageSizeAndCount (a measure on
    the way), so it was not read as that node's: its start picture went to Wan VACE's 'video' and 'mask' unsaid. Read
    through the measure, its clip (the start picture, then a depth clip's frames) is said not made, neither wired."""
    doc = ui([T5, TEXT, VACE_MODULE, VACE_MODEL, VAE, (5, "LoadImage", [], ["IMAGE", "MASK"], ["wolf.png", "image"]),
              load_video(10, "depth.mp4"),
              (11, "WanVideoVACEStartToEndFrame", [("start_image", "IMAGE"), ("control_images", "IMAGE")],
               ["IMAGE", "MASK"], [33, 0.5]),
              (12, "GetImageSizeAndCount", [("image", "IMAGE")], ["IMAGE", "INT", "INT", "INT"], []),
              VACE_ENCODE, sampler(VACE_SAMPLING), DECODE, combine(9, "wolf")],
             [(1, 0, 2, "t5"), (16, 0, 3, "vace_model"), (5, 0, 11, "start_image"), (10, 0, 11, "control_images"),
              (11, 0, 12, "image"), (4, 0, 6, "vae"), (12, 0, 6, "input_frames"), (5, 0, 6, "ref_images"),
              (11, 1, 6, "input_masks"), (3, 0, 7, "model"), (6, 0, 7, "image_embeds"), (2, 0, 7, "text_embeds"),
              (4, 0, 8, "vae"), (7, 0, 8, "samples"), (8, 0, 9, "images")])
    conv = convert(doc, "wolf.json")
    gen = nodes_of(conv, "video_models.wan_vace")
    assert len(gen) == 1
    into = {l.dst_port: conv.graph.nodes[l.src] for l in conv.graph.links if l.dst == gen[0].id}
    assert "mask" not in into and into["video"].params.get("path") != "wolf.png"  # (never the start picture; since
    # left56 its control frames are the generator's 'video': tests/convert/test_comfy_left56.py)
