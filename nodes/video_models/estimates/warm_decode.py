"""A warm run's decode told from a cold first run (issue 116 item 5: an independent run of
benchmarks/phase_estimates.py at load 1.3 found Wan 2.1's run-2 decode said 208 ms, run 1's cold decode, and took
50 ms: 4.14x, the only phase off).

A process's first decode of a model may pay what only a first use pays: on the CPU, oneDNN's primitives made for each
convolution's shape and the allocator's first buffers; on a CUDA GPU, cuDNN's algorithm chosen for each convolution's
shape (an autotune of each where torch.backends.cudnn.benchmark is on; Studio leaves it off), the caching allocator's
first cudaMalloc of the decode's activations and the kernels' modules loaded at their first launch. A later decode of
the same shapes pays none of it. The steps leave such a cost out by their own timing (phases.WindowTimer: a step is
a gap between two steps, the first step's extra goes to the encode; a cold run's first window is left out:
phases.window_phases); a window's decode is one block with no such gap, and its first chunk cannot stand in for the
others (Wan's VAE decodes its first latent frame into one video frame and each later one into four, at shapes of
their own; LTX-Video's decodes in one call). So a later run told from the cold record alone (no warm record of this
model yet) has its decode scaled as warm_scale.py scales the encode, by ``factor``: the ratio warm / cold this
machine's records show (each model with both: its warm decodes' median over its newest cold one, seconds a pixel;
the median of the models), else ``GUESS``, said as a guess.

On this CPU the first use is small: the tiny Wan, LTX-Video and Framepack VAEs alone, in a fresh process, decoded
first in 34, 12 and 31 ms and then in 27-38, 7-8 and 21-38 ms; in the pipelines (8 runs of the benchmark) a warm
decode took 0.24-1.25 of the cold one, median 0.92: the check's 0.24 (208 ms -> 50 ms) was the machine's, not a first
use (the next five runs' Wan: 0.67-1.03), and no factor mends a one-off. What only a GPU can show: how large the
first use is there. It is a fixed cost per shape, not a share of the decode: a short decode's warm / cold ratio far
below 1, a real model's minutes of decode near 1. The records are per machine (times.run_key), so a GPU's own ratio
replaces the guess once it has a warm run of any model; until then this CPU's guess stands for it, said as a
guess. Plain Python; importing it costs nothing."""
from __future__ import annotations

from .warm_scale import machine_ratio, words as warm_words

# the tiny Wan 2.1, LTX-Video and Framepack on the shared 2-core CPU, --threads 1 (benchmarks/phase_estimates.py,
# 2026-11-29, 8 runs at load average 1-5): a warm decode took 0.24-1.25 of the process's first (cold) one, median 0.92
GUESS = 0.9
LOW, HIGH = 0.05, 1.0


def _per_pixel(r: dict) -> float:
    return r["decode"] / r["pixels"]


def factor(data: dict, where: str) -> tuple[float, bool]:
    """(warm / cold for a decode on the machine ``where``, measured): from the run records of this machine that
    hold a cold run and a warm one, each decode by its pixels."""
    got = machine_ratio(data, where, _per_pixel, lambda r: r.get("pixels", 0) > 0)
    return (GUESS, False) if got is None else (min(HIGH, max(LOW, got)), True)


words = warm_words  # how the decode was told, after its figure, as the encode is
