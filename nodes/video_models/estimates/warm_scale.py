"""A warm run's encode told from a cold first run (issue 116 item 5: every fresh prompt's encode was said 2.0-2.25x
what it took: the estimate of a process's second run came from its first, the only record, which paid for the
kernels' and the text encoder's first use).

A model's first run in a process is recorded ``cold`` (times.RunClock). A later run is told from this model's warm
records where one exists (foresee_time.py); until one does, from its cold one with what runs before the first step
(the pipeline made, the prompt and images encoded) scaled by ``factor``: the ratio warm / cold that this machine's
records show (each model with both: its warm runs' median over its newest cold one; the median of the models),
else ``GUESS``, said as a guess. Steps and decode are not scaled (a cold run's first window is left out of them
already: phases.window_phases). Plain Python; importing it costs nothing."""
from __future__ import annotations

from .phases import has_phases

GUESS = 0.5  # the tiny Wan 2.1, LTX-Video and Framepack on a 2-core CPU: warm encode 0.44-0.50 of the cold one
LOW, HIGH = 0.05, 1.0


def _before(r: dict) -> float:
    return r.get("before", 0.0) + max(0.0, r.get("first_extra", 0.0)) + r.get("encode", 0.0)


def median(xs: list[float]) -> float:
    """The middle of ``xs`` (the mean of the two middle ones for an even count); statistics.median's, without the
    module's import (6 ms, beside the estimates' start-up)."""
    xs = sorted(xs)
    n = len(xs)
    return xs[n // 2] if n % 2 else (xs[n // 2 - 1] + xs[n // 2]) / 2


def machine_ratio(data: dict, where: str, measure, keep) -> float | None:
    """The median, over the models of the machine ``where`` with a cold run and a warm one among the records
    (keys 'path|title|machine|...') that ``keep`` takes, of their warm runs' median ``measure`` over their newest
    cold one's; None where no model has both."""
    ratios = []
    for key, recs in data.items():
        parts = key.split("|")
        if len(parts) < 3 or parts[2] != where or not isinstance(recs, list):
            continue
        good = [r for r in recs if isinstance(r, dict) and has_phases(r) and keep(r)]
        cold = [measure(r) for r in good if r.get("cold")]
        warm = [measure(r) for r in good if not r.get("cold")]
        if cold and warm and cold[-1] > 0:
            ratios.append(median(warm) / cold[-1])
    return median(ratios) if ratios else None


def factor(data: dict, where: str) -> tuple[float, bool]:
    """(warm / cold for what runs before the first step on the machine ``where``, measured): from the run records
    of this machine that hold a cold run and a warm one with fresh prompts."""
    got = machine_ratio(data, where, _before, lambda r: not r.get("prompt_cached"))
    return (GUESS, False) if got is None else (min(HIGH, max(LOW, got)), True)


def words(scale: float, measured: bool) -> str:
    """How the encode was told, after its figure: '(warm: the first run's x0.50, as measured here)'."""
    return f" (warm: the first run's x{scale:.2f}, {'as measured here' if measured else 'a guess until a warm run'})"
