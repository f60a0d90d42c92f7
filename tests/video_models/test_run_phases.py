"""Issue 48 (4): a video model node's estimate covers the whole node (encoding, every window's
steps, decoding and blending, what runs before the first window) and is corrected as the run goes.
Checked with a fake clock and fixed per-phase timings (no wall-clock assert; the measured figures
are benchmarks/bench_node_estimate.py's)."""
from __future__ import annotations

import os

import pytest

from studio.core.graph import Graph
from studio.engine.events import NodeNote
from studio.engine.executor import Executor

from nodes.video_models.estimates import phases as run_phases, times as run_times

pytest.importorskip("diffusers")


class FakeClock:
    def __init__(self):
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


def test_a_windows_phases_come_from_its_step_callbacks():
    clock = FakeClock()
    w = run_phases.WindowTimer(clock)
    w.call()                      # t=0: the pipeline is called
    for t in (3.0, 4.0, 5.0):     # steps end at 3, 4, 5: 1 s a step, so encoding took 2 s
        clock.t = t
        w.step()
    clock.t = 9.0                 # returns at 9: 4 s of decoding
    assert w.end() == {"call": 9.0, "encode": 2.0, "step": 1.0, "decode": 4.0}
    one = run_phases.WindowTimer(clock)
    clock.t = 0.0
    one.call()
    clock.t = 2.0
    one.step()
    clock.t = 3.0
    assert one.end() == {"call": 3.0, "encode": 0.0, "step": 2.0, "decode": 1.0}  # one step: no split


def test_the_whole_node_is_predicted_phase_by_phase():
    rec = {"pixels": 1000, "steps": 4, "seconds": 99.0, "before": 2.0, "encode": 1.0, "step": 0.5, "decode": 3.0,
           "other": 0.5}
    secs, near = run_phases.predict_node([rec], 2000, 8, 3)
    # before + 3 windows x (encode, not scaled + 8 steps x 0.5 s x 2 (pixels) + (decode + other) x 2)
    assert near is rec and secs == pytest.approx(2.0 + 3 * (1.0 + 8 * 0.5 * 2 + 3.5 * 2))
    # what a per-step figure alone says (the "7 s" for 21.8 s): steps only
    assert 3 * 8 * 0.5 * 2 < 0.5 * secs
    # two sizes: a step grows as pixels^1.5 (4x the pixels, 8x the step); decode stays linear
    big = dict(rec, pixels=4000, step=4.0)
    secs2, _ = run_phases.predict_node([rec, big], 1500, 4, 1)
    assert secs2 == pytest.approx(2.0 + 1.0 + 4 * 0.5 * 1.5 ** 1.5 + 3.5 * 1.5, rel=1e-6)
    assert run_phases.predict_node([{"pixels": 1000, "steps": 4, "seconds": 9.0}], 1000, 4, 1) is None  # old record


def test_the_node_is_re_predicted_from_the_windows_made():
    assert run_phases.remaining(30.0, [10.0], 4) == 60.0  # 30 s so far, 3 windows of 10 s to go
    assert run_phases.remaining(30.0, [10.0, 14.0], 4) == 54.0
    assert run_phases.remaining(30.0, [20.0, 6.0], 4, cold=True) == 42.0  # the first window paid the warm-up
    cold = run_phases.window_phases([{"encode": 5, "step": 2, "decode": 9, "other": 1},
                                     {"encode": 1, "step": 1, "decode": 3, "other": 1}], cold=True, steps=2)
    assert cold == {"encode": 1, "step": 1, "decode": 3, "other": 1, "first_extra": (5 + 4 + 9 + 1) - (1 + 2 + 3 + 1)}
    recs = [{"pixels": 10, "steps": 1, "seconds": 1, "before": 9, "encode": 0, "step": 1, "decode": 0, "other": 0,
             "cold": True}, {"pixels": 10, "steps": 1, "seconds": 1, "before": 1, "encode": 0, "step": 1,
                             "decode": 0, "other": 0, "cold": False}]
    assert run_phases.predict_node(recs, 10, 1, 1, cold=True)[0] == 10  # a new process: from the cold run
    assert run_phases.predict_node(recs, 10, 1, 1, cold=False)[0] == 2  # a later run in the window: the warm
    assert run_phases.window_phases([{"encode": 1, "step": 2, "decode": 3, "other": 4},
                                     {"encode": 3, "step": 2, "decode": 1, "other": 0}]) == \
        {"encode": 2, "step": 2, "decode": 2, "other": 2}


