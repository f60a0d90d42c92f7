"""How the converter shows and fits a workflow's values: a Windows file name made portable, numbers
as the Log and notes show them, a value fitted into a Studio parameter's range (said by the caller).
Plain stdlib."""
from __future__ import annotations

import math
from typing import Any

from studio.core.shown import cut, number


def posix_name(name: str) -> str:
    """A relative file name saved on Windows ('inputs\\fox.png') with '/' ('inputs/fox.png'); one
    that would then be absolute or start at the home folder ('\\etc\\x', '~\\x') as written."""
    posix = name.replace("\\", "/")
    return name if posix.startswith(("/", "~")) else posix


def unquoted(path: str) -> str:
    """A path as pasted from Windows' "Copy as path", in double quotes ('"G:\\clips\\a b.mp4"'), without them and the
    spaces around: VideoHelperSuite's path loaders drop them before opening the file (heldout75 08: Load Video was
    given the quotes); a path not in quotes as it is."""
    p = path.strip()
    return p[1:-1].strip() if len(p) >= 2 and p[0] == p[-1] == '"' else path


def as_float(v: Any) -> Any:
    """``float(v)``, or ``v`` itself when it is too large for a float (the node then says it)."""
    try:
        return float(v)
    except OverflowError:
        return v


def g4(v: Any) -> str:
    """A number as the note shows it (4 significant digits; one too large for a float, shortened)."""
    f = as_float(v)
    return f"{f:.4g}" if isinstance(f, float) else shown(v)


def shown(v: Any) -> str:
    """A value as the Log shows it: a float to a few significant digits; at most 64 characters,
    and how many more there were when cut."""
    return cut(repr(v) if isinstance(v, str) else number(v), 64)


def fitted_value(p, v: Any) -> Any:
    """The nearest value of the parameter ``p`` to ``v``: a finite number clamped into
    [min, max] (whole for an integer), a text cut to ``max_length``; None when there is none."""
    if p.kind in ("int", "float", "seed") and isinstance(v, (int, float)) and not isinstance(v, bool):
        if isinstance(v, float) and not math.isfinite(v):
            return None
        lo, hi = getattr(p, "min", None), getattr(p, "max", None)
        v = v if lo is None or v >= lo else lo
        v = v if hi is None or v <= hi else hi
        return int(v) if p.kind != "float" else float(v)
    limit = getattr(p, "max_length", None)
    if isinstance(v, str) and limit is not None and len(v) > limit:
        return v[:limit]
    return None


def listed(names: tuple[str, ...]) -> str:
    """Names in one phrase: 'A, B and C'."""
    return " and ".join(filter(None, (", ".join(names[:-1]), names[-1]))) if names else "none"


def _number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


def pass_range(start: Any, end: Any) -> str:
    """A sampler pass's steps in words: 'steps 2-4', 'steps 2 to the end' where the end is none, past ComfyUI's
    10000 or -1 (its 'to the end'), never 'None' (the tenth held-out set: 'steps 3-None'); an end that is text, not a
    number (an app's '{{BOUNDARY_STEP}}'), named as it is, never 'the end' (heldout27 15)."""
    if isinstance(end, str) and end.strip() and not _number(end):
        return f"steps {shown(start)} to {shown(end)}"
    last = end is None or isinstance(end, bool) or not isinstance(end, (int, float)) or end < 0 or end >= 10000
    return f"steps {shown(start)} to the end" if last else f"steps {shown(start)}-{shown(end)}"
