"""A long take continued (issue 47, 2): each window starts from the last frames of the one before, given
to a model that takes frames (Wan VACE: kept with mask 0; LTX-Video Text to Video: a video condition at
frame 0 of LTXConditionPipeline). Spies on the pipeline's call: call k gets call k-1's last frames."""
from __future__ import annotations

import numpy as np
import pytest

from studio.engine.executor import Executor

from nodes.video_models.base.calls import to_pil

from .graphs import model_graph, said, spy_frames, windowed

pytest.importorskip("diffusers")


def _said(ev, node, level=None):
    return said(ev, node, level)


def _pils(frames) -> list[np.ndarray]:
    return [np.asarray(to_pil(f)) for f in frames]


def _same(pils, frames) -> bool:
    return len(pils) == len(frames) and all(np.array_equal(np.asarray(a), b) for a, b in zip(pils, _pils(frames)))


def _ltx_graph(model_dir, **p):
    return model_graph(model_dir, "video_models.text_to_video", {
        "frames": 25, "window": 17, "overlap": 9, "width": 32, "height": 32, "steps": 2, "guidance": 1.0,
        "prompt": "a fox", "previews": False, "preview_size": "off", "long_take": "continue", **p})


def test_ltx_text_to_video_continued_conditions_each_call_on_the_last_frames_of_the_one_before(ltx_dir, monkeypatch):
    from diffusers import LTXConditionPipeline, LTXPipeline
    calls = spy_frames(monkeypatch, LTXConditionPipeline)
    plain = spy_frames(monkeypatch, LTXPipeline)
    ev = []
    clip = Executor().run(_ltx_graph(ltx_dir, hold_colour="off"), targets=["gen"], device="cpu", use_cache=False,
                          on_event=ev.append).value("gen")
    assert clip.n_frames == 25 and len(calls) == 2 and plain == []  # windows at 0 and 8: they share 9 frames
    assert "conditions" not in calls[0][0]  # the first window starts from nothing
    cond = calls[1][0]["conditions"][0]
    assert cond.frame_index == 0 and cond.strength == 1.0
    assert _same(cond.video, calls[0][1][-9:])  # the last 9 frames of call 0
    assert np.array_equal(clip.frames[8:17], calls[0][1][8:17])  # the shared frames are the earlier call's
    assert np.array_equal(clip.frames[17:], calls[1][1][9:])
    assert any("continue: each window starts from the last 9 frames of the one before, a condition at frame 0 "
               "(LTXConditionPipeline)" in t for t in _said(ev, "gen", "info"))

    calls.clear()
    ev = []  # continuation holds the colour by default; the frames handed on are the held ones
    held = Executor().run(_ltx_graph(ltx_dir, overlap=12), targets=["gen"], device="cpu", use_cache=False,
                          on_event=ev.append).value("gen")
    assert len(calls) == 2 and _same(calls[1][0]["conditions"][0].video, held.frames[8:17])
    said = _said(ev, "gen", "info")
    assert any("'overlap' 12 is rounded to what the model encodes whole" in t and "colour held" in t for t in said)
    assert any(t.startswith("colour held across 1 seam: mean ΔE2000") for t in said)


def test_ltx2_text_to_video_continued_through_its_condition_pipeline(ltx2_dir, monkeypatch):
    from diffusers import LTX2ConditionPipeline
    calls = spy_frames(monkeypatch, LTX2ConditionPipeline)
    clip = Executor().run(_ltx_graph(ltx2_dir, hold_colour="off"), targets=["gen"], device="cpu",
                          use_cache=False).value("gen")
    assert clip.n_frames == 25 and len(calls) == 2 and "conditions" not in calls[0][0]
    cond = calls[1][0]["conditions"][0]
    assert cond.index == 0 and _same(cond.frames, calls[0][1][-9:])


def test_ltx_schedule_auto_continues_and_context_windows_asked_says_what_it_does(ltx_dir, monkeypatch):
    """LTX-Video cannot change the prompt inside one take: with a schedule, auto continues (it did
    separate shots before LTX could continue), and 'context windows' asked says it continues instead."""
    from nodes.video_models.base.registry import FAMILIES
    from nodes.video_models.takes.long_take import CONTEXT, CONTINUE, SHOTS, choose_take
    ltx, wan = FAMILIES["ltx"], FAMILIES["wan"]
    assert choose_take(ltx, "t2v", "auto", scheduled=True) == (CONTINUE, None)
    mode, why = choose_take(ltx, "t2v", CONTEXT, scheduled=True)
    assert mode == CONTINUE and "LTX-Video makes continue, one prompt a window" in why
    assert choose_take(ltx, "t2v", CONTINUE) == (CONTINUE, None)
    assert choose_take(wan, "vace", "auto") == (CONTINUE, None)
    mode, why = choose_take(wan, "vace", CONTEXT)
    assert mode == CONTINUE and "cannot cut Wan VACE's control video" in why
    mode, why = choose_take(wan, "v2v", CONTINUE)
    assert mode == CONTEXT and "Wan Video to Video takes none" in why and "Wan VACE" in why
    assert choose_take(FAMILIES["cogvideox"], "t2v", CONTINUE)[0] == SHOTS


