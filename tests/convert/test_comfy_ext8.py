"""A loaded clip continued (issue 112, ext8: heldout45 03): its last frame picked starts the new take (Frame Hold
-1), and the clip and the new frames joined (KJNodes' ImageBatchExtendWithOverlap, a pack's join by its declared
types, ComfyUI's ImageBatch) are Studio's Transition / Concatenate of Load Video and the generator. Each workflow
built here from node types, values and links alone; one pack's types invented and planted in the catalogue."""
from __future__ import annotations

import pytest

from studio.convert.mapping.convert import convert
from tests.convert.planted import plant
from tests.convert.said import nodes_of, said
from tests.convert.test_comfy_wan_frames import COND, LAT, _head, _prompt
from tests.convert.test_comfy_wiring import UI

IMG = "IMAGE"


def _continued(w: UI, pick: tuple[str, list, list] = ("VHS_SelectImages", ["-1", True, True], [IMG])):
    """Load Video -> its frames -> a pick -> Wan image to video's start image; the take decoded. (the clip's frames'
    node, the decoder)."""
    hi, lo, clip, vae = _head(w)
    video = w.add("LoadVideo", ["clip.mp4", "image"], ["VIDEO"])
    frames = w.add("GetVideoComponents", [], [IMG, "AUDIO", "FLOAT"], {"video": (video, 0, "VIDEO")})
    cls, values, outs = pick
    last = w.add(cls, values, outs, {"frames" if cls.startswith("Invented") else "image": (frames, 0, IMG)})
    pos, neg = _prompt(w, clip, "the fox runs on"), _prompt(w, clip, "blurry")
    i2v = w.add("WanImageToVideo", [832, 480, 41, 1], [COND, COND, LAT],
                {"positive": (pos, 0, COND), "negative": (neg, 0, COND), "vae": (vae, 0, "VAE"),
                 "start_image": (last, 0, IMG)})
    a = w.add("KSamplerAdvanced", ["enable", 5, "fixed", 4, 1, "euler", "simple", 0, 2, 10000, "enable"], [LAT],
              {"model": (hi, 0, "MODEL"), "positive": (i2v, 0, COND), "negative": (i2v, 1, COND),
               "latent_image": (i2v, 2, LAT)})
    b = w.add("KSamplerAdvanced", ["disable", 5, "fixed", 4, 1, "euler", "simple", 2, 10000, "disable"], [LAT],
              {"model": (lo, 0, "MODEL"), "positive": (i2v, 0, COND), "negative": (i2v, 1, COND),
               "latent_image": (a, 0, LAT)})
    dec = w.add("VAEDecode", [], [IMG], {"samples": (b, 0, LAT), "vae": (vae, 0, "VAE")})
    return frames, dec


def _save(w: UI, node: int, slot: int = 0):
    w.add("VHS_VideoCombine", [16, 0, "extended", "video/h264-mp4"], [], {"images": (node, slot, IMG)})


def _into(conv, nid: str, port: str) -> str:
    return next(l.src for l in conv.graph.links if l.dst == nid and l.dst_port == port)


