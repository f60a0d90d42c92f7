"""The values cmeka's ComfyUI-WanMoEScheduler gives, worked out when converting (the ``values`` hook point; wins6,
issue 112: heldout39 09, 10, 15 read none of them). Its declaration names its outputs (shift, steps, steps_high,
steps_low, sigmas, sigmas_high, sigmas_low) but not how they are made, so they are read by its type's name.

What it does (facts from its schedulers.py, read for meaning): the steps are steps_high + steps_low, the high-noise
expert's sigmas the first steps_high steps of them, the low-noise expert's the rest (the switch at step steps_high);
the shift is the first one, counting up from 0 by 'interval', at which the schedule's sigma at the switch step is at
least 'boundary' (the flow model's own sigmas shifted: sigma(t) = shift·t / (1 + (shift - 1)·t), t = 1/1000 ... 1),
given rounded to two places. Below 1 'denoise' the schedule is made for steps / denoise and its last steps + 1 sigmas
kept. The shift is worked out here for ComfyUI's 'simple' schedule only (its sigmas are the model's at evenly spaced
places); for another schedule it is not known when converting (None: said where it is read). Plain stdlib."""
from __future__ import annotations

import functools
import math
import struct
from typing import Any, Callable

TYPE = "WanMoEScheduler"
TIMESTEPS = 1000  # the flow model's sigmas: one a timestep (ComfyUI's ModelSamplingDiscreteFlow)
MAX_SHIFT = 100.0
SIGMAS = {"sigmas": None, "sigmas_high": "high", "sigmas_low": "low"}  # its SIGMAS outputs (slots 4, 5, 6)


def _f32(x: float) -> float:
    """``x`` as a 32-bit float holds it (ComfyUI's sigmas are float32 tensors: a shift of 6.99999... found by adding
    0.01 gives a sigma of exactly 0.875 there, and stops the search, where 64-bit floats go on to 7.01)."""
    return struct.unpack("f", struct.pack("f", x))[0] if math.isfinite(x) else x


def _shifted(shift: float, i: int) -> float:
    """The model's sigma at timestep ``i`` (1 ... 1000) shifted by ``shift``, each step in float32 as ComfyUI's
    model sampling makes it (i / 1000, times 1000 again, / 1000; shift·t / (1 + (shift - 1)·t))."""
    t = _f32(_f32(_f32(i / TIMESTEPS) * TIMESTEPS) / TIMESTEPS)
    if shift == 1.0:
        return t
    under = _f32(1 + _f32(_f32(shift - 1) * t))
    return _f32(_f32(_f32(shift) * t) / under) if under else math.nan  # (shift 0 at t = 1: 0 / 0, NaN in torch)


def _simple(shift: float, steps: int) -> list[float]:
    """ComfyUI's 'simple' schedule of ``steps`` on the flow model's sigmas shifted by ``shift`` (a trailing 0)."""
    per = TIMESTEPS / steps
    return [_shifted(shift, TIMESTEPS - int(x * per)) for x in range(steps)] + [0.0]


def _incomplete_beta(x: float, a: float, b: float) -> float:
    """The regularised incomplete beta function I_x(a, b) (the Beta(a, b) distribution's CDF), by its continued
    fraction (modified Lentz), on the side of x where it converges fast."""
    if x <= 0.0 or x >= 1.0:
        return 0.0 if x <= 0.0 else 1.0
    if x > (a + 1) / (a + b + 2):
        return 1.0 - _incomplete_beta(1.0 - x, b, a)
    front = math.exp(math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)) / a
    tiny, f, c, d = 1e-300, 1.0, 1.0, 0.0
    for i in range(400):
        m = i // 2
        if i == 0:
            num = 1.0
        elif i % 2 == 0:
            num = m * (b - m) * x / ((a + 2 * m - 1) * (a + 2 * m))
        else:
            num = -((a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1))
        d = 1.0 + num * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + num / c
        c = c if abs(c) > tiny else tiny
        f *= c * d
        if abs(1.0 - c * d) < 1e-15:
            break
    return front * (f - 1.0)


def _beta_ppf(q: float, a: float, b: float) -> float:
    """The q-quantile of Beta(a, b), by bisection of its CDF."""
    if q <= 0.0 or q >= 1.0:
        return 0.0 if q <= 0.0 else 1.0
    lo, hi = 0.0, 1.0
    for _ in range(100):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if _incomplete_beta(mid, a, b) < q else (lo, mid)
    return (lo + hi) / 2


@functools.lru_cache(maxsize=64)
def _beta_timesteps(steps: int, alpha: float = 0.6, beta: float = 0.6) -> tuple[int, ...]:
    """The timesteps ComfyUI's 'beta' schedule of ``steps`` takes: the Beta(0.6, 0.6) quantiles of 1 - i / steps times
    999, to the nearest (half to even), one met twice in a row taken once. The same for every shift: worked out once."""
    out: list[int] = []
    for i in range(steps):
        t = round(_beta_ppf(1.0 - i * (1.0 / steps), alpha, beta) * (TIMESTEPS - 1))
        if not out or t != out[-1]:
            out.append(t)
    return tuple(out)


def _beta(shift: float, steps: int) -> list[float]:
    """ComfyUI's 'beta' schedule of ``steps``: the model's sigmas at its timesteps (index t: timestep t + 1); a
    trailing 0."""
    return [_shifted(shift, t + 1) for t in _beta_timesteps(steps)] + [0.0]


SCHEDULES = {"simple": _simple, "beta": _beta}  # the schedules worked out here


def _int(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) and v >= 1 else None


def _float(v: Any) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def shift(scheduler: Any, high: int, low: int, boundary: float, interval: float, denoise: float) -> float | None:
    """The shift the node finds (see above), or None where it cannot be worked out here."""
    make = SCHEDULES.get(scheduler)
    if make is None or interval <= 0 or not 0 < denoise <= 1:
        return None
    total = high + low
    calc = total if denoise >= 1.0 else int(total / denoise)
    s, found = 0.0, None
    while s <= MAX_SHIFT:
        sigmas = make(s, calc)[-(total + 1):]
        if len(sigmas) <= high:
            return None
        found = s
        if sigmas[high] >= _f32(boundary):
            break
        s += interval
    else:
        return None  # (the node stops with an error: no shift reaches the boundary)
    return round(found, 2)


def settings(value: Callable[[str], Any]) -> tuple[int, int] | None:
    """(steps_high, steps_low) as set (or wired to constants); None where either is not known."""
    high, low = _int(value("steps_high")), _int(value("steps_low"))
    return (high, low) if high is not None and low is not None else None


def moe_value(value: Callable[[str], Any], node: Any, slot: int) -> Any:
    """Output ``slot``'s value: 0 the shift (None where not worked out), 1 the steps, 2 steps_high, 3 steps_low;
    None for its sigmas (read by the samplers' steps: sigma_steps)."""
    steps = settings(value)
    if steps is None or slot not in (0, 1, 2, 3):
        return None
    high, low = steps
    if slot == 0:
        nums = [_float(value(k)) for k in ("boundary", "interval", "denoise")]
        return None if None in nums else shift(value("scheduler"), high, low, *nums)
    return (high + low, high, low)[slot - 1]


VALUES = {TYPE: moe_value}
