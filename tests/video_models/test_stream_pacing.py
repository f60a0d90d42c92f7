"""The host paced to one streamed block ahead of the card (nodes/video_models/memory/pacing.py): with CUDA
streams, before a streamed block runs the host waits on the event recorded when the streamed block
before it was queued, so the block before that is reusable when the next copy is allocated. CUDA's
events are emulated here (each records the blocks run so far): the order of waits and records, the
hooks' place (streamed blocks only), their removal and a compiled block running them eagerly. What
the pace does to a streamed run's time only a GPU shows (benchmarks/gpu_check.py stages 4 and 5)."""
from __future__ import annotations

import pytest
import torch

from nodes.video_models.memory.pacing import Pace, pace_blocks, paced_blocks, unpace


class Log:
    def __init__(self):
        self.lines: list[str] = []
        self.ran = 0

    def event(self):
        log = self

        class Ev:
            def record(self):
                self.at = log.ran
                log.lines.append(f"record {self.at}")

            def synchronize(self):
                log.lines.append(f"wait {self.at}")
        return Ev()


class Block(torch.nn.Module):
    def __init__(self, log: Log, i: int):
        super().__init__()
        self.log, self.i = log, i
        self.lin = torch.nn.Linear(4, 4)

    def forward(self, x):
        self.log.lines.append(f"run {self.i}")
        self.log.ran = self.i
        return self.lin(x)


def _model(log, n=5):
    return torch.nn.Sequential(*[Block(log, i) for i in range(n)])


def test_each_streamed_block_waits_for_the_one_streamed_before_it():
    log = Log()
    m = _model(log)
    streamed = [m[0], m[2], m[3]]  # 1 and 4 kept: no hooks
    pace = pace_blocks(streamed, lag=1, event=log.event)
    m(torch.zeros(1, 4))
    assert log.lines == ["run 0", "record 0", "run 1", "wait 0", "run 2", "record 2", "wait 2", "run 3", "record 3",
                         "run 4"]
    assert pace.waits == 2 and paced_blocks(m) == 3
    log.lines.clear()
    m(torch.zeros(1, 4))  # the next call: its first streamed block waits on the last call's last one
    assert log.lines[:3] == ["wait 3", "run 0", "record 0"]


def test_a_lag_of_two_lets_the_host_run_two_streamed_blocks_ahead():
    log = Log()
    m = _model(log, 4)
    pace_blocks(list(m), lag=2, event=log.event)
    m(torch.zeros(1, 4))
    assert [x for x in log.lines if not x.startswith("run")] == ["record 0", "record 1", "wait 0", "record 2",
                                                                "wait 1", "record 3"]


def test_no_pace_without_blocks_or_with_a_lag_of_zero():
    log = Log()
    assert pace_blocks([], event=log.event) is None
    m = _model(log, 2)
    assert pace_blocks(list(m), lag=0, event=log.event) is None and paced_blocks(m) == 0


def test_unpace_takes_every_hook_off():
    log = Log()
    m = _model(log, 3)
    pace_blocks(list(m), event=log.event)
    pace_blocks(list(m), event=log.event)  # a second pace (a mode applied again) replaces the first
    assert paced_blocks(m) == 3
    log.lines.clear()
    m(torch.zeros(1, 4))
    assert sum(x.startswith("record") for x in log.lines) == 3  # one pace a block, not two
    assert unpace(m) == 3 and paced_blocks(m) == 0
    assert not m[0]._diffusers_hook.hooks and "forward" not in m[0].__dict__  # the block's own forward back
    log.lines.clear()
    m(torch.zeros(1, 4))
    assert log.lines == ["run 0", "run 1", "run 2"]


def test_a_compiled_block_runs_its_pace_eagerly():
    """Regional compile wraps a block's whole call, hooks included: the pace runs outside the graph
    (torch.compiler.disable, as diffusers' own offload hooks), every call."""
    log = Log()
    m = _model(log, 2)
    pace_blocks(list(m), event=log.event)
    for b in m:
        b.compile(backend="eager")
    for _ in range(2):
        m(torch.zeros(1, 4))
    assert sum(x.startswith("record") for x in log.lines) == 4
    assert sum(x.startswith("wait") for x in log.lines) == 3


def test_block_offload_paces_only_with_cuda_streams():
    """On the CPU (no streams: each block copied when it runs) nothing is paced and nothing said of it."""
    pytest.importorskip("diffusers")
    from nodes.video_models.memory.modes import enable_block_offload, remove_memory_hooks
    from tests.video_models.test_block_residency import _wan
    m = _wan(4)
    streams, said = enable_block_offload(m, "cpu", [m], budget=0)
    assert not streams and paced_blocks(m) == 0 and "paced" not in said
    remove_memory_hooks(m)


def test_paced_over_diffusers_offload_the_output_is_the_same_and_removal_leaves_none():
    """The pace added after diffusers' group offloading on the streamed blocks (as enable_block_offload does
    with streams): it runs first on each, the output is unchanged, remove_memory_hooks takes both off."""
    pytest.importorskip("diffusers")
    import numpy as np

    from nodes.video_models.memory.modes import enable_block_offload, remove_memory_hooks
    from nodes.video_models.memory.residency import flat_blocks
    from tests.video_models.test_block_residency import _forward, _wan
    want = _forward(_wan(4))
    m = _wan(4)
    enable_block_offload(m, "cpu", [m], budget=0)
    log = Log()
    pace = pace_blocks(flat_blocks(m), event=log.event)
    assert np.array_equal(_forward(m), want)
    assert pace.waits == 3 and log.lines.count("wait 0") == 3  # each block after the first waited once
    remove_memory_hooks(m)
    assert paced_blocks(m) == 0
    assert np.array_equal(_forward(m), want)


def test_pace_defaults_to_cuda_events(monkeypatch):
    made = []
    monkeypatch.setattr(torch.cuda, "Event", lambda: made.append(1) or Log().event())
    p = Pace()
    p.after(None, (), None)
    assert made == [1] and len(p.events) == 1