def test_a_clip_continued_from_its_last_frame_and_extended_by_the_take():
    """heldout45 03: the clip's last frame (VHS_SelectImages -1) started the take from the clip's first frame (said),
    and the join onto the clip (ImageBatchExtendWithOverlap, 6 frames, linear blend) was said not made."""
    w = UI()
    frames, dec = _continued(w)
    join = w.add("ImageBatchExtendWithOverlap", [6, "source", "linear_blend"], [IMG, IMG, IMG],
                 {"source_images": (frames, 0, IMG), "new_images": (dec, 0, IMG)})
    _save(w, join, 2)
    conv = convert(w.doc(), "extend")
    (hold,) = nodes_of(conv, "edit.frame_hold")
    assert hold.params["frame"] == -1
    (load,) = nodes_of(conv, "io.load_video")
    (gen,) = nodes_of(conv, "video_models.image_to_video")
    (tr,) = nodes_of(conv, "edit.transition")
    assert (tr.params["style"], tr.params["frames"], tr.params["keep"], tr.params["easing"]) == \
        ("dissolve", 6, "whole", "linear")
    assert _into(conv, tr.id, "a") == load.id and _into(conv, tr.id, "b") == gen.id
    (save,) = nodes_of(conv, "io.save_video")
    (mute,) = nodes_of(conv, "edit.replace_audio")
    assert _into(conv, save.id, "video") == mute.id and _into(conv, mute.id, "video") == tr.id
    text = said(conv)
    assert "'image' is the last frame of the clip 'clip.mp4'" in text and "Frame Hold (frame -1)" in text
    assert "writes the clip 'clip.mp4' then the take" in text and "Transition 'dissolve'" in text
    assert "a join Studio does not convert" not in text and "gives the clip's first frame" not in text
    assert "indexes -1" not in text and "wired without" not in text  # (the pick read, not said not applied)


def test_a_blend_studio_has_no_like_of_is_said_and_not_made():
    """A blend from the take back to the clip (overlap_side new_images) and a perceptual crossfade: not made, said
    naming the setting; the take still starts from the clip's last frame (ImageFromBatch at its highest index)."""
    for side, mode, words in (("new_images", "linear_blend", "blends from the take's frames back to the clip's"),
                              ("source", "perceptual_crossfade", "no like of its overlap_mode 'perceptual_crossfade'")):
        w = UI()
        frames, dec = _continued(w, ("ImageFromBatch", [4095, 1], [IMG]))
        join = w.add("ImageBatchExtendWithOverlap", [4, side, mode], [IMG, IMG, IMG],
                     {"source_images": (frames, 0, IMG), "new_images": (dec, 0, IMG)})
        _save(w, join, 2)
        conv = convert(w.doc(), "unmade")
        assert not nodes_of(conv, "edit.transition") and not nodes_of(conv, "edit.concatenate")
        assert nodes_of(conv, "edit.frame_hold")[0].params["frame"] == -1
        text = said(conv)
        assert words in text and "its Save Video writes the take alone" in text
        assert text.count("(ImageBatchExtendWithOverlap, #") == 1  # said once


def test_a_cut_on_the_takes_side_is_the_clip_then_the_take_from_frame_n():
    w = UI()
    frames, dec = _continued(w)
    join = w.add("ImageBatchExtendWithOverlap", [5, "new_images", "cut"], [IMG, IMG, IMG],
                 {"source_images": (frames, 0, IMG), "new_images": (dec, 0, IMG)})
    _save(w, join, 2)
    conv = convert(w.doc(), "cut")
    (cat,) = nodes_of(conv, "edit.concatenate")
    (trim,) = [n for n in nodes_of(conv, "edit.time") if n.params.get("mode") == "trim"]
    assert trim.params["start"] == 5 and _into(conv, cat.id, "b") == trim.id
    assert _into(conv, cat.id, "a") == nodes_of(conv, "io.load_video")[0].id


def test_a_batch_of_the_take_then_a_run_of_the_clips_frames_is_concatenate_after_a_trim():
    """heldout44 (LTXVideo's last-sequence conditioning): ImageBatch of the take and the clip from frame 9 on
    (VHS_SelectImages '9:') was said not applied, the Save Video writing the take alone."""
    w = UI()
    frames, dec = _continued(w)
    run = w.add("VHS_SelectImages", ["9:", True, True], [IMG], {"image": (frames, 0, IMG)})
    join = w.add("ImageBatch", [], [IMG], {"image1": (dec, 0, IMG), "image2": (run, 0, IMG)})
    _save(w, join)
    conv = convert(w.doc(), "batch")
    (cat,) = nodes_of(conv, "edit.concatenate")
    (trim,) = [n for n in nodes_of(conv, "edit.time") if n.params.get("mode") == "trim"]
    assert (trim.params["start"], trim.params["length"]) == (9, 0)
    assert _into(conv, cat.id, "a") == nodes_of(conv, "video_models.image_to_video")[0].id
    assert _into(conv, cat.id, "b") == trim.id and _into(conv, trim.id, "video") == nodes_of(conv, "io.load_video")[0].id
    text = said(conv)
    assert "writes the take then the clip 'clip.mp4'" in text and "the clip's frames 9 on" in text
    assert "indexes 9:" not in text


