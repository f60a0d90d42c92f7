"""What a video loader's declared widgets pick of its file (VideoHelperSuite's Load Video: force_rate, then
skip_first_frames, select_every_nth, frame_load_cap among the frames at that rate), as numbers Studio's Frame Rate
and Trim take (mapping/load_trim.py says them; finishing/core.py asks whether the file's rate is kept). Told by the
loader type's declared widgets of those names, never by its name. Plain data."""
from __future__ import annotations

from .. import catalogue

TRIMS = ("skip_first_frames", "select_every_nth", "frame_load_cap")
RATE = "force_rate"


def _int(v) -> int | None:
    return int(v) if isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0 and v == int(v) else None


def _names(loader) -> set[str]:
    t = catalogue.node_type(loader.origin or loader.cls)
    return {w.name for w in t.widgets} if t is not None and t.inputs is not None else set()


def rate(wf, loader) -> float | None:
    """The rate ``loader`` forces on its file (frames per second, over the file's duration); 0 where it forces none
    (or its type declares no force_rate beside the three picks); None where it is not known when converting (wired
    to a value Studio cannot work out, or not a number)."""
    names = _names(loader)
    if RATE not in names or not set(TRIMS) <= names:
        return 0.0
    v = wf.value(loader, RATE)
    if v is None and RATE not in loader.links:
        return 0.0  # not saved: the declared default, none forced
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0 else None


def params(wf, loader) -> dict | None:
    """Studio's Trim settings keeping the frames ``loader`` picks of its file (or of its frames at a forced rate,
    ``rate``); None where it picks none, or a pick or the rate is not known when converting (wired to a value Studio
    cannot work out)."""
    if not set(TRIMS) <= _names(loader) or rate(wf, loader) is None:
        return None
    skip, nth, cap = (_int(wf.value(loader, k)) for k in TRIMS)
    if skip is None or nth is None or cap is None or nth < 1 or (skip, nth, cap) == (0, 1, 0):
        return None
    return {"start": skip, "end": skip + cap * nth if cap else 0, "step": nth}


def file_rate_kept(wf, loader) -> bool:
    """Whether the frames ``loader`` gives keep its file's rate (no forced rate, not every n-th): where its
    VideoHelperSuite 'source' info (the file's rate) is the rate of that clip."""
    trim = params(wf, loader)
    return rate(wf, loader) == 0 and (trim is None or trim["step"] == 1)
