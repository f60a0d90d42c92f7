"""A clip's continuation by KJNodes' LTXVAudioVideoMask window (its first seconds kept, the rest made) stays held, and
the hold says how Studio's own 'continue_from' makes it by hand: that input continues a clip from the clip's last
frames, which the converter cannot set to the frames the mask keeps (heldout17 09; mapping/continue_by_hand.py)."""
from __future__ import annotations

from studio.convert.mapping.convert import convert
from tests.convert.test_comfy_heldout17_mends import _ltx2_t2v, _said
from tests.convert.test_comfy_ltx2_mask_continue import _continued


def _n(cls, **inputs):
    return {"class_type": cls, "inputs": inputs}


def _loaded(pick: bool, **window) -> dict:
    """A loaded clip (through a frame-range pick worked out when it runs, as heldout17 09's last 5 s, where ``pick``)
    encoded, masked by ``window``, sampled whole with its own prompt."""
    wf = _ltx2_t2v()
    wf.update({
        "40": _n("LoadVideo", file="take.mp4"),
        "41": _n("GetVideoComponents", video=["40", 0]),
        "42": _n("GetImageSizeAndCount", image=["41", 0]),
        "43": _n("GetImageRangeFromBatch", images=["41", 0], start_index=["42", 3], num_frames=120),
        "21": _n("VAEEncode", pixels=["43", 0] if pick else ["41", 0], vae=["1", 2]),
        "23": _n("LTXVAudioVideoMask", video_latent=["21", 0], **window),
    })
    wf["7"]["inputs"]["latent_image"] = ["23", 0]
    if not pick:
        for k in ("42", "43"):
            wf.pop(k)
    return wf


WINDOW = dict(video_fps=24, video_start_time=5, video_end_time=20, audio_start_time=5, audio_end_time=20,
              max_length="pad")


def _hold(said: str) -> str:
    return next(x for x in said.splitlines() if x.startswith("This workflow makes a video made around the encoded "
                                                               "frames 'LTXVAudioVideoMask'"))


def test_a_loaded_clips_continuation_is_held_saying_continue_from_by_hand():
    for pick in (False,):  # (its last frames picked, or the whole clip padded: made with 'continue_from',
        # test_comfy_continue_wired.py, test_comfy_continue_more.py; a window cut at the clip's end stays held)
        conv = convert(_loaded(pick, **dict(WINDOW, max_length="truncate")), "continue.json")
        line = _hold(_said(conv))
        assert "a continuation: it keeps the encoded frames before 5 s (its first 121 frames at 24 fps)" in line
        assert ("Studio's 'continue_from' (LTX-2 Video + Sound, Text to Video) continues a clip from the clip's own "
                "last frames, not from frames a noise mask keeps: to continue the clip 'LoadVideo' (LoadVideo, #40) "
                "loads ('take.mp4') by hand") in line
        assert "a red fox in snow" in line  # (its own prompt held)
        assert not any(x.type_id == "video_models.ltx2" for x in conv.graph.nodes.values())  # still held


def test_no_by_hand_words_where_the_window_is_no_continuation_or_no_clip_is_loaded():
    not_cont = _hold(_said(convert(_loaded(False, **dict(WINDOW, video_start_time=0, audio_start_time=0)),
                                   "inpaint.json")))
    assert "not a continuation" in not_cont and "continue_from" not in not_cont
    earlier = _said(convert(_continued(video_fps=24, video_start_time=3, video_end_time=8), "shot2.json"))
    assert "continue_from" not in _hold(earlier)  # an earlier take's frames (heldout17 04): no loader to wire