def _graph(wan_dir, steps=2):
    g = Graph()
    load = g.add_node("video_models.load", {"model": wan_dir})
    gen = g.add_node("video_models.text_to_video", {"frames": 13, "window": 5, "overlap": 1, "width": 16,
                                                    "height": 16, "steps": steps, "previews": False,
                                                    "preview_size": "off", "long_take": "separate shots"},
                        node_id="gen")
    g.connect(load.id, "model", gen.id, "model")
    return g


def test_a_multi_window_run_records_every_phase_and_the_next_is_predicted_from_them(wan_dir, tmp_path,
                                                                                    monkeypatch, request):
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path))
    # the model's first run in this process: a run of the same tiny folder by an earlier test in this process is
    # forgotten for this one (times.SAMPLED_HERE: the paths this process has sampled), so the test passes in any order
    sampled = set(run_times.SAMPLED_HERE)
    run_times.SAMPLED_HERE.clear()
    request.addfinalizer(lambda: run_times.SAMPLED_HERE.update(sampled))
    # the figure after the first window is said only when it moved 30 % from the first step's (estimate_figure,
    # tested on its own): how far it moves depends on the machine's load, so here it is offered as always moved
    from nodes.video_models.base.estimate_figure import Figure
    offered, in_window = [], []
    offer, window_done = Figure.offer, run_times.RunClock.window_done

    def offer_moved(self, raw, elapsed, progress, by=0.3):
        if in_window and not offered:  # the first window's re-prediction (progress 1/3), as if it moved
            self.direction, by = 0, -1.0
            offered.append((progress, offer(self, raw, elapsed, progress, by)))
            return offered[-1][1]
        return offer(self, raw, elapsed, progress, by)

    def window_done_seen(self, *a, **k):
        in_window.append(True)
        try:
            return window_done(self, *a, **k)
        finally:
            in_window.pop()
    monkeypatch.setattr(Figure, "offer", offer_moved)
    monkeypatch.setattr(run_times.RunClock, "window_done", window_done_seen)
    ex = Executor()
    ev: list = []
    ex.run(_graph(wan_dir), targets=["gen"], device="cpu", on_event=ev.append, use_cache=False)
    monkeypatch.setattr(Figure, "offer", offer)
    monkeypatch.setattr(run_times.RunClock, "window_done", window_done)
    notes = [e.text for e in ev if isinstance(e, NodeNote) and e.node_id == "gen"]
    # no earlier run: after the first of its 3 windows (frames 0-4, 4-8, 8-12) the node says its whole time
    from nodes.video_models.base.guard import fmt_duration
    assert offered and offered[0][0] == pytest.approx(1 / 3) and offered[0][1] > 0, offered
    assert f"now about {fmt_duration(offered[0][1])} in all (1 of 3 windows made)" in notes, notes
    (rec,), = run_times.runs_of(run_times.read(os.path.join(tmp_path, run_times.FILE_NAME))).values()
    assert run_phases.has_phases(rec) and rec["step"] > 0 and rec["decode"] > 0 and rec["before"] >= 0
    # the phases account for the whole window: steps x step + encode + decode + other = its seconds
    window = rec["encode"] + rec["steps"] * rec["step"] + rec["decode"] + rec["other"]
    # the model's first run in this process: windows 2 and 3 are its window, what the first took more kept apart
    assert rec["cold"] is True and "first_extra" in rec
    assert window * 3 + rec["first_extra"] + rec["before"] == pytest.approx(rec["seconds"] * 3, rel=0.05)

    ev.clear()
    from nodes.video_models.estimates import foresee_time
    from studio.engine.edit_checks import node_estimate
    monkeypatch.setattr(foresee_time, "this_machine", lambda: run_times.machine("cpu"))
    g = _graph(wan_dir, steps=4)
    before = node_estimate(g, "gen")  # a warm run, from the cold one: what runs before its first step scaled
    assert "(warm: the first run's x0.50, a guess until a warm run)" in before, before
    ex.run(g, targets=["gen"], device="cpu", on_event=ev.append, use_cache=False)
    cold, _ = run_phases.predict_node([rec], 16 * 16 * 5, 4, 3)  # 4 steps now: only the steps' part doubles
    cold -= min(0.0, rec["first_extra"])  # what the first window took more: never below 0 in an estimate before F5
    notes = [e.text for e in ev if isinstance(e, NodeNote) and e.node_id == "gen"]
    # the running figure starts where the node's estimate before F5 was (warm-scaled), not at the cold run's whole
    assert f"predicted: about {fmt_duration(before.run)}" in notes and before.run < cold, (notes, before, cold)


