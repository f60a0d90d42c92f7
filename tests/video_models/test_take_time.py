"""Issue 104 item 5: a long take's time planned from this machine's measured step time, and refused in words on
the CPU when it would take hours (SVD's long take planned 1,675 steps of its tiny model's 4-frame windows and its
first step had not ended after 66 s), with what to change (nodes/video_models/estimates/take_time.py)."""
from __future__ import annotations

import os

import pytest

from studio.core.errors import NodeExecutionError
from studio.engine.events import NodeMessage, NodeProgress

from nodes.video_models.base import guard
from nodes.video_models.base.errors import ModelError
from nodes.video_models.estimates import times as run_times
from nodes.video_models.estimates.records import of_the_model
from nodes.video_models.estimates import take_time
from nodes.video_models.estimates.take_time import TakePlan, check_before, first_step_limit

from .test_video_nodes import i2v_graph, run

pytest.importorskip("diffusers")

HOUR = 3600.0


def _plan(**kw):
    p = dict(frames=200, window=4, windows=67, stride=3, steps=25, size="1024x576", where="cpu x2", on_cpu=True,
             preview=False)
    p.update(kw)
    return TakePlan(**p)


class Ctx:
    def __init__(self):
        self.warned: list[str] = []

    def warn(self, text):
        self.warned.append(text)

    def note(self, text, level="info"):
        pass


def test_a_cpu_take_timed_past_hours_is_refused_with_what_to_change():
    with pytest.raises(ModelError) as e:
        check_before(Ctx(), _plan(), 4 * HOUR, "an earlier run on cpu x2")
    text = str(e.value)
    assert text.startswith("this long take of 200 frames at 1024x576 (67 windows of 4 frames, 25 steps each: "
                           "1,675 steps) would take about 4.0 h (an earlier run on cpu x2): a CPU run of hours is "
                           "not started. To make it in about an hour: "), text
    # a quarter of the windows: 16 windows of 4 frames, 3 apart; a quarter of the steps
    assert "'frames' 49 or fewer" in text and "'steps' 6" in text and "toolbar's Preview" in text
    assert text.endswith("a smaller width and height than 1024x576; or a GPU")


def test_a_gpu_take_of_hours_is_a_warning_and_a_short_or_one_window_take_is_left_alone():
    ctx = Ctx()
    assert check_before(ctx, _plan(on_cpu=False, where="NVIDIA H200"), 4 * HOUR, "an earlier run") is None
    assert ctx.warned and "it runs, and its clip comes that late" in ctx.warned[0]
    assert "a GPU" not in ctx.warned[0].rpartition("; or ")[2]  # it is on one
    ctx = Ctx()
    assert check_before(ctx, _plan(), 0.5 * HOUR, "an earlier run") is None  # under the limit
    assert check_before(ctx, _plan(windows=1), 40 * HOUR, "an earlier run") is None  # one window: not a long take
    assert check_before(ctx, _plan(on_cpu=False), None, "") is None  # a GPU does not time its first step
    assert ctx.warned == []


def test_without_earlier_runs_the_first_step_decides_and_a_bound_is_taken_at_a_fifth():
    limit = check_before(Ctx(), _plan(), None, "")
    assert limit is not None
    limit(9 * HOUR, 20.0, early=True)  # 9 h at the first step's pace: the later steps may be 5x faster
    with pytest.raises(ModelError, match=r"would take more than 2\.2 h on cpu x2 \(its first step has run 42 s and "
                                         r"not ended: 11\.0 h at that pace"):
        limit(11 * HOUR, 42.0, early=True)
    limit(1.5 * HOUR, 3.0, early=False)
    with pytest.raises(ModelError, match=r"about 3\.0 h on cpu x2 \(its first step took 6 s\)"):
        limit(3 * HOUR, 6.0, early=False)


