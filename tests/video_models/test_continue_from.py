"""Text to Video's 'continue_from' (takes/continue_from.py): the clip's last frames (a length LTX-2's VAE encodes
whole, less than a window) condition the take's first window at frame 0, as a continued window is conditioned on
the one before; the later windows continue as before (the tiny model's VAE: 2 frames a latent frame, a clip of 10
gives 9). Spies on LTX2ConditionPipeline's call (tiny model, CPU)."""
from __future__ import annotations

import numpy as np
import pytest

from studio.engine.executor import Executor

from nodes.video_models.base.calls import to_pil
from nodes.video_models.takes.continue_from import lead_count

from .graphs import model_graph, said, spy_frames

pytest.importorskip("diffusers")


def test_the_frames_a_take_starts_from_are_a_whole_vae_length_within_the_clip_and_window():
    assert [lead_count(m, 17, 8) for m in (1, 8, 9, 12, 73)] == [1, 1, 9, 9, 9]
    assert lead_count(73, 121, 8) == 73 and lead_count(73, 1, 8) == 1


def test_ltx2_text_to_video_starts_its_first_window_from_the_last_frames_of_the_clip_given(ltx2_dir, monkeypatch):
    from diffusers import LTX2ConditionPipeline
    calls = spy_frames(monkeypatch, LTX2ConditionPipeline)
    g = model_graph(ltx2_dir, "video_models.text_to_video", {
        "frames": 25, "window": 17, "overlap": 9, "width": 32, "height": 32, "steps": 1, "guidance": 1.0,
        "prompt": "a fox", "previews": False, "preview_size": "off", "hold_colour": "off"},
        continue_from=("source.shapes", "video", {"frames": 10, "width": 32, "height": 32}))
    ev, ex = [], Executor()
    out = ex.run(g, targets=["gen", "continue_from"], device="cpu", use_cache=False, on_event=ev.append)
    clip, src = out.value("gen"), out.value("continue_from")
    assert clip.n_frames == 25 and len(calls) == 2  # long_take auto: continued from the clip, then window by window
    first = calls[0][0]["conditions"]
    assert len(first) == 1 and first[0].index == 0 and first[0].strength == 1.0
    given = [np.asarray(f) for f in first[0].frames]
    assert len(given) == 9 and all(np.array_equal(a, np.asarray(to_pil(src.frame(i))))
                                   for a, i in zip(given, range(1, 10)))  # the clip's last 9 of 10 frames
    second = calls[1][0]["conditions"][0]  # the next window from the last frames of the first, as before
    assert second.index == 0 and len(second.frames) == 9
    assert any("continue_from: the take starts from the last 9 of its 10 frames, a condition at frame 0 of its first "
               "window (LTX2ConditionPipeline)" in t for t in said(ev, "gen", "info"))


def test_ltx2_video_and_sound_starts_its_one_call_from_the_clip_refusing_a_control_beside(ltx2_dir, monkeypatch):
    from diffusers import LTX2ConditionPipeline
    calls = spy_frames(monkeypatch, LTX2ConditionPipeline)
    g = model_graph(ltx2_dir, "video_models.ltx2", {
        "frames": 17, "width": 32, "height": 32, "steps": 1, "guidance": 1.0, "prompt": "a fox", "previews": False,
        "preview_size": "off"}, continue_from=("source.shapes", "video", {"frames": 4, "width": 32, "height": 32}))
    ev = []
    out = Executor().run(g, targets=["gen", "continue_from"], device="cpu", use_cache=False, on_event=ev.append)
    src = out.value("continue_from")
    assert out.value("gen").n_frames == 17 and out.value("gen", "audio") is not None and len(calls) == 1
    cond = calls[0][0]["conditions"]
    assert len(cond) == 1 and cond[0].index == 0 and "image" not in calls[0][0]
    assert [np.asarray(f).tolist() for f in cond[0].frames] == [np.asarray(to_pil(src.frame(i))).tolist()
                                                                for i in (1, 2, 3)]  # the last 3 of 4 (t = 2)
    assert any("its sound is not continued" in t for t in said(ev, "gen", "info"))

    g.add_node("source.shapes", {"frames": 17, "width": 32, "height": 32}, node_id="control")
    g.connect("control", "video", "gen", "control")
    with pytest.raises(Exception, match="'continue_from' gives the take its first frames, and so would 'control'"):
        Executor().run(g, targets=["gen"], device="cpu", use_cache=False)
