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
        if logged:  # the estimate's revisions; the time left between them is a passing line (test_phase_estimates.py)
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

    from nodes.video_models.estimates import times
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


def test_the_decode_counted_on_a_meta_copy_is_the_real_decode_counted():
    """estimates/decode_cost.py counts a VAE's decode on a meta copy built from its config: the same calls,
    convolutions, elements and multiply-adds as the real decode of that latent (nothing computed on the
    real one); more frames, more work."""
    import types

    import torch
    from diffusers import AutoencoderKLWan

    from nodes.video_models.base.work import counter
    from nodes.video_models.estimates import decode_cost
    vae = AutoencoderKLWan(base_dim=3, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1,
                           temperal_downsample=[False, True, True]).eval()
    pipe = types.SimpleNamespace(vae=vae, vae_scale_factor_spatial=8, vae_scale_factor_temporal=4)
    meta = decode_cost.decode_work(pipe, 8, 8, 1)
    assert decode_cost.latent_shape(pipe, 8, 8, 1) == (1, 16, 1, 1, 1)
    count, z = counter(), torch.randn(1, 16, 1, 1, 1)
    with torch.inference_mode(), count:
        vae.decode(z)
    assert meta is not None and vars(meta) == vars(count.work) and meta.convs > 0 and meta.flops > 0
    assert decode_cost.decode_work(pipe, 8, 8, 5).cost() > meta.cost()
    assert all(p.device.type == "cpu" for p in vae.parameters())


def test_a_first_run_estimate_holds_each_window_decode(monkeypatch, tmp_path):
    """No earlier run: after the first step, what ran before it, every step of every window at the first
    step's time, and each window's decode: the step's time scaled by the decode's counted work over the
    step's (was left out: 'before decoding')."""
    from types import SimpleNamespace

    from nodes.video_models.base.work import Work
    from nodes.video_models.estimates import decode_cost, times
    monkeypatch.setenv("STUDIO_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(decode_cost, "decode_work", lambda pipe, w, h, f: Work(ops=300))
    ref = SimpleNamespace(path=str(tmp_path / "wan"), variant="Wan", memory="gpu", dtype="fp32",
                          fam=SimpleNamespace(title="Wan", denoiser="transformer"), shared=SimpleNamespace())
    clock = times.RunClock(_Ctx({"steps": 4}), ref, "cpu", (16, 16), 5, 2, 4, pipe=object())
    clock.say_prediction()  # none: no earlier run
    assert clock.work_sink() == clock.step_counted
    clock.step_counted(Work(ops=100))
    total, words = clock.whole_after_step(2.0, clock.node_t0 + 10.0, early=False)
    assert total == pytest.approx(10.0 + 2.0 * 4 * 2 + 2 * 6.0) and words == "decoding about 6 s a window"


def test_the_running_estimate_keeps_the_decode_to_come(monkeypatch):
    """Said after the first step: 10 s before it, 8 steps of 2 s, a decode of 30 s. The steps then run at
    2 s: the estimate stays (it fell to the steps alone, 26 s, and the run took 56 s)."""
    clock = _Clock(0.0)
    monkeypatch.setattr(run_guard.time, "perf_counter", clock)
    ctx = _Ctx()
    g = run_guard.RunGuard(ctx, None, "transformer", 8, estimate=True, started=0.0,
                           whole=lambda per, start, early: (start + per * 8 + 30.0, ""))
    g.first_forward_start = 10.0
    g.clock.calls = [1.0, 1.0]  # guidance's two calls: a warm measure, said at once (one short call waits a step)
    clock.t = 12.0
    g.step_done(2.0)
    assert g.said == pytest.approx(56.0) and g.tail == pytest.approx(30.0)
    for k in range(1, 9):
        clock.t = 10.0 + 2.0 * k
        g.tick(k, 8)
    assert g.said == pytest.approx(56.0) and not any("than predicted" in n for n in ctx.notes)
    assert run_guard.overrun(20.0, 56.0, 5, 8, 2.0, 30.0) is None
    assert run_guard.overrun(20.0, 56.0, 5, 8, 2.0) == pytest.approx(26.0)  # without the decode: the swing
