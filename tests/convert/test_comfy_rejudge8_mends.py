"""Sets 46-49 re-read on the merged main (issue 112, rejudge8): a clip's first frame picked on its way to a
generator's picture input (KJNodes' GetImageRangeFromBatch 0 of 1, told by its declared types) is what Frame Hold's
frame 0 gives: read so, named, never said 'wired without' nor 'not applied' (heldout49 03 and the wrapper's
InfiniteTalk dubbing files: the pick was said both while Frame Hold made it). Each workflow built here from node
types, values and links alone."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.said import nodes_of, said
from tests.convert.test_comfy_wan_frames import COND, LAT, _head, _prompt
from tests.convert.test_comfy_wiring import UI

IMG = "IMAGE"


def _picked(start: int, count: int = 1, twice: bool = False):
    """Load Video -> its frames -> (a pick of every 2nd frame) -> GetImageRangeFromBatch ``start`` of ``count`` ->
    Wan image to video's start image -> one sampler -> decode -> save. (the workflow, the pick's id)."""
    w = UI()
    model, _, clip, vae = _head(w)
    video = w.add("LoadVideo", ["clip.mp4", "image"], ["VIDEO"])
    frames = w.add("GetVideoComponents", [], [IMG, "AUDIO", "FLOAT"], {"video": (video, 0, "VIDEO")})
    if twice:
        frames = w.add("GetImageRangeFromBatch", [4, 8], [IMG, "MASK"], {"images": (frames, 0, IMG)})
    pick = w.add("GetImageRangeFromBatch", [start, count], [IMG, "MASK"], {"images": (frames, 0, IMG)})
    pos, neg = _prompt(w, clip, "the fox runs on"), _prompt(w, clip, "blurry")
    i2v = w.add("WanImageToVideo", [832, 480, 41, 1], [COND, COND, LAT],
                {"positive": (pos, 0, COND), "negative": (neg, 0, COND), "vae": (vae, 0, "VAE"),
                 "start_image": (pick, 0, IMG)})
    a = w.add("KSampler", [5, "fixed", 4, 1, "euler", "simple", 1], [LAT],
              {"model": (model, 0, "MODEL"), "positive": (i2v, 0, COND), "negative": (i2v, 1, COND),
               "latent_image": (i2v, 2, LAT)})
    dec = w.add("VAEDecode", [], [IMG], {"samples": (a, 0, LAT), "vae": (vae, 0, "VAE")})
    w.add("VHS_VideoCombine", [16, 0, "picked", "video/h264-mp4"], [], {"images": (dec, 0, IMG)})
    return w, pick


def test_a_first_frame_pick_is_frame_holds_own_and_named_another_pick_said_as_before():
    w, pick = _picked(0)
    conv = convert(w.doc(), "picked")
    (hold,) = nodes_of(conv, "edit.frame_hold")
    assert hold.params["frame"] == 0
    text = said(conv)
    assert (f"'image' is the first frame of the clip 'clip.mp4' ('GetImageRangeFromBatch' (GetImageRangeFromBatch, "
            f"#{pick}) picks it: start_index 0): Frame Hold (frame 0) gives it") in text
    assert "wired without" not in text and f"#{pick}), a step" not in text  # (read, not said not applied)
    assert "is a frame of the clip" not in text
    # frame 3, or frame 0 of frames another pick took first: Frame Hold's frame 0 is not that frame, so the pick
    # stays said wired without (the take starts from the clip's first frame)
    for w, pick in (_picked(3), _picked(0, twice=True)):
        conv = convert(w.doc(), "picked")
        text = said(conv)
        assert f"(GetImageRangeFromBatch, #{pick}): the file is wired without" in text or \
            f"(GetImageRangeFromBatch, #{pick})" in text and "wired without those steps" in text
        assert "'image' is the first frame of the clip" not in text
