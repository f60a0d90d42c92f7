"""kijai's ComfyUI-WanVideoWrapper leftovers of the held-out sets 50, 54, 56 (task wrapper9): each test builds a minimal
workflow from node types, values and links (no fetched file) and fails without its mend."""
from __future__ import annotations

import math
from types import SimpleNamespace

from nodes.images import scaled_size
from studio.convert.mapping.convert import convert
from tests.convert.said import nodes_of, said
from tests.convert.test_comfy_heldout54_mends import _old_wrapper_i2v


def _wrapper_size(w: int, h: int, gw: int, gh: int) -> tuple[int, int]:
    """The take's size WanVideoImageClipEncode works out with adjust_resolution on, as its source states it
    (nodes.py@721cd65e: the picture's aspect at the area gw x gh, each side's square root over the VAE stride 8 and
    patch 2, rounded down, times 16; written here from those facts, not copied)."""
    area = gw * gh
    return math.floor(math.sqrt(area * w / h) / 16) * 16, math.floor(math.sqrt(area * h / w) / 16) * 16


def _p(**k):
    base = {"scale": 1.0, "width": 0, "height": 0, "fit": "exact", "multiple": 1, "rounding": "down",
            "condition": "always"}
    return SimpleNamespace(**{**base, **k})


def test_adjust_resolution_is_made_as_a_scale_by_area_the_generator_taking_its_size():
    """54/05: WanVideoImageClipEncode's adjust_resolution on (the take at the picture's aspect, about 832x480's
    pixels) was said not taken, the take made 832x480 whatever the picture. Now Studio's Scale (area 832x480, multiples
    of 16 rounded down, Lanczos, stretched) is on the picture's way and the generator takes its size when it runs."""
    conv = convert(_old_wrapper_i2v(0.03, True), "oldman.json")
    gen = nodes_of(conv, "video_models.image_to_video")[0]
    assert (gen.params["width"], gen.params["height"]) == (0, 0)
    scale = [n for n in nodes_of(conv, "transform.scale") if n.params["fit"] == "area"]
    assert len(scale) == 1
    p = scale[0].params
    assert (p["width"], p["height"], p["multiple"], p["rounding"], p["crop"], p["interpolation"]) == \
        (832, 480, 16, "down", "disabled", "lanczos")
    way = {(l.src, l.dst) for l in conv.graph.links}
    load = nodes_of(conv, "io.load_image")[0]
    assert (load.id, scale[0].id) in way
    text = said(conv)
    assert "adjust_resolution on" not in text  # (no longer "not taken: Studio makes 832x480 whatever the picture")
    assert ("'image' of 'WanVideoImageClipEncode' is scaled to the picture's aspect at an area of 832x480, each side "
            "rounded down to a multiple of 16 by Studio's Scale") in text
    assert "the generator takes that size when it runs" in text
    assert "noise_aug_strength 0.03 (noise added to the start picture before it is encoded) is not taken" in text
    for w, h in ((1024, 1024), (1280, 720), (720, 1280), (832, 480), (3000, 2000), (641, 1999), (97, 1203)):
        for gw, gh in ((832, 480), (1280, 720), (512, 512)):  # the Scale made gives the wrapper's size
            got = scaled_size(w, h, _p(**{**p, "width": gw, "height": gh}))
            assert got == _wrapper_size(w, h, gw, gh), (w, h, gw, gh)
    off = convert(_old_wrapper_i2v(0.0, False), "oldman.json")  # adjust_resolution off: the saved 832x480
    gen = nodes_of(off, "video_models.image_to_video")[0]
    assert (gen.params["width"], gen.params["height"]) == (832, 480)
    assert not [n for n in nodes_of(off, "transform.scale") if n.params["fit"] == "area"]


