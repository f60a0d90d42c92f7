"""Batch 'auto' (Train's batch 0): on a GPU, the largest batch that fits, with the learning rate
scaled to it; on the CPU, 16 (issue 28).

The rule, as the Training dock states it: the batch is the largest power of two from 16 up to
:data:`AUTO_CAP` (and at most the training clips) whose training step fits in the device's memory
(probed: one step of a copy of the model at that batch, peak memory at most :data:`HEADROOM` of
the card, no out-of-memory error); the learning rate is the one given for batch 16 times
sqrt(batch / 16) (square-root scaling, as for Adam in Malladi et al. 2022, "On the SDEs and scaling
rules for adaptive gradient algorithms"). On the CPU a step's time grows with the batch, so 16
(the rate the templates were tuned at) is kept and the learning rate is unchanged.

The cap is 256. On an H100 (2026-11-23) the text_to_video_gpu template at the earlier cap, 1024,
trained at learning rate x8 and its loss rose after 200 steps (2.76 at step 207, 3.77 at 722), at
about 2.4 steps/s: a budget of minutes buys more, steadier steps at 256 (x4), where the
audio_image_to_video model already reaches 38,700 samples/s.
"""
from __future__ import annotations

import copy
import math
from typing import Callable

import torch

BASE_BATCH = 16
AUTO_CAP = 256
HEADROOM = 0.8


def auto_lr(lr: float, batch: int) -> float:
    """The learning rate for ``batch`` from the one tuned at batch 16."""
    return lr * math.sqrt(batch / BASE_BATCH)


def largest_fitting(cap: int, fits: Callable[[int], bool]) -> int:
    """The largest power of two from 16 up to ``cap`` for which ``fits(b)``, or ``cap`` itself when
    it fits and is not a power of two; below 16 (a card too small even for that) halving down to 1."""
    cap = max(1, int(cap))
    best = 0
    b = min(BASE_BATCH, cap)
    while b <= cap and fits(b):
        best = b
        if b == cap:
            break
        b = min(b * 2, cap)
    if best == 0:  # not even the first size: smaller ones
        b = min(BASE_BATCH, cap) // 2
        while b > 1 and not fits(b):
            b //= 2
        return max(1, b)
    return best


def probe_cuda(model, data, amp: bool, headroom: float = HEADROOM) -> Callable[[int], bool]:
    """``fits(b)``: one training step of a copy of ``model`` (its own optimisers, its own
    generator: the model, its optimisers and the trainer's random state are untouched) at batch
    ``b`` on the model's CUDA device, within ``headroom`` of the card's memory. The real model and
    its EMA copy stay allocated meanwhile, so the peak measured is more than training will need."""
    dev = next(model.parameters()).device
    total = torch.cuda.get_device_properties(dev).total_memory
    probe = copy.deepcopy(model).train()
    opts = probe.make_optimizers(1e-12)
    g = torch.Generator(device=dev)
    g.manual_seed(0)

    def fits(b: int) -> bool:
        torch.cuda.synchronize(dev)
        torch.cuda.reset_peak_memory_stats(dev)
        try:
            probe.train_step(data.batch(b, g), opts, g, amp)
            torch.cuda.synchronize(dev)
            return torch.cuda.max_memory_allocated(dev) <= headroom * total
        except torch.cuda.OutOfMemoryError:
            return False
        finally:
            for o in opts.values():
                o.zero_grad(set_to_none=True)
            torch.cuda.empty_cache()
    return fits


def choose_batch(asked: int, device: torch.device, n_clips: int, fits_for: Callable[[], Callable[[int], bool]]
                 ) -> tuple[int, float, str]:
    """(batch, learning-rate factor, the rule in words) for Train's ``batch`` setting ``asked``
    (0: auto). ``fits_for()`` makes the probe (only called on a GPU with batch auto)."""
    if asked > 0:
        return asked, 1.0, f"batch {asked}"
    if device.type != "cuda":
        return BASE_BATCH, 1.0, f"batch {BASE_BATCH} (auto: on the CPU a step's time grows with the batch)"
    cap = max(1, min(AUTO_CAP, n_clips))
    b = largest_fitting(cap, fits_for())
    why = "the largest that fits in GPU memory" if b < cap else \
        ("all the training clips" if cap == n_clips else f"the cap of {AUTO_CAP}")
    return b, auto_lr(1.0, b), f"batch {b} (auto: {why}; learning rate x sqrt({b}/{BASE_BATCH}))"
