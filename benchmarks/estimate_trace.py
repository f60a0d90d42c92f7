"""What a run's estimate is made from, recorded as the run goes (bench_estimates.py ``--trace 1``): when
each call of the denoiser began and ended, each step's end, the first step's counted work and the
decode's, and each window's phases, all in seconds from the node's start. An estimate's rules can
then be looked at after the run: the first step's calls, the steps that followed, the decode."""
from __future__ import annotations

import time


def install(mp) -> dict:
    """Record into the returned dict for the length of ``mp`` (a pytest MonkeyPatch)."""
    from nodes.video_models.base.guard import RunGuard
    from nodes.video_models.estimates import phases, times
    tr: dict = {"calls": [], "ticks": [], "windows": [], "t0": None}

    def rel() -> float:
        return time.perf_counter() - (tr["t0"] or 0.0)

    init = RunGuard.__init__

    def guard_init(self, *a, **k):
        init(self, *a, **k)
        tr["t0"] = self.started
        tr["steps"], tr["n_windows"] = self.steps, self.windows

    fs, fe = RunGuard._forward_start, RunGuard._forward_end

    def f_start(self, mod, args):
        tr["calls"].append([rel(), None, time.process_time(), None])
        return fs(self, mod, args)

    def f_end(self, mod, args, out):
        if tr["calls"]:
            tr["calls"][-1][1], tr["calls"][-1][3] = rel(), time.process_time()
        return fe(self, mod, args, out)

    tick = RunGuard.tick

    def g_tick(self, done, total):
        tr["ticks"].append([rel(), done, total, time.process_time()])
        return tick(self, done, total)

    done = RunGuard.step_done

    def g_step_done(self, seconds):
        tr["first_step_raw"] = seconds
        c = self.counter
        if c is not None:
            tr["count_calls"], tr["per_call_s"] = c.work.calls, c.work.per_call_s
        return done(self, seconds)

    counted = times.RunClock.step_counted

    def c_counted(self, work):
        tr["step_work"] = vars(work).copy()
        tr["decode_work"] = vars(self.decode_work).copy() if self.decode_work is not None else None
        return counted(self, work)

    end = phases.WindowTimer.end

    def w_end(self):
        got = end(self)
        tr["windows"].append(dict(got, at=rel(), cpu=time.process_time()))
        return got

    mp.setattr(RunGuard, "__init__", guard_init)
    mp.setattr(RunGuard, "_forward_start", f_start)
    mp.setattr(RunGuard, "_forward_end", f_end)
    mp.setattr(RunGuard, "tick", g_tick)
    mp.setattr(RunGuard, "step_done", g_step_done)
    mp.setattr(times.RunClock, "step_counted", c_counted)
    mp.setattr(phases.WindowTimer, "end", w_end)
    return tr
