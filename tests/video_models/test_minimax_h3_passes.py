"""MiniMax H3's scheduler counts the schedule's terminal 0 among its steps: the steps asked make one denoiser pass
fewer, said before the call (sampling/modular_run.py), never left for the progress to show unexplained."""
from __future__ import annotations

import pytest

pytest.importorskip("diffusers")


def test_the_passes_a_minimax_h3_schedule_makes_are_counted_and_said():
    from diffusers.schedulers.scheduling_minimax_h3 import MiniMaxH3Scheduler

    from nodes.video_models.sampling.modular_run import _passes_said, denoiser_passes
    sch = MiniMaxH3Scheduler(shift=12.0)
    assert denoiser_passes(sch, 4) == 3 and denoiser_passes(sch, 30) == 29
    assert denoiser_passes(None, 4) is None  # not known before the call: nothing said

    class Ctx:
        said: list = []

        def info(self, text):
            self.said.append(text)

    class Fam:
        title = "MiniMax H3"

    class Pipe:
        scheduler = sch
    ctx = Ctx()
    _passes_said(ctx, Fam(), Pipe(), 4)
    assert ctx.said == ["MiniMax H3: 4 steps make 3 denoiser passes (its scheduler, MiniMaxH3Scheduler, counts the "
                        "schedule's end as a step, as its release does)"]
    assert sch.timesteps is None or len(sch.timesteps) != 3  # the pipeline's own scheduler left as it was
