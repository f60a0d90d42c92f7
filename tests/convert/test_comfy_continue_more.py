"""More continuations by a noise mask's window (issue 112 item 4, cont5): a WHOLE loaded clip encoded and kept by
LTXVAudioVideoMask up to the window's start, padded to its end (ckinpdx's three LTX23_Continuation files: 'vid
replace start time') made as 'continue_from' with 'continue_part: its first frames' (mapping/continue_whole.py): the
clip wired, its first seconds continued, 'frames' the window's end; the clip's later frames (kept by ComfyUI where the
clip is longer: an inpaint in time) said not made; a start worked out when it runs from the clip's information read for
a long clip (tracing/window_probe.py) and said. A window from 0 or cut at the clip's end stays held."""
from __future__ import annotations

from nodes.video_models.takes.continue_from import lead_span
from studio.convert.mapping.continue_wired import take_frames
from studio.convert.mapping.convert import convert
from studio.convert.reading.workflow import Workflow
from studio.convert.tracing.mask_window import kept_video_frames
from studio.convert.tracing.window_probe import long_clip_value
from tests.convert.test_comfy_continue_wired import _gens, _n, _src
from tests.convert.test_comfy_heldout17_mends import _said
from tests.convert.test_comfy_ltx2_continue_by_hand import WINDOW, _loaded

FIRST = "its first frames"


def _runtime_start(a: tuple = ("56", 1)) -> dict:
    """The whole clip kept to a start SimpleMath+ works out when it runs: min(4 s x fps, the clip's frames) / fps, fps
    min(25, the clip's), from VHS_VideoInfoSource (as ckinpdx's LTX23_Continuation); ``a`` (node, slot): what is
    divided by the rate ((56, 1): that minimum)."""
    wf = _loaded(False, **dict(WINDOW, video_end_time=8.0, audio_end_time=8.0))
    minimum = "(a + b - ((a - b) * (a - b)) ** 0.5) / 2"
    wf.update({
        "50": _n("VHS_LoadVideo", video="take.mp4", force_rate=0, custom_width=0, custom_height=0, frame_load_cap=1,
                 skip_first_frames=0, select_every_nth=1, format="None"),
        "51": _n("VHS_VideoInfoSource", video_info=["50", 3]),
        "52": _n("PrimitiveFloat", value=25.0),
        "53": _n("SimpleMath+", value=minimum, a=["52", 0], b=["51", 0]),  # the rate
        "54": _n("PrimitiveFloat", value=4.0),
        "55": _n("SimpleMath+", value="a*b", a=["54", 0], b=["53", 1]),
        "56": _n("SimpleMath+", value=minimum, a=["55", 0], b=["51", 1]),  # min(4 s of frames, the clip's)
        "57": _n("SimpleMath+", value="a/b", a=list(a), b=["53", 1]),
    })
    m = wf["23"]["inputs"]
    m.update(video_fps=["53", 1], video_start_time=["57", 1], audio_start_time=["57", 1])
    return wf


def test_the_frames_a_take_starts_from_are_the_clips_first_or_last():
    assert list(lead_span(10, 3)) == [7, 8, 9] and list(lead_span(10, 3, True)) == [0, 1, 2]


def test_a_whole_clip_kept_to_the_windows_start_is_continued_from_its_first_frames():
    conv = convert(_loaded(False, **WINDOW), "continue.json")  # kept before 5 s, made to 20 s, at 24 fps
    (gen,) = _gens(conv)
    src, _ = _src(conv, gen, "continue_from")
    while src is not None and src.type_id != "io.load_video":
        src, _ = _src(conv, src, "video")
    assert src is not None and src.params["path"] == "take.mp4"
    p = gen.params
    assert p["continue_part"] == FIRST and p["continue_frames"] == kept_video_frames(5, 24) == 121
    assert p["frames"] == take_frames(20, 24) == 473 and p["continue_seconds"] == 0
    said = _said(conv)
    assert "This workflow makes" not in said  # (not held)
    assert ("'LTXVAudioVideoMask' (LTXVAudioVideoMask, #23) keeps the first 5 s of the whole clip 'VAEEncode' "
            "(VAEEncode, #21) encodes (the clip 'LoadVideo' (LoadVideo, #40) loads ('take.mp4')) and makes its frames "
            "anew from there to 20 s: Studio's 'continue_from' is given the clip and, with 'continue_part' its first "
            "frames, continues from its first 121 frames, a condition at frame 0, 'frames' 473") in said
    assert ("the clip's frames after 20 s, which 'LTXVAudioVideoMask' (LTXVAudioVideoMask, #23) keeps as they are "
            "where the clip is longer (an inpaint in time), are not in Studio's take: it ends at 20 s") in said


def test_a_start_worked_out_from_the_clip_when_it_runs_is_read_for_a_long_clip_and_said():
    conv = convert(_runtime_start(), "continue.json")
    (gen,) = _gens(conv)
    p = gen.params
    assert p["continue_part"] == FIRST and p["continue_seconds"] == 4 and p["continue_frames"] == 0
    assert p["frames"] == take_frames(8, 25) == 193 and p["fps"] == 25
    said = _said(conv)
    assert ("'video_start_time' of 'LTXVAudioVideoMask' is worked out when the workflow runs from what "
            "'VHS_VideoInfoSource' (VHS_VideoInfoSource, #51) gives: 4 s where those values are large (a clip long "
            "enough, at a rate high enough: Studio worked it out so); for another clip ComfyUI may work out another "
            "start, which Studio's take does not follow (it takes 4 s)") in said
    assert "continues from its first 4 s at the clip's own frame rate" in said
    for n in ("53", "55", "56", "57"):  # the math read: none said 'not read'
        assert not any(f"(SimpleMath+, #{n}) gives" in line and "not read there" in line for line in said.splitlines())


def test_a_start_that_changes_with_the_clips_values_or_a_window_not_continuing_stays_held():
    held = _said(convert(_runtime_start(("51", 1)), "continue.json"))  # (the whole clip's length: changes with it)
    assert "This workflow makes a video made around the encoded frames 'LTXVAudioVideoMask'" in held
    for window in (dict(WINDOW, video_start_time=0, audio_start_time=0), dict(WINDOW, max_length="truncate")):
        conv = convert(_loaded(False, **window), "inpaint.json")
        assert not _gens(conv) and "This workflow makes a video made around the encoded frames" in _said(conv)


def test_a_start_read_through_math_reading_each_value_twice_is_worked_out_once_each():
    wf = _runtime_start()
    wf["60"] = _n("SimpleMath+", value="(a + b) / 2", a=["56", 1], b=["56", 1])
    for i in range(61, 76):  # 16 nodes each reading the one before twice (2^16 ways, read once each)
        wf[str(i)] = _n("SimpleMath+", value="(a + b) / 2", a=[str(i - 1), 1], b=[str(i - 1), 1])
    wf["57"]["inputs"]["a"] = ["75", 1]
    w = Workflow.read(wf)
    value, leaves, read = long_clip_value(w, w.nodes["23"], "video_start_time")
    assert value == 4 and [n.id for n in leaves] == ["51"] and {"60", "75", "57", "54"} <= read
