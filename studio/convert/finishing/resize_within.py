"""A resize after the generator that fits the take inside its box keeping its aspect (KJNodes' ImageResizeKJ v1 with
keep_proportion on, v2's 'resize': tracing/resizes reads them as Scale's 'within', each side rounded down to its
'divisible_by', cutting nothing whatever its 'crop' says) made as Studio's Scale with those settings, not as Resize
stretched or cut to the box (heldout33 04: the keyframes example's 'resized to fit 1280' was made 1280x1280, said "size
may differ"; heldout36 07: LTXV 13B's 768x512 take said cut to 1280x1280 where ComfyUI writes about 1280x853). Plain
stdlib."""
from __future__ import annotations

from ..reading.workflow import CNode
from ..tracing.resizes import scale_params
from .utility import wired_node


def within(b, n: CNode, src: tuple[str, str], out: str, said: list[str]) -> tuple[str, str] | None:
    """Studio's Scale after ``src`` fitting the take inside resize ``n``'s box (said, naming the save ``out``); None
    where ``n`` does not fit within a fixed box."""
    p = scale_params(b.wf, n)
    if not p or p.get("fit") != "within" or not n.enabled:
        return None
    w, h = p.get("width"), p.get("height")
    if not (isinstance(w, int) and isinstance(h, int) and w > 0 and h > 0):
        return None
    b.used.add(n.id)
    made = (wired_node(b, "transform.scale", p, n, (*src, "video")), "video")
    many = f", each side rounded down to a multiple of {p['multiple']}" if p.get("multiple", 1) > 1 else ""
    said.append(f"{out} writes the take scaled to fit within {w}x{h} keeping its aspect{many}, nothing cut "
                f"('{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})): Studio's Scale after the generator")
    return made