def test_a_context_take_says_its_windows_a_step_and_frames_in_proportion():
    text = take_time.too_long(_plan(frames=321, window=321, windows=1, context=4, preview=True), 4 * HOUR, "about 4 h")
    assert text.startswith("this take of 321 frames at 1024x576 (one take: the model run on 4 context windows at "
                           "each of 25 steps) would take about 4 h")
    assert "'frames' 80 or fewer" in text and "preview size" not in text  # already at preview size


def test_the_guard_refuses_from_its_first_step(monkeypatch):
    import types
    clock = types.SimpleNamespace(t=100.0)
    monkeypatch.setattr(guard.time, "perf_counter", lambda: clock.t)
    g = guard.RunGuard(Ctx(), None, "unet", 1675, True, whole=lambda per, start, early: (per * 1675, ""),
                       limit=first_step_limit(_plan()))
    g.first_forward_start = clock.t
    clock.t += 5.0
    g._say(5.0, early=True)  # 2.3 h at that pace: under 5 x 2 h, runs on
    clock.t += 40.0
    with pytest.raises(ModelError, match="a CPU run of hours is not started"):
        g._say(45.0, early=True)


def test_the_models_records_at_other_sizes_and_nodes_are_found():
    data = {"m|cpu|node=a|32x32x4": [{"pixels": 4096}], "m|cpu|node=b|64x64x4": [{"pixels": 16384}],
            "m|cpu|node=a|32x32x4|take=context 3/1 uniform": [{"pixels": 1}], "other|cpu|node=a|8x8x4": [{"x": 1}]}
    assert of_the_model(data, "m|cpu", "node=a") == ([{"pixels": 4096}], False)
    assert of_the_model(data, "m|cpu", "node=c") == ([{"pixels": 4096}, {"pixels": 16384}], True)
    assert of_the_model(data, "m|cpu", "node=a", "take=context 3/1 uniform") == ([{"pixels": 1}], False)
    assert of_the_model(data, "x|cpu", "node=a") == ([], False)


def test_svd_long_take_refused_before_its_first_step_from_a_run_at_another_size(svd_dir, tmp_path, monkeypatch):
    """The tiny SVD makes 4 frames a call: 'frames' 10 is a long take of 3 windows. Its time is scaled from a
    one-window run at 16x16 (this machine's measured step), said as such, and (the limit lowered to a
    millisecond) refused before any step is made."""
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path))
    g, _, gen = i2v_graph(svd_dir, width=16, height=16, preview_size="off")
    run(g, gen)  # recorded at 16x16x4
    monkeypatch.setattr(take_time, "TOO_LONG_S", 1e-3)
    events: list = []
    g, _, gen = i2v_graph(svd_dir, frames=10, overlap=1, preview_size="off")
    with pytest.raises(NodeExecutionError) as e:
        run(g, gen, events)
    text = str(e.value)
    assert "this long take of 10 frames at 32x32 (3 windows of 4 frames, 2 steps each: 6 steps) would take " in text
    assert "(this model's run at another size on cpu x" in text and "a CPU run of hours is not started" in text
    said = [m.text for m in events if isinstance(m, NodeMessage) and m.node_id == "gen"]
    assert any(t.startswith("the prediction comes from this model's run at another size on cpu x") for t in said)
    assert not [p for p in events if isinstance(p, NodeProgress) and p.node_id == "gen" and p.step > 0]
    assert os.path.exists(os.path.join(tmp_path, run_times.FILE_NAME))


def test_a_time_scaled_from_another_size_refuses_only_far_past_the_limit():
    """Scaled from runs at another size, the pixels' exponent is a guess: near the limit the first step decides
    (a limit is handed to the guard); far past it the take is refused before its first step."""
    limit = check_before(Ctx(), _plan(), 3 * HOUR, "this model's run at another size", scaled=True)
    assert limit is not None  # 3 h: under twice the limit, not refused yet
    with pytest.raises(ModelError, match=r"about 5\.0 h \(this model's run at another size\)"):
        check_before(Ctx(), _plan(), 5 * HOUR, "this model's run at another size", scaled=True)
