"""A pad for an outpaint, told by its declared types (issue 112 item 2): pictures in, pictures and a MASK out, and
'left', 'top', 'right', 'bottom' whole-number widgets (ComfyUI's ImagePadForOutpaint, KJNodes' ImagePadKJ /
ImagePadForOutpaintMasked, LayerStyle's ExtendCanvas): the borders in pixels and the mask of them. A crop by the
same four widgets gives no MASK (rgthree's Image Inset Crop, WAS's Crop Location), so it is never taken as one.
And the nodes on the pad's mask's way that only carry it to each frame (a MASK made a picture and back, the one
picture repeated): told by their declared types too. Plain data and stdlib, over the catalogue."""
from __future__ import annotations

from .. import catalogue
from .workflow import CNode, Workflow

SIDES = ("left", "top", "right", "bottom")


def is_pad(n: CNode) -> bool:
    """By its pack's declared types, else by those its UI file saved (a pack the catalogue does not hold)."""
    t = catalogue.node_type(n.origin or n.cls)
    if t is not None and t.inputs is not None:
        ints = {i.name for i in t.widgets if i.type == "INT"}
        return t.takes("IMAGE") and t.output_types[:2] == ("IMAGE", "MASK") and set(SIDES) <= ints
    return "IMAGE" in n.in_types.values() and n.out_types[:2] == ["IMAGE", "MASK"] and \
        all(n.in_types.get(k) == "INT" for k in SIDES)


def pads(wf: Workflow, n: CNode) -> dict[str, int | None]:  # (by name: a UI file's values named by its pack's order)
    """The pad's left, top, right and bottom in pixels and its feathering (0 where it has none); None where a value
    is not a whole number (worked out when the workflow runs)."""
    raw = n.raw if isinstance(n.raw, list) else []
    out: dict[str, int | None] = {}
    for i, k in enumerate((*SIDES, "feathering")):
        v = wf.value(n, k) if k in n.links or k in n.widgets else None
        if v is None and k not in n.links and n.cls == "ImagePadForOutpaint" and i < len(raw):  # a UI file's values
            v = raw[i]  # by place (never for a side wired: the number kept under its link is stale, heldout114 03)
        if v is None and k == "feathering":
            v = 0
        out[k] = v if isinstance(v, int) and not isinstance(v, bool) and v >= 0 else None
    return out


def plain(pad: CNode) -> bool:
    """No setting beyond its sides, feathering, fill colour and mode changes the pixels it pads by (a pack's extra
    padding or target size: 0 and not wired)."""
    rest = other_settings(pad)
    return not any(k in pad.links for k in rest) and not any(
        isinstance(v, (int, float)) and not isinstance(v, bool) and v for v in rest.values())


def read_straight(wf: Workflow, task: CNode, port: str, pad: CNode) -> bool:
    """The pad's mask on the task's ``port`` is the task's own outpaint mask: ComfyUI's ImagePadForOutpaint anywhere
    on its way (Wan VACE's outpaint preset draws it); a pack's pad whose pictures the task node takes straight and
    whose mask (carried to each frame) it takes on ``port``, padding by its four sides alone."""
    if pad.cls == "ImagePadForOutpaint":
        return True
    return plain(pad) and any(src == pad.id and slot == 0 for src, slot in task.links.values()) and \
        mask_way(wf, task, port, pad) is not None


def other_settings(n: CNode) -> dict:
    """The pad's settings beyond its four sides and feathering (ImagePadKJ's pad_mode, colour, target size): what
    Studio's Pad does not take."""
    return {k: v for k, v in n.settings().items() if k not in (*SIDES, "feathering")}


def carries(n: CNode) -> bool:
    """``n`` only carries a mask on: MASK -> picture or picture -> MASK (MaskToImage, ImageToMask), or one picture
    or mask repeated ('amount': RepeatImageBatch), by its declared types."""
    t = catalogue.node_type(n.shown_cls) or catalogue.node_type(n.cls)
    if t is None or t.inputs is None or len(t.sockets) != 1 or len(t.outputs or ()) != 1:
        return False
    into, out = t.sockets[0].type, t.output_types[0]
    if {into, out} != {"IMAGE", "MASK"} and not (into == out and into in ("IMAGE", "MASK")):
        return False
    widgets = {i.name for i in t.widgets}
    return widgets <= {"channel"} if into != out else widgets == {"amount"}


def mask_way(wf: Workflow, node: CNode, port: str, pad: CNode, step=None) -> list[CNode] | None:
    """The nodes between ``pad``'s MASK and ``node``'s input ``port`` that only carry it on (nearest ``node``
    first); None where that input is not the pad's mask so carried. ``step``: which nodes may stand on that way
    (default :func:`carries`; an inpaint's also lets ThresholdMask through: mapping/inpaint_take.py)."""
    step = step or carries
    way, cur, name = [], node, port
    for _ in range(16):
        link = cur.links.get(name)
        src = wf.nodes.get(link[0]) if link else None
        if src is None:
            return None
        if src.id == pad.id:
            return way if link[1] == 1 else None
        if not step(src):
            return None
        way.append(src)
        cur, name = src, (catalogue.node_type(src.shown_cls) or catalogue.node_type(src.cls)).sockets[0].name
    return None
