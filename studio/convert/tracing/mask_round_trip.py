"""A MASK made a picture and taken back by one colour channel on a file's way (ComfyUI's MaskToImage, a resize, then
ImageToMask 'red'; 102/02's speakers' masks): the same mask, so neither node is a step the file is wired without. Told
by declared types: the picture maker takes one MASK and gives one IMAGE with no setting; the taker takes one IMAGE and
gives one MASK with only a 'channel' setting, here 'red', 'green' or 'blue' (the picture holds the mask in each of the
three; MaskToImage writes no alpha). The resizes and repeats between (each channel alike) are left to their own
reading. Plain data over the catalogue."""
from __future__ import annotations

from .. import catalogue
from ..reading.workflow import CNode, Workflow
from .resizes import is_resize

COLOURS = ("red", "green", "blue")


def _typed(n: CNode):
    t = catalogue.node_type(n.shown_cls) or catalogue.node_type(n.cls)
    return t if t is not None and t.inputs is not None and len(t.sockets) == 1 and len(t.output_types or ()) == 1 \
        else None


def _to_picture(n: CNode) -> bool:
    t = _typed(n)
    return t is not None and t.sockets[0].type == "MASK" and t.output_types[0] == "IMAGE" and not t.widgets


def picked(wf: Workflow, n: CNode) -> str | None:
    """The colour channel ``n`` takes a picture's MASK from (ImageToMask 'red', told by its declared types: one IMAGE
    in, one MASK out, a 'channel' its only setting); None for any other node or channel."""
    t = _typed(n)
    if t is None or t.sockets[0].type != "IMAGE" or t.output_types[0] != "MASK" or \
            {i.name for i in t.widgets} != {"channel"}:
        return None
    ch = wf.value(n, "channel")
    ch = ch if ch is not None else (t.input("channel").default if t.input("channel") is not None else None)
    return ch if ch in COLOURS else None


def _between(n: CNode) -> bool:
    """A resize (resizes.is_resize) or the one picture repeated ('amount' alone: RepeatImageBatch), pictures in and
    out by one socket: each channel alike, each left to its own reading."""
    t = _typed(n)
    return t is not None and t.sockets[0].type == "IMAGE" and t.output_types[0] == "IMAGE" and \
        (is_resize(n) or {i.name for i in t.widgets} == {"amount"})


def carried(wf: Workflow, walked: list[CNode]) -> set[str]:
    """The ids of the nodes in ``walked`` (a file's way, nearest the input first) that make a MASK a picture and take
    it back by a colour channel: each such pair, with resizes and repeats alone between them."""
    out: set[str] = set()
    for i, n in enumerate(walked):
        if picked(wf, n) is None:
            continue
        for m in walked[i + 1:]:
            if _to_picture(m):
                out |= {n.id, m.id}
                break
            if not _between(m):
                break
    return out
