"""The rate a video loader loads its frames at, as an information node of it gives it (issue 112, values5: 33 of the
cached workflows wired VideoHelperSuite's 'Video Info' loaded_fps, or 'Video Info (Loaded)' fps, of a loader forcing
16 frames a second into Video Combine's frame_rate or LTX's frame_rate, and Studio said the rate was 'given by a node
Studio cannot work out'). Told by declared types: the information node takes one socket of the loader's information
type (VHS_VIDEOINFO) and gives a FLOAT; the loader gives that type and declares a 'force_rate' setting. Where the
forced rate is a number above 0 the frames are loaded at it, one in every 'select_every_nth' kept: the rate is
force_rate / select_every_nth (the pack's loader sets the frame time to 1/force_rate and multiplies it by the n-th; read
for that fact, nothing copied). A rate of 0 keeps the file's own rate: known only when the workflow runs (None).

Which FLOAT is the loaded rate is said only by the output's name: the pack names them 'loaded_fps' (beside
'source_fps', the file's) or, on the node giving the loaded values alone ('Video Info (Loaded)'), 'fps'; so the name
is read, its marks (the pack's coloured squares) left out. Plain data and stdlib."""
from __future__ import annotations

import math
from typing import Any, Callable

from .. import catalogue
from .aspect_size import plain_name as _plain

INFO = "VHS_VIDEOINFO"  # the loader's information, as its pack declares the type
RATE, NTH = "force_rate", "select_every_nth"


def info_input(node, slot: int) -> str | None:
    """The socket an information node reads its loader from, where output ``slot`` gives the loaded rate; else None."""
    t = catalogue.node_type(node.origin or node.cls)
    if t is None or t.inputs is None or not t.outputs or not 0 <= slot < len(t.outputs):
        return None
    sockets = t.sockets
    if len(sockets) != 1 or sockets[0].type != INFO or t.outputs[slot].type != "FLOAT":
        return None
    name = _plain(t.outputs[slot].name)
    loaded_alone = "loaded" in _plain(f"{t.name} {t.display}") and not any(
        _plain(o.name).startswith("source") for o in t.outputs)
    return sockets[0].name if name == "loaded_fps" or (name == "fps" and loaded_alone) else None


def loaded_rate(loader, slot: int, value: Callable[[str], Any]) -> float | None:
    """The rate ``loader`` loads at, where its output ``slot`` is its information and its forced rate is set; else
    None (not a loader of that type, its file's own rate, a setting not known)."""
    t = catalogue.node_type(loader.origin or loader.cls) if loader is not None else None
    if t is None or t.inputs is None or not t.outputs or not 0 <= slot < len(t.outputs):
        return None
    if t.outputs[slot].type != INFO or t.input(RATE) is None:
        return None
    rate = value(RATE)
    nth = value(NTH) if t.input(NTH) is not None else 1
    nth = 1 if nth is None and NTH not in loader.links else nth  # (not saved: the pack's default, 1)
    if not _number(rate) or rate <= 0 or not _number(nth) or nth < 1 or not float(nth).is_integer():
        return None
    return float(rate) / int(nth)


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def rate_said(wf, loader, readers) -> str:
    """Words to add where ``loader`` is read for its information alone by ``readers`` ((node, input, slot), as
    mapping.passing lists them) and the loaded rate one of them gives was worked out while converting: '' where none
    was (the sentence then says its information is not read)."""
    for r, _, _ in readers:
        t = catalogue.node_type(r.origin or r.cls)
        for s in range(len(t.outputs or ()) if t is not None else 0):
            rate = wf.worked_out(r.id, s) if info_input(r, s) is not None else None
            if rate is not None:
                nth = wf.value(loader, NTH)
                every = f", select_every_nth {nth}" if isinstance(nth, int) and nth > 1 else ""
                return (f"; the rate it loads frames at, which '{r.title or r.shown_cls}' (#{r.id}) gives, is worked "
                        f"out from its own settings (force_rate {wf.value(loader, RATE)}{every}: {rate:g} frames a "
                        "second)")
    return ""
