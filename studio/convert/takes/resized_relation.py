"""A take sized a factor of its loaded picture where the generator is given that picture through a resize of its own
(task ltx2x22; LTX-2's two-stage image-to-video workflows: the latent made at half the loaded picture's size, through
EmptyImage of its size, ImageScaleBy 0.5 and GetImageSize, while the picture goes on through ResizeImagesByLongerEdge
and LTXVPreprocess to LTXVImgToVideoInplace, which brings it to the latent's size). folded_sizes keeps such a
relation where the picture reaches the generator as it is (Studio's Scale x factor put on the way); here the
resize Studio makes on the picture's way (a Scale keeping the picture's aspect: no crop, no pad, no other aspect) is
made the factor instead, so the generator (width and height 0: its picture's size) makes the take at the workflow's
size; the picture's own resize only changed how many pixels it had before it was brought to the take's size.
Plain data and stdlib."""
from __future__ import annotations

from typing import Any

from ..reading.pass_any import any_through
from ..reading.workflow import CNode, Workflow
from ..tracing import resizes
from ..tracing.roles import in_type

MAX_WALK = 8  # nodes passing the picture on, between the loader and its resize
KEEPS_ASPECT = ("within", "within, down", "area", "cover")  # Scale's fits keeping the picture's aspect


def _picture_in(n: CNode) -> str | None:
    ins = [k for k in n.links if in_type(n, k) == "IMAGE"]
    return ins[0] if len(ins) == 1 else None


def _from(wf: Workflow, resize: CNode, loader: CNode) -> bool:
    """The picture ``resize`` takes is ``loader``'s, through nodes passing it on as it is."""
    k = _picture_in(resize)
    node, slot = (wf.source(resize, k), resize.links[k][1]) if k is not None else (None, 0)
    for _ in range(MAX_WALK):
        if node is None:
            return False
        if node.id == loader.id:
            return True
        through = any_through(wf, node, slot)  # (the output the picture leaves by: a controller's 'value')
        node, slot = (wf.source(node, through), node.links[through][1]) if through in node.links else (None, 0)
    return False


def _matched_in(n: CNode) -> str | None:
    """The one input wired of a type matched to what is given (a V3 node's MatchType template: Resize Image/Mask's
    'input', an image or a mask), else None."""
    ins = [k for k in n.links if in_type(n, k) == "COMFY_MATCHTYPE_V3"]
    return ins[0] if len(ins) == 1 else None


def follows(wf: Workflow, later: CNode, earlier: CNode) -> bool:
    """Whether ``later`` is given the picture ``earlier`` gives, through nodes passing a picture on or changing it
    (a resize, a preprocess: their one picture input), within MAX_WALK nodes."""
    node = later
    for _ in range(MAX_WALK):
        k = _picture_in(node) or _matched_in(node)
        node = wf.source(node, k) if k is not None else None
        if node is None:
            return False
        if node.id == earlier.id:
            return True
    return False


def through_resize(wf: Workflow, loader: CNode, scaled_for: dict[str, str] | None, sized_by) -> tuple | None:
    """(the input, the resize) where ``loader``'s picture reaches a generator input that sizes the take through one
    resize Studio makes on that way (``scaled_for``: resize id -> input) keeping the picture's aspect; else None."""
    for rid, into in (scaled_for or {}).items():
        resize = wf.nodes.get(rid)
        if resize is None or into not in sized_by or not _from(wf, resize, loader):
            continue
        p = resizes.scale_params(wf, resize)
        if p is None or p.get("crop", "disabled") != "disabled" or p.get("like") or \
                (p.get("fit", "exact") not in KEEPS_ASPECT and (p.get("width") or p.get("height"))):
            return None
        return into, resize
    return None


def said(resize: CNode) -> str:
    """How the way keeps the relation, in words (after "through Studio's Scale x0.5")."""
    return (f" (made of '{resize.title or resize.shown_cls}' ({resize.shown_cls}, #{resize.id})'s resize, which "
            "keeps the picture's aspect: the picture is brought to the take's size either way)")


def factor_scale(b: Any, gen: str, into: str, k: float) -> bool:
    """The Scale on the way into generator ``gen``'s ``into`` (past a Frame Hold) made a plain factor ``k`` of the
    picture it is given, the factor for the generator only: the other nodes given what the Scale gave (a later pass's
    picture put in place again) given its picture (``b.factored``: the Scale, for those wired later); False where
    there is none."""
    node, way = gen, []
    for port in (into, "video", "video"):
        link = b.g.input_link(node, port)
        if link is None:
            return False
        node = link.src
        way.append(node)
        if b.g.node(node).type_id == "transform.scale":
            b.g.node(node).params.update(scale=k, width=0, height=0, fit="exact", multiple=1, crop="disabled",
                                         condition="always")
            b.__dict__.setdefault("factored", set()).add(node)
            before = b.g.input_link(node, "video")
            for link in [x for x in b.g.links if x.src in way and x.dst not in (gen, *way)]:
                b.g.disconnect(link.dst, link.dst_port)
                b.g.connect(before.src, before.src_port, link.dst, link.dst_port)
            return True
        if b.g.node(node).type_id != "edit.frame_hold":
            return False
    return False


def unfactored(b: Any, link: Any) -> tuple[str, str]:
    """(node, port) of the picture on ``link`` before a Scale factor_scale made for the generator's size (past its
    Frame Hold), else the link's own source: what a later pass is given."""
    node, port = link.src, link.src_port
    for _ in range(2):
        if node in getattr(b, "factored", ()):
            before = b.g.input_link(node, "video")
            return (before.src, before.src_port) if before is not None else (node, port)
        if b.g.node(node).type_id != "edit.frame_hold" or (up := b.g.input_link(node, "video")) is None:
            break
        node, port = up.src, up.src_port
    return link.src, link.src_port
