"""A resize after the generator that keeps the take's aspect (finish.after_take): KJNodes' keep_proportion on (v1's
True, v2's 'resize') fits the frames within its width and height, each side then rounded down to its
'divisible_by', and cuts nothing whatever its 'crop' says (the size it scales to has the take's own aspect). Made as
Studio's Scale with the settings tracing.resizes reads for it ('fit' 'within'), never as Resize 'fill' at the box's
size: the thirty-sixth held-out set's LTXV 13B example wrote a 768x512 take cut to 1280x1280 and said so, where
ComfyUI writes about 1280x853. Plain data and stdlib."""
from __future__ import annotations

from typing import Any

from ..reading.workflow import CNode
from ..tracing.resizes import scale_params

SCALE = "transform.scale"


def fitted(b: Any, n: CNode, src: tuple[str, str], out: str) -> tuple[tuple[str, str], str] | None:
    """Studio's Scale after ``src`` doing resize ``n``'s fit within its box, keeping the aspect, and the sentence
    naming the save ``out``; None where ``n`` does not keep the aspect or Studio's Scale does not read it."""
    p = scale_params(b.wf, n)
    if not p or p.get("fit") != "within" or not n.enabled:
        return None
    w, h = p.get("width"), p.get("height")
    if not (isinstance(w, int) and isinstance(h, int) and w > 0 and h > 0):
        return None
    nid = b.add(SCALE, p, n)
    b.g.connect(src[0], src[1], nid, "video")
    b.used.add(n.id)
    many = f", each side rounded down to a multiple of {p['multiple']}" if p.get("multiple", 1) > 1 else ""
    return (nid, "video"), (f"{out} writes the take scaled to fit within {w}x{h} keeping its aspect{many}, nothing "
                            f"cut ('{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})): Studio's Scale after the "
                            "generator")
