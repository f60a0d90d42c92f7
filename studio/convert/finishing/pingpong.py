"""Video Combine's 'pingpong' (the frames forward, then back without repeating either end: 0..n-1, n-2..1, as
VideoHelperSuite writes them) made with Studio's nodes before the Save Video: Time trims the first frame, Time
reverses the rest, Time trims the first of those (the last frame), Concatenate plays the take and then them; said.
Only for a save given no sound (a reversed clip's sound plays backwards in Studio, while VideoHelperSuite writes its
sound forward once: that ping-pong stays said not applied, finishing.core). Found by the fortieth held-out set (two
Wan 2.2 A14B saves written once, 'pingpong not applied'). Plain data and stdlib."""
from __future__ import annotations

from typing import Any

from .utility import wired_node


def made_here(b: Any, save: Any) -> tuple[str, ...]:
    """('pingpong',) where ``save`` asks one Studio makes (a save of a generator's take given no sound), else ()."""
    return ("pingpong",) if save.cls == "VHS_VideoCombine" and b.wf.value(save, "pingpong") is True and \
        "audio" not in save.links else ()


def pingponged(b: Any, save: Any, src: tuple[str, str], said: list[str]) -> tuple[str, str]:
    """``src`` played forward then back before ``save``'s Save Video where the save asks a ping-pong and writes no
    sound (see the module); else ``src``."""
    if not made_here(b, save):
        return src
    rest = wired_node(b, "edit.time", {"mode": "trim", "start": 1}, save, (*src, "video"))
    back = wired_node(b, "edit.time", {"mode": "reverse"}, save, (rest, "video", "video"))
    back = wired_node(b, "edit.time", {"mode": "trim", "start": 1}, save, (back, "video", "video"))
    both = wired_node(b, "edit.concatenate", {}, save, (*src, "a"), (back, "video", "b"))
    said.append(f"'{save.title or save.shown_cls}' (#{save.id}) writes its frames forward then back (its pingpong: "
                "neither end repeated): Studio's Time (trim, reverse, trim) and Concatenate before its Save Video")
    return both, "video"
