"""A model's load told from how warm it will be (issue 116 item 5: a process's second load of a model was said from
its first, the only record: 2.18-2.46x over in every family, walk9; run 2 loaded in 0.18-0.35 s, said 0.38-0.87 s).

A load's record (times.RunClock._keep_load) says how it found the files (base/warm_files.how, measured before the
load by Load Video Model): ``reload``, this process had loaded the same files before (its classes, its file readers and
torch's first use paid: the files in the page cache too), and ``cached``, the files' pages were in the page cache
already (a later process's load of files just read; Linux's mincore, where it can be asked). A load is told from
the records as warm as it will be: a reload (the files loaded here before) from this model's reloads, a first load
from its first loads; with one kind only, from it scaled by ``factor`` (what this machine's models with both show:
each one's reloads' median over its newest first load; their median), else ``GUESS``, said as a guess, as
warm_scale.py tells a warm run's encode from a cold one. Plain Python; importing it costs nothing."""
from __future__ import annotations

from .warm_scale import median

# the tiny Wan 2.1, LTX-Video and Framepack on a 2-core CPU (walk9): a reload took 0.41-0.46 of the first load
# (0.22 / 0.51 s, 0.18 / 0.38 s, 0.35 / 0.87 s), 0.67-0.70 at load average 8
GUESS = 0.5
LOW, HIGH = 0.05, 1.0


def is_warm(rec: dict) -> bool:
    """A load record of files loaded before in its process (a first load of files in the page cache is not: run 1 of
    a fresh process reads tiny files just written, cached, and pays its classes' first use)."""
    return bool(rec.get("reload"))


def factor(loads: dict) -> tuple[float, bool]:
    """(a reload's seconds over a first load's, measured): from the load records ``loads`` (key -> records) of one
    machine that hold both kinds."""
    ratios = []
    for recs in loads.values():
        good = [r for r in recs if isinstance(r, dict) and r.get("seconds", 0) > 0]
        first = [r["seconds"] for r in good if not is_warm(r)]
        again = [r["seconds"] for r in good if is_warm(r)]
        if first and again:
            ratios.append(median(again) / first[-1])
    if not ratios:
        return GUESS, False
    return min(HIGH, max(LOW, median(ratios))), True


def told(recs: list[dict], loads: dict, warm: bool) -> tuple[float, str] | None:
    """(a load's seconds, how it was told in words: '' where from loads as warm as this one) from this model's load
    records ``recs``, ``warm``: the files loaded here before; None without a record."""
    recs = [r for r in recs if isinstance(r, dict) and r.get("pixels", 0) > 0 and r.get("seconds", 0) > 0]
    if not recs:
        return None
    same = [r for r in recs if is_warm(r) == warm]
    if same:
        return float(same[-1]["seconds"]), ""
    scale, measured = factor(loads)
    seconds = float(recs[-1]["seconds"])
    return (seconds * scale, words(scale, measured, True)) if warm else (seconds / scale, words(scale, measured, False))


def words(scale: float, measured: bool, warm: bool) -> str:
    """How the load was told, after its figure: '(a reload: the first load's x0.50, a guess until a reload)'."""
    how_ = (f"a reload: the first load's x{scale:.2f}" if warm else f"a first load: a reload's /{scale:.2f}")
    return f" ({how_}, {'as measured here' if measured else 'a guess until a ' + ('reload' if warm else 'first load')})"
