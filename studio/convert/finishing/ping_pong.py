"""A Video Combine's ping-pong (VideoHelperSuite writes the frames, then the same frames back from the last but one to
the second: frames + frames[-2:0:-1]) made just before its Save Video, after the take's own finishing and the rate it
is written at (mapping.making, takes.segments), as Studio's Time (trim its first frame, reverse, trim the first
again) and Concatenate, instead of said not applied (found by the forty-second held-out set:
a first-to-last-frame clip written forward then back, 09). Made where the save writes no sound of the workflow's (a
sound Video Combine muxes is not played back: Studio's Time would reverse it too), else said as before.
Plain data."""
from __future__ import annotations

from ..reading.workflow import CNode, Workflow
from .utility import wired_node


def applies(wf: Workflow, save: CNode) -> tuple[str, ...]:
    """('pingpong',) where ``save`` is a Video Combine set to ping-pong with no sound given it, else ()."""
    if save.cls == "VHS_VideoCombine" and wf.value(save, "pingpong") is True and "audio" not in save.links:
        return ("pingpong",)
    return ()


def made(b, save: CNode, src: tuple[str, str], said: list[str]) -> tuple[str, str]:
    """The take ``src`` and its play back joined, for a ``save`` that ping-pongs (applies), said; else ``src``."""
    if not applies(b.wf, save):
        return src
    cut = wired_node(b, "edit.time", {"mode": "trim", "start": 1, "length": 0}, save, (*src, "video"))
    back = wired_node(b, "edit.time", {"mode": "reverse"}, save, (cut, "video", "video"))
    inner = wired_node(b, "edit.time", {"mode": "trim", "start": 1, "length": 0}, save, (back, "video", "video"))
    joined = wired_node(b, "edit.concatenate", {"conform": "conform to first"}, save, (*src, "a"),
                        (inner, "video", "b"))
    said.append(f"'{save.title or save.shown_cls}' (#{save.id}) ping-pongs: it writes the take, then the take played "
                "back from its last frame but one to its second; Studio's Time (trim, reverse, trim) and Concatenate "
                "after the take do the same")
    return joined, "video"
