"""Text for labels, tooltips and the log (Qt-free): one way to shorten, escape and time things."""
from __future__ import annotations

import html


def shorten(text, n: int) -> str:
    """``text`` on one line (runs of white space made one space), cut to ``n`` characters with an
    ellipsis when longer."""
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: max(1, n - 1)] + "…"


def short_folder(path: str, n: int = 32) -> str:
    """A folder as a status bar names it: the home folder as ``~``, and when longer than ``n``
    characters its last parts after ``…/`` ("~/Documents/Studio/out", "…/Studio/out")."""
    import os
    home = os.path.expanduser("~")
    p = os.path.normpath(path)
    if home and home != os.sep and (p == home or p.startswith(home + os.sep)):
        p = "~" + p[len(home):]
    if len(p) <= n:
        return p
    parts, tail = p.split(os.sep), ""
    for part in reversed(parts):
        step = part + (os.sep + tail if tail else "")
        if tail and len(step) + 2 > n:
            break
        tail = step
    return "…" + os.sep + tail


ZWSP = "\u200b"  # a place a line may break, not drawn
_LONG_RUN = 24  # characters without a place to break, past which one is made


def breakable(text) -> str:
    """``text`` with places a wrapped line may break inside long runs without spaces: a path after each of its
    separators, any other part every ``_LONG_RUN`` characters (a label's wrap then never asks for a path's width)."""
    import re

    def cut(m) -> str:
        parts = re.split(r"(?<=[/\\])", m.group(0))  # after each folder separator
        return ZWSP.join(p[i:i + _LONG_RUN] for p in parts if p for i in range(0, len(p), _LONG_RUN))
    return re.sub(r"\S{%d,}" % (_LONG_RUN + 1), cut, str(text))


def escape_html(text) -> str:
    """``text`` safe inside a Qt rich-text label or log line."""
    return html.escape(str(text), quote=False)


def fmt_seconds(s: float) -> str:
    """A duration as a node's status line shows it: '<1 ms', '35 ms', '1.25 s', '2 min 5 s'."""
    if s < 1e-3:
        return "<1 ms"
    if s < 1:
        return f"{s * 1000:.0f} ms"
    if s < 60:
        return f"{s:.2f} s"
    return f"{int(s // 60)} min {s % 60:.0f} s"