def _vace_graph(model_dir, **p):
    return model_graph(model_dir, "video_models.wan_vace", {
        "prompt": "a red fox", "frames": 13, "window": 9, "overlap": 4, "steps": 1, "width": 16, "height": 16,
        "seed": 3, "preview_size": "off", "previews": False, "task": "control", **p}, "vace")


def test_wan_vace_continued_keeps_the_last_frames_of_the_call_before_with_mask_zero(vace_dir, monkeypatch):
    from diffusers import WanVACEPipeline
    calls = spy_frames(monkeypatch, WanVACEPipeline)
    ev = []
    clip = Executor().run(_vace_graph(vace_dir, hold_colour="off"), targets=["vace"], device="cpu",
                          use_cache=False, on_event=ev.append).value("vace")
    assert clip.n_frames == 13 and len(calls) == 2  # windows at 0 and 5: they share 4 frames
    assert "video" not in calls[0][0] and "mask" not in calls[0][0]  # no control video: the pipeline's own
    kw = calls[1][0]
    assert _same(kw["video"][:4], calls[0][1][-4:])  # call 1 starts from the last 4 frames of call 0
    mask = np.stack([np.asarray(m, np.float32) / 255 for m in kw["mask"]])
    assert (mask[:4] == 0).all() and (mask[4:] == 1).all()  # kept there, made after
    assert all((np.asarray(f) == 128).all() for f in kw["video"][4:])  # grey: nothing steers the new frames
    assert np.array_equal(clip.frames[5:9], calls[0][1][5:9]) and np.array_equal(clip.frames[9:], calls[1][1][4:8])
    assert any("long take: continue (auto): each window starts from the last 4 frames of the one before, kept "
               "(mask 0)" in t for t in _said(ev, "vace", "info"))

    ev = []
    Executor().run(_vace_graph(vace_dir, long_take="context windows"), targets=["vace"], device="cpu",
                   use_cache=False, on_event=ev.append)
    assert any("cannot cut Wan VACE's control video" in t and "making continue instead" in t
               for t in _said(ev, "vace", "warning"))


def test_continuation_a_family_cannot_use_says_which_and_what_it_does_instead(wan_dir):
    """Wan Text to Video takes no frames (a Wan VACE model does, on the Wan VACE node): continue makes
    context windows instead, and says so."""
    g = windowed(wan_dir, "continue", 9, 5, 1)
    ev = []
    Executor().run(g, targets=["gen"], device="cpu", use_cache=False, on_event=ev.append)
    warned = _said(ev, "gen", "warning")
    assert any("'continue' needs a model that takes frames to start from; Wan Text to Video takes none "
               "(Image to Video, Wan VACE, and LTX-Video / LTX-2 / SkyReels-V2 DF Text to Video do): making context "
               "windows instead"
               in t for t in warned), warned


def test_a_continued_window_is_kept_under_a_key_of_its_condition_frames():
    """A Stop keeps the finished windows under a key of the call's arguments (resume/kept_windows.py): a frame
    condition is hashed by its frames (its repr names the images' addresses: a re-run would not find it)."""
    import hashlib

    from diffusers.pipelines.ltx.pipeline_ltx_condition import LTXVideoCondition

    from nodes.video_models.resume.kept_latents import _feed

    def key(value: float) -> str:
        h = hashlib.sha256()
        _feed(h, {"conditions": [LTXVideoCondition(video=[to_pil(np.full((4, 4, 3), value, np.float32))])]})
        return h.hexdigest()
    assert key(0.5) == key(0.5) and key(0.5) != key(0.25)


def test_a_continued_vace_take_follows_a_prompt_schedule_and_keeps_its_last_keyframe(vace_dir, monkeypatch):
    """The walk (issue 47): a continued take's windows start where continuation puts them, not where
    separate shots would; a Prompt Schedule's prompts were looked up at the separate shots' starts
    (KeyError: 26 at the third window)."""
    import os

    import torch
    from diffusers import WanVACEPipeline
    calls = spy_frames(monkeypatch, WanVACEPipeline)
    g = _vace_graph(vace_dir, frames=21, prompt="", keyframes="last")
    g.add_node("video_models.prompt_schedule", {"mode": "keyframes", "blend": 0, "frames": 21,
                                                "prompts": "0: a red fox in snow\n12: a blue cat on the sea"}, node_id="sched")
    still = os.path.join(os.path.dirname(__file__), "..", "..", "assets", "media", "still.png")
    g.add_node("io.load_image", {"path": os.path.abspath(still)}, node_id="img")
    g.connect("sched", "schedule", "vace", "schedule")
    g.connect("img", "image", "vace", "keyframe_1")
    clip = Executor().run(g, targets=["vace"], device="cpu", use_cache=False).value("vace")
    assert clip.n_frames == 21 and len(calls) == 4  # continued windows at 0, 5, 10, 15
    first, last = calls[0][0]["prompt_embeds"], calls[-1][0]["prompt_embeds"]
    assert not torch.equal(first, last)  # the prompt changed inside the take
    mask = np.asarray(calls[-1][0]["mask"][5], np.float32)  # frame 20, the clip's last, in the window at 15
    assert (mask == 0).all() and (np.asarray(calls[-1][0]["mask"][:4], np.float32) == 0).all()
