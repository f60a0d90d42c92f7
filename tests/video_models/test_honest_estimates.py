"""Issue 73 item 3, on fake clocks: the running estimate follows the measured step time (no 8x
swing in one step: InfiniteTalk said "about 2 min", then "about 17 min now", and ended 15 s
later), and a prediction comes only from runs of the same node and model at the same size
(Wan-Move said "about 3 min" from another model's run at another size, and took 59 s)."""
from __future__ import annotations

import pytest

from nodes.video_models.base import guard as run_guard


class _Ctx:
    def __init__(self, params=None):
        self.notes, self.infos, self.params = [], [], params or {}

    def note(self, text, level="info", logged=True):
        self.notes.append(text)

    def info(self, text):
        self.infos.append(text)


class _Clock:
    def __init__(self, t=0.0):
        self.t = t

    def __call__(self):
        return self.t


def test_the_running_estimate_follows_the_steps_and_never_swings_8x(monkeypatch):
    clock = _Clock(0.0)
    monkeypatch.setattr(run_guard.time, "perf_counter", clock)
    ctx = _Ctx()
    g = run_guard.RunGuard(ctx, None, "transformer", 8, estimate=False, predicted=120.0, started=0.0)
    clock.t = 140.0  # a long start (audio and text encoded, the model onto the card), then the first step
    g.tick(1, 8)
    said = [120.0, g.said]
    assert "longer than predicted" in ctx.notes[-1] and g.said <= 2 * 140.0  # the steps' share: 1120 s
    for k in range(2, 9):  # then 2 s a step: the run ends at 154 s
        clock.t += 2.0
        g.tick(k, 8)
        said.append(g.said)
    assert "shorter than predicted" in ctx.notes[-1]
    assert abs(g.said - clock.t) <= 0.5 * clock.t  # within 50 % of the real time once steps are timed
    assert all(max(a, b) / min(a, b) < 8 for a, b in zip(said, said[1:]))  # no 8x swing


def test_one_slow_step_moves_the_estimate_by_half_of_it(monkeypatch):
    clock = _Clock(0.0)
    monkeypatch.setattr(run_guard.time, "perf_counter", clock)
    g = run_guard.RunGuard(_Ctx(), None, "transformer", 20, estimate=False, predicted=100.0, started=0.0)
    for k in range(1, 6):
        clock.t += 5.0
        g.tick(k, 20)
    assert g.step_s == pytest.approx(5.0)
    clock.t += 45.0  # one step of 45 s (a host hiccup)
    g.tick(6, 20)
    assert g.step_s == pytest.approx(25.0)  # smoothed: half of it, not the whole run at 45 s a step


def test_a_prediction_comes_only_from_runs_of_this_node_at_this_size(monkeypatch, tmp_path):
    """RunClock's key holds the node (its settings' names) and the size and frames: a record of
    another node on the same model, or of another size, predicts nothing, and says so."""
    from types import SimpleNamespace

    from nodes.video_models.runs import times
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path))
    fam = SimpleNamespace(title="Wan", denoiser="transformer")
    ref = SimpleNamespace(path=str(tmp_path / "wan"), variant="Wan 2.1 I2V 14B", memory="gpu", dtype="bf16", fam=fam,
                          shared=SimpleNamespace(sampled=True))
    t2v = {"steps": 8, "guidance": 5.0, "prompt": ""}
    move = dict(t2v, tracks="")  # Wan-Move: its own settings
    made = times.RunClock(_Ctx(t2v), ref, "cpu", (832, 480), 33, 1, 8)
    times.keep(made.key, made.pixels, 8, 180.0)
    for params, size, frames in ((move, (832, 480), 33), (t2v, (480, 480), 33), (t2v, (832, 480), 17)):
        ctx = _Ctx(params)
        clock = times.RunClock(ctx, ref, "cpu", size, frames, 1, 8)
        clock.say_prediction()
        assert clock.predicted is None and not ctx.notes
        assert f"no earlier run of this model at this size ({size[0]}x{size[1]}x{frames})" in ctx.infos[0]
    ctx = _Ctx(t2v)
    same = times.RunClock(ctx, ref, "cpu", (832, 480), 33, 1, 16)
    same.say_prediction()
    assert same.predicted == pytest.approx(360.0)  # the same node and size: its steps scaled