def test_a_batch_of_two_drawn_face_masks_is_split_into_infinitetalks_mask_1_and_mask_2():
    """50/09, 11: the wrapper's InfiniteTalk given two voices and their face masks as one batch ('ref_target_masks',
    one mask a speaker, in the batch's order). Where the batch is built of two masks drawn from their settings (a box,
    an ellipse), each is made as Studio's Control Mask (its box as fractions of its frame) on mask_1 / mask_2, in the
    batch's order, wherever the boxes are (here both in the frame's left half, which Studio's own left and right
    boxes would not match: held before)."""
    from .test_comfy_heldout50_mends import UI, _boxes, _fed
    from .test_comfy_wrapper_embeds import _talk
    w = UI()
    batch, one, two = _boxes(w, xs=(120, 250), shapes=("square", "circle"))
    voice = w.add("LoadAudio", ["second.wav", None, None])
    _talk(w, audio_2=(voice, 0), ref_target_masks=(batch, 0))
    conv = convert(w.doc(), "dialogue")
    assert [t["generator"] for t in conv.tasks] == ["video_models.infinitetalk"]
    gen = nodes_of(conv, "video_models.infinitetalk")[0]
    assert _fed(conv, gen.id, "speech_2") is not None
    got = []
    for port in ("mask_1", "mask_2"):
        link = _fed(conv, gen.id, port)
        assert link is not None, port
        m = conv.graph.nodes[link.src]
        assert m.type_id == "control.mask"
        got.append((m.params["source"], m.params["shape_keys"], m.params["width"], m.params["height"],
                    m.params["frames"]))
    assert got == [("rectangle", "0: 0.1875 0.5 0.5375 1", 640, 640, 1), ("ellipse", "0: 0.390625 0.5 0.5375 1", 640,
                                                                           640, 1)]
    text = said(conv)
    assert (f"its face masks 'CreateShapeMask' (CreateShapeMask, #{one}: a box 344x640 at 120, 320 of a 640x640 "
            f"frame) and 'CreateShapeMask' (CreateShapeMask, #{two}: an ellipse 344x640 at 250, 320 of a 640x640 "
            f"frame), gathered by 'MaskBatchMulti' (MaskBatchMulti, #{batch}) for 'ref_target_masks' (one mask a "
            "speaker, in the batch's order), are made by Studio's Control Mask each and given to InfiniteTalk's mask_1 "
            "and mask_2") in text
    assert "face masks come as one batch" not in text and "left half" not in text


def _fun_control_measured() -> dict:
    """The wrapper's own Fun Control example's shape (UI): the depth of a clip measured by GetImageSizeAndCount (its
    IMAGE passed on to the encode, its width, height and count wired into WanVideoEmptyEmbeds), the control embeds
    given to the empty embeds' 'control_embeds'."""
    from tests.convert.builders import (CONTROL_EMBEDS, DECODE, ENCODE, FUN_CONTROL_MODEL, FUN_SAMPLING, T5, TEXT, VAE,
                                        combine, depth, load_video, sampler)
    from tests.convert.said import ui
    return ui([T5, TEXT, FUN_CONTROL_MODEL, VAE, load_video(10, "wolf.mp4"), *depth(11, 12),
               (20, "GetImageSizeAndCount", [("image", "IMAGE")], ["IMAGE", "INT", "INT", "INT"], []),
               ENCODE, CONTROL_EMBEDS,
               (6, "WanVideoEmptyEmbeds", [("control_embeds", "WANVIDIMAGE_EMBEDS"), ("width", "INT"),
                                           ("height", "INT"), ("num_frames", "INT")], ["WANVIDIMAGE_EMBEDS"],
                [832, 480, 81]),
               sampler(FUN_SAMPLING), DECODE, combine(9, "fox")],
              [(1, 0, 2, "t5"), (11, 0, 12, "da_model"), (10, 0, 12, "images"), (12, 0, 20, "image"),
               (4, 0, 13, "vae"), (20, 0, 13, "image"), (20, 1, 6, "width"), (20, 2, 6, "height"),
               (20, 3, 6, "num_frames"), (13, 0, 14, "latents"), (14, 0, 6, "control_embeds"), (3, 0, 7, "model"),
               (6, 0, 7, "image_embeds"), (2, 0, 7, "text_embeds"), (4, 0, 8, "vae"), (7, 0, 8, "samples"),
               (8, 0, 9, "images")])


def test_a_fun_control_take_sized_by_a_measure_of_its_control_clip_says_it_takes_the_clips_size():
    """56/08: WanVideoEmptyEmbeds' width, height and num_frames wired from GetImageSizeAndCount of the depth clip (the
    control) were said "left unset" only; Studio's Wan Fun Control (width, height, frames 0) takes the control clip's
    size and length, as the wrapper's embeds do: said so, and the take made so."""
    conv = convert(_fun_control_measured(), "fox.json")
    gen = nodes_of(conv, "video_models.wan_fun_control")
    assert len(gen) == 1
    assert (gen[0].params["width"], gen[0].params["height"], gen[0].params["frames"]) == (0, 0, 0)
    depth = {n.id for n in nodes_of(conv, "preprocess.depth")}
    assert any(l.src in depth and l.dst == gen[0].id and l.dst_port == "control" for l in conv.graph.links)
    assert ("'WanVideoEmptyEmbeds' (WanVideoEmptyEmbeds, #6)'s width, height and num_frames come from "
            "'GetImageSizeAndCount' (GetImageSizeAndCount, #20), a measure of the control clip: Studio's Wan Fun "
            "Control takes the control clip's size and length when it runs (its width, height and frames 0)") in said(conv)
