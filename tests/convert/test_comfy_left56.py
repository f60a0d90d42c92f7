"""left56's mends (benchmarks/results/left56_2026-11-30.md): what heldout55 and heldout56 left. Each test builds a
minimal UI workflow from node types, values and links (no fetched file) and fails without its mend."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import nodes_of, said, ui
from tests.convert.builders import (CONTROL_EMBEDS, DECODE, ENCODE, FUN_CONTROL_MODEL, FUN_SAMPLING, T5, TEXT, VACE_ENCODE,
                                    VACE_MODEL, VACE_MODULE, VACE_SAMPLING, VAE, combine, depth, load_video, sampler)


def _fun_control_side_by_side() -> dict:
    """The wrapper's Fun Control text to video (UI): a clip resized to 640x640, its depth the control (encoded, control
    embeds on WanVideoEmptyEmbeds) and also placed left of the take by ImageConcatMulti before the save."""
    return ui([T5, TEXT, FUN_CONTROL_MODEL, VAE, load_video(10, "wolf.mp4"),
               (16, "ImageResizeKJ", [("image", "IMAGE")], ["IMAGE", "INT", "INT"],
                [640, 640, "lanczos", False, 16, 0, 0, "disabled"]),
               *depth(11, 12), ENCODE, CONTROL_EMBEDS,
               (6, "WanVideoEmptyEmbeds", [("control_embeds", "WANVIDIMAGE_EMBEDS")], ["WANVIDIMAGE_EMBEDS"],
                [640, 640, 81]),
               sampler(FUN_SAMPLING), DECODE, (17, "ImageConcatMulti", [("image_1", "IMAGE"), ("image_2", "IMAGE")],
                                               ["IMAGE"], [2, "right", False, None]),
               combine(9, "fox")],
              [(1, 0, 2, "t5"), (10, 0, 16, "image"), (11, 0, 12, "da_model"), (16, 0, 12, "images"),
               (4, 0, 13, "vae"), (12, 0, 13, "image"), (13, 0, 14, "latents"), (14, 0, 6, "control_embeds"),
               (3, 0, 7, "model"), (6, 0, 7, "image_embeds"), (2, 0, 7, "text_embeds"), (4, 0, 8, "vae"),
               (7, 0, 8, "samples"), (12, 0, 17, "image_1"), (8, 0, 17, "image_2"), (17, 0, 9, "images")])


def test_a_depth_clip_read_by_the_control_and_the_side_by_side_is_made_once():
    """56 08: the depth chain (the clip's resize, its depth) was built twice, once for the generator's control and once
    for the side-by-side's other picture: made once, both wired from it."""
    conv = convert(_fun_control_side_by_side(), "fox.json")
    gen = nodes_of(conv, "video_models.wan_fun_control")
    depth, sides = nodes_of(conv, "preprocess.depth"), nodes_of(conv, "edit.side_by_side")
    assert len(gen) == 1 and len(depth) == 1 and len(sides) == 1
    assert len([n for n in nodes_of(conv, "transform.scale") if n.params["width"] == 640]) == 1
    feeds = {(l.dst, l.dst_port) for l in conv.graph.links if l.src == depth[0].id}
    assert (gen[0].id, "control") in feeds and (sides[0].id, "a") in feeds
    assert "Side by Side" in said(conv)


def _vace_start_and_depth(extra_links: tuple = ()) -> dict:
    """The wrapper's VACE 1.3B (UI): WanVideoVACEStartToEndFrame given a start picture and a clip's depth as its
    control_images, its clip (measured on its way) and masks into WanVideoVACEEncode."""
    return ui([T5, TEXT, VACE_MODULE, VACE_MODEL, VAE, (5, "LoadImage", [], ["IMAGE", "MASK"], ["wolf.png", "image"]),
               load_video(10, "clip.mp4"), *depth(13, 14),
               (11, "WanVideoVACEStartToEndFrame", [("start_image", "IMAGE"), ("control_images", "IMAGE"),
                                                    ("inpaint_mask", "MASK")], ["IMAGE", "MASK"], [33, 0.5]),
               (12, "GetImageSizeAndCount", [("image", "IMAGE")], ["IMAGE", "INT", "INT", "INT"], []),
               VACE_ENCODE, sampler(VACE_SAMPLING), DECODE, combine(9, "wolf")],
              [(1, 0, 2, "t5"), (16, 0, 3, "vace_model"), (5, 0, 11, "start_image"), (13, 0, 14, "da_model"),
               (10, 0, 14, "images"), (14, 0, 11, "control_images"), (11, 0, 12, "image"), (4, 0, 6, "vae"),
               (12, 0, 6, "input_frames"), (5, 0, 6, "ref_images"), (11, 1, 6, "input_masks"), (3, 0, 7, "model"),
               (6, 0, 7, "image_embeds"), (2, 0, 7, "text_embeds"), (4, 0, 8, "vae"), (7, 0, 8, "samples"),
               (8, 0, 9, "images"), *extra_links])


def test_a_start_frame_with_control_frames_is_a_vace_keyframe_and_control_clip():
    """56 06: WanVideoVACEStartToEndFrame given a start picture and a depth clip as control_images (the wrapper puts
    the picture on frame 0, mask 0, and the depth frames on the rest, masks 1) was said not made, Wan VACE given
    neither. Studio's Wan VACE does the same with keyframe 0 and the depth clip as its control 'video': read so."""
    conv = convert(_vace_start_and_depth(), "wolf.json")
    gen = nodes_of(conv, "video_models.wan_vace")
    assert len(gen) == 1 and gen[0].params["keyframes"] == "0"
    into = {l.dst_port: conv.graph.nodes[l.src] for l in conv.graph.links if l.dst == gen[0].id}
    assert into["keyframe_1"].params["path"] == "wolf.png" and "mask" not in into
    assert into["video"].type_id == "preprocess.depth"
    assert ("the node sizes its control frames to the start picture and greys the frames past the control clip's end, "
            "Studio's take has the control clip's size and length") in said(conv)  # (where they differ: said)
    assert ("makes Wan VACE's control clip and masks from 'wolf.png' (start_image) with the frames of its "
            "control_images ('clip.mp4' through DepthAnything_V2 (#14)) between: read as Studio's Wan VACE keyframes "
            "('keyframes' 0) and its control 'video'") in said(conv)
    assert "Studio does not make that clip" not in said(conv)


def test_a_start_frame_with_control_frames_and_an_inpaint_mask_is_still_said_not_made():
    """The same node given an inpaint mask too (its masks then the mask's, not Studio's keyframes'): not read as
    keyframe and control, said (the sentence before left56), neither wired."""
    doc = _vace_start_and_depth(((5, 1, 11, "inpaint_mask"),))
    conv = convert(doc, "wolf.json")
    gen = nodes_of(conv, "video_models.wan_vace")
    into = {l.dst_port for l in conv.graph.links if l.dst == gen[0].id}
    assert "video" not in into and "mask" not in into and "keyframe_1" not in into
    assert "its control_images and inpaint_mask (wired): Studio does not make that clip" in said(conv)