def test_a_decode_between_two_denoising_loops_is_the_decodes_not_a_steps():
    """Framepack decodes each section between its steps: those gaps are decode, not a slow step."""
    clock = FakeClock()
    w = run_phases.WindowTimer(clock)
    w.call()
    # two loops of three 1 s steps, 5 s of decoding the first loop's frames between them
    for t in (2.0, 3.0, 4.0, 10.0, 11.0, 12.0):
        clock.t = t
        w.step()
    clock.t = 17.0
    got = w.end()
    assert got["step"] == pytest.approx(1.0) and got["encode"] == pytest.approx(1.0)
    assert got["decode"] == pytest.approx(5.0 + 5.0)  # the last decode and the one between the loops
    assert got["encode"] + 6 * got["step"] + got["decode"] == pytest.approx(got["call"])


def test_a_call_of_several_loops_is_timed_at_its_steps_and_its_loops_decodes():
    """Framepack decodes each section after its last step: the running estimate takes the steps at their median
    and the decodes to come at those measured between the sections with the predicted share weighed as one (the
    steps' mean had spread them over every step and said 2 min for a 59 s run)."""
    from nodes.video_models.base.step_time import loops_ahead
    assert loops_ahead([0.05] * 5, 6, 80, 1, 40.0) is None  # one loop: the pace as before
    step, after = loops_ahead([0.05] * 5, 6, 80, 10, 40.0)  # first section: no decode measured yet
    assert step == pytest.approx(0.05) and after == pytest.approx(10 * 4.0)
    gaps = [0.05] * 7 + [3.05] + [0.05] * 7 + [3.05] + [0.05] * 3  # two sections' decodes measured: 3 s each
    step, after = loops_ahead(gaps, 20, 80, 10, 40.0)
    each = (3.0 + 3.0 + 4.0) / 3  # the two measured and the predicted share, weighed as one
    assert step == pytest.approx(0.05) and after == pytest.approx(8 * each)  # eight decodes to come, the last's too
    assert loops_ahead(gaps, 80, 80, 10, 40.0)[1] == pytest.approx(each)  # all steps made: the last decode


def test_the_sound_decoded_in_a_call_is_timed_apart():
    """LTX-2 decodes its sound (audio VAE, vocoder) in the same phase as its video: those seconds are kept apart
    (``sound``), so another model's decode is scaled from its video's alone; the parts are left as they were."""
    torch = pytest.importorskip("torch")
    from types import SimpleNamespace
    clock = FakeClock()

    class Vocoder(torch.nn.Module):
        def forward(self, x):
            clock.t += 0.25
            return x

    class AudioVAE:
        def decode(self, z):
            clock.t += 0.5
            return z
    pipe = SimpleNamespace(audio_vae=AudioVAE(), vocoder=Vocoder())
    w = run_phases.WindowTimer(clock)
    w.call()
    with w.sounds(pipe):
        clock.t = 1.0
        w.step()
        clock.t = 2.0
        w.step()
        pipe.vocoder(pipe.audio_vae.decode(1))  # in the decode phase
        clock.t += 1.0  # the video's decode
    got = w.end()
    assert got["sound"] == pytest.approx(0.75) and got["decode"] == pytest.approx(1.75)
    assert "decode" not in vars(pipe.audio_vae) and "forward" not in vars(pipe.vocoder)
    rest = run_phases.window_phases([got, dict(got, sound=0.25)])
    assert rest["sound"] == pytest.approx(0.5)
    assert "sound" not in run_phases.window_phases([{"encode": 0, "step": 1, "decode": 1, "other": 0}])
