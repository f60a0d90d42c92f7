"""Streamed blocks paced: the host never queues a streamed block before the one streamed before it
has run on the card.

diffusers' group offloading with CUDA streams copies the next streamed block on a side stream while
this one runs, and the host waits only on those copies (``stream.synchronize()``), never on the
card's compute. Copies are fast (a 340 MB fp8 Wan 14B block in about 6 ms at 54 GB/s pinned) and a
block's compute slow (about 26 ms at 832x480x33), so the host runs ahead of the card by many blocks,
each one's weights newly allocated on the side stream while the blocks before it, freed with
``record_stream``, are not yet reusable (their compute is still queued). Under a memory cap the
caching allocator then frees cached blocks to find room, and ``cudaFree`` synchronises the whole
device: the card idles while the host refills its queue. Seen on three H200 leases (docs/gpu.md):
a process's first streamed run at 1.45-1.54x its all-on-GPU time with the card idle about a third
of a second in every denoiser call and 190 cudaMalloc / 193 cudaFree in one timed call, where the
same plan ran at 1.14x later in the process.

The pace: before a streamed block starts (a forward pre-hook, which runs before diffusers'
own hook onloads this block and starts the next one's copy), the host waits on a CUDA event
recorded when the previous streamed block's compute was queued (a forward hook). So at most two
streamed blocks hold memory at a time (the running one and the one being copied: what the plan
counts, ``memory/plan.py``) and the block before them is reusable by the time the next copy is
allocated: the allocator takes it back without asking the driver. The wait is on old work, not a
device sync: the resident blocks queued between two streamed ones keep the card busy while the
host waits. Nothing is paced without CUDA streams (the CPU, MPS: each block is copied when it
runs). The hooks run eagerly inside a compiled block (``torch.compiler.disable``, as diffusers'
own offload hooks)."""
from __future__ import annotations

from collections import deque
from typing import Callable

ATTR = "_studio_pace_handles"
LAG = 1  # streamed blocks the host may run ahead of the card; 0: no pace (benchmarks/real_video_modes.py --pace 0)


class Pace:
    """One denoiser's pace: ``before`` waits on the events of streamed blocks more than ``lag - 1``
    back; ``after`` records one as a streamed block's compute is queued. ``event``: makes an event
    with ``record()`` and ``synchronize()`` (``torch.cuda.Event``; a test passes its own)."""

    def __init__(self, lag: int = 1, event: Callable[[], object] | None = None):
        self.lag = max(1, int(lag))
        self.events: deque = deque()
        self._event = event
        self.waits = 0  # how many times the host waited (a test's and a benchmark's figure)

    def _make(self):
        if self._event is None:
            import torch
            self._event = torch.cuda.Event
        return self._event()

    def before(self, module, args) -> None:
        while len(self.events) >= self.lag:
            self.events.popleft().synchronize()
            self.waits += 1

    def after(self, module, args, output) -> None:
        ev = self._make()
        ev.record()
        self.events.append(ev)


def pace_blocks(blocks: list, lag: int | None = None, event: Callable[[], object] | None = None) -> Pace | None:
    """Hooks on ``blocks`` (one denoiser's streamed blocks, in the order they run) pacing the host
    to ``lag`` (None: LAG) streamed blocks ahead of the card; the Pace, or None when there is
    nothing to pace (no blocks, or a lag of 0). A block paced before is paced anew (one pace each).
    The hooks go through diffusers' registry (base/hooks.module_hook) after its group offloading's,
    so they run first: the wait comes before the block's onload starts the next block's copy."""
    lag = LAG if lag is None else lag
    if not blocks or lag <= 0:
        return None
    import torch

    from ..base.hooks import module_hook
    pace = Pace(lag, event)
    before = torch.compiler.disable(pace.before)
    after = torch.compiler.disable(pace.after)
    for b in blocks:
        _unpace_one(b)
        b.__dict__[ATTR] = module_hook(b, "studio_pace", before, after)
    return pace


def _unpace_one(m) -> bool:
    hook = m.__dict__.pop(ATTR, None)
    if hook is None:
        return False
    hook.remove()
    return True


def unpace(module) -> int:
    """Every pace hook off ``module`` and its children; how many blocks had one."""
    return sum(_unpace_one(m) for m in list(module.modules()))


def paced_blocks(module) -> int:
    """How many of ``module``'s blocks carry a pace hook."""
    return sum(1 for m in module.modules() if ATTR in m.__dict__)