def test_the_source_output_of_the_join_is_not_read_as_the_joined_frames():
    """The save reading the join's first output (the source frames passed on) is not the clip extended."""
    w = UI()
    frames, dec = _continued(w)
    join = w.add("ImageBatchExtendWithOverlap", [6, "source", "linear_blend"], [IMG, IMG, IMG],
                 {"source_images": (frames, 0, IMG), "new_images": (dec, 0, IMG)})
    _save(w, join, 0)
    conv = convert(w.doc(), "source_out")
    assert not nodes_of(conv, "edit.transition") and nodes_of(conv, "edit.frame_hold")[0].params["frame"] == -1


PACK = "someone/invented-pack"


def _i(name, typ, widget=False, optional=False, **kw) -> dict:
    return {"name": name, "type": typ, "widget": widget, "optional": optional, **kw}


PLANTED = {
    # a pack's last-frame pick: pictures in, pictures out, an index (a whole number) and a count
    "InventedTailFrames": {"pack": PACK, "inputs": [_i("frames", IMG), _i("from_index", "INT", widget=True, min=-64),
                                                    _i("num_frames", "INT", widget=True, min=1)],
                           "outputs": [{"type": IMG, "name": "picked"}]},
    # a pack's join: the earlier frames, the new ones, an overlap, how and on which side they meet
    "InventedClipJoiner": {"pack": PACK, "inputs": [
        _i("earlier", IMG), _i("later", IMG), _i("blend_overlap", "INT", widget=True, min=1),
        _i("meet", "COMBO", widget=True, options=["cut", "linear_blend", "ease_in_out"]),
        _i("blend_side", "COMBO", widget=True, options=["earlier", "later"])],
        "outputs": [{"type": IMG, "name": "joined_images"}]},
}


@pytest.fixture
def planted(monkeypatch):
    """The invented types above in the catalogue, for this test only."""
    yield from plant(monkeypatch, PLANTED)


def test_an_unseen_packs_last_frame_pick_and_join_are_read_by_their_declared_types(planted):
    w = UI()
    frames, dec = _continued(w, ("InventedTailFrames", [-2, 1], [IMG]))
    join = w.add("InventedClipJoiner", [3, "ease_in_out", "earlier"], [IMG],
                 {"earlier": (frames, 0, IMG), "later": (dec, 0, IMG)})
    _save(w, join)
    conv = convert(w.doc(), "unseen")
    assert nodes_of(conv, "edit.frame_hold")[0].params["frame"] == -2
    (tr,) = nodes_of(conv, "edit.transition")
    assert (tr.params["frames"], tr.params["easing"]) == (3, "ease_in_out")
    text = said(conv)
    assert "frame 2 from the end of the clip 'clip.mp4'" in text
    assert "'InventedClipJoiner' (InventedClipJoiner, #" in text and "blend_overlap 3, meet 'ease_in_out'" in text


def test_frame_hold_counts_negative_frames_from_the_end():
    import numpy as np
    from nodes.edit.time import FrameHold
    from studio.engine.clip import ArrayClip

    class Ctx:
        class params:
            frame = -1
    clip = ArrayClip(np.stack([np.full((2, 2, 3), i, np.float32) for i in range(4)]), 16)
    assert FrameHold().run(Ctx, clip)[0, 0, 0] == 3
    Ctx.params.frame = -5
    with pytest.raises(ValueError, match="past the clip's start"):
        FrameHold().run(Ctx, clip)
