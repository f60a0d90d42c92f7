"""A resize on the frames' way from an earlier take to a refine pass's encoder (ComfyUI's ResizeImagesByLongerEdge,
ImageScale, KJNodes' ImageResizeKJv2 before VAEEncode) made as Studio's Scale on the video the pass reworks, so the
pass is made at the size ComfyUI's is (rtx10, found beside RTX VSR: ckinpdx's LTX-2.3 -> Wan 2.2 / HuMo refines scale
the take to a longer edge of 1920 before the pass; it was said "not applied (the pass is made at the take's own size)"
and a 4736x2688 take was refined at its own size). Its settings read as the finishing's Scale reads them
(tracing.resizes.scale_params); a size wired to a value not worked out when converting is not read (the sentence as
before). Plain data and stdlib."""
from __future__ import annotations

from typing import Any

from ..reading.workflow import CNode
from ..tracing.resizes import scale_params

SCALE = "transform.scale"


def made(b: Any, n: CNode, out: tuple[str, str]) -> tuple[tuple[str, str], str] | None:
    """((Scale's id, its output), how it scales, in words) for resize ``n`` after the video ``out``; None where its
    size is not read."""
    p = scale_params(b.wf, n) if n.enabled else None
    if not p:
        return None
    nid = b.add(SCALE, p, n)
    b.g.connect(out[0], out[1], nid, "video")
    return (nid, "video"), _how(p)


def _how(p: dict) -> str:
    """Scale's settings ``p`` in words."""
    w, h, fit = p.get("width", 0), p.get("height", 0), p.get("fit", "exact")
    filt = p.get("interpolation", "area")
    if not w and not h:
        return f"{p.get('scale', 1.0):g} times their size, {filt}"
    if fit in ("within", "within, down") and w == h:
        return (f"the longer side to {w}, the other in proportion{', rounded down' if fit == 'within, down' else ''}, "
                f"{filt}")
    if fit in ("within", "within, down"):
        return f"to fit within {w}x{h} keeping their aspect, {filt}"
    return f"to {w or 'their'}x{h or 'their'} ({fit}), {filt}"
