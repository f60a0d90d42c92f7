"""What a node on the way from a take's decoded frames to the next take's start image (or clip to extend) does to
those frames, read by the types its pack declares (the catalogue) where they tell it, by name where they cannot
(takes.extend keeps those lists): a frame pick (one IMAGE socket, IMAGE out, whole-number widgets only: one naming
the first frame, '...index' or 'start...', at most one more naming how many, 'length' / 'num_frames' / 'count'),
an operation on the pictures passed through (one IMAGE socket: a resize, which Studio's generator does to its own
size, or another, said not applied), a match to a reference picture (two IMAGE sockets, one named a reference:
said not applied), and which of a batch's parts a pick's frames lie in. Plain data and stdlib."""
from __future__ import annotations

from typing import Any

from .. import catalogue
from ..reading import measured
from ..reading.workflow import CNode, Workflow
from ..tracing.resizes import is_resize
from ..tracing.tasks import task_node

COUNTS = ("length", "num_frames", "count", "frame_count", "num")  # a pick's widget saying how many frames it takes


def _type(n: CNode) -> Any:
    return catalogue.node_type(n.origin or n.cls)


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def pick_widgets(n: CNode) -> tuple[str, str] | None:
    """(the widget naming the first frame, the one naming how many: '' for none) of a frame pick told by its types;
    None for another node (or one not catalogued)."""
    t = _type(n)
    if t is None or t.inputs is None or not t.outputs or t.output_types[0] != "IMAGE":
        return None
    if [i.type for i in t.sockets if i.type == "IMAGE"] != ["IMAGE"] or any(w.type != "INT" for w in t.widgets):
        return None
    at = [w.name for w in t.widgets if "index" in w.name or w.name.startswith("start")]
    count = [w.name for w in t.widgets if w.name in COUNTS]
    if len(at) != 1 or len(count) > 1 or len(t.widgets) != 1 + len(count):
        return None
    return at[0], count[0] if count else ""


def lowest(n: CNode, widget: str) -> Any:
    """The declared lowest value of ``widget`` (KJNodes' start_index -1: its last frames); None when not known."""
    t = _type(n)
    i = t.input(widget) if t is not None else None
    return i.min if i is not None and _is_int(i.min) else None


def highest(n: CNode, widget: str) -> Any:
    """The declared highest value of ``widget`` (ImageFromBatch's batch_index 4095: past any take's end, its last
    frame); None when not known."""
    t = _type(n)
    i = t.input(widget) if t is not None else None
    return i.max if i is not None and _is_int(i.max) else None


def image_socket(n: CNode, slot: int) -> str | None:
    """The one IMAGE socket of a catalogued node whose output ``slot`` is an IMAGE (what it gives is made of what
    that socket takes), wired; None for another node."""
    t = _type(n)
    if t is None or t.inputs is None or t.outputs is None or not 0 <= slot < len(t.outputs):
        return None
    images = [i.name for i in t.sockets if i.type == "IMAGE"]
    if len(images) > 1:  # the one given, where the others are optional and not wired (KJNodes' ImageResizeKJ's
        images = [x for x in images if x in n.links]  # 'get_image_size', a size to match: heldout28 13)
    if t.outputs[slot].type != "IMAGE" or len(images) != 1 or images[0] not in n.links:
        return None
    return images[0]


def passed_through(n: CNode, slot: int) -> tuple[str, bool] | None:
    """(the input the frames come through, whether the node changes them in a way Studio does not make: True, said)
    of an operation on pictures between a take and the next one's start: a resize (Studio's generator resizes its
    start image to its own size), any other one-picture operation (a colour, a crop, an upscale); None for another."""
    name = image_socket(n, slot)
    if name is None:
        return None
    if measured.passes_picture(n):  # a node measuring its picture and giving it on as it is (KJNodes'
        return name, False  # GetImageSizeAndCount: svi9, SVI's segments measure each take's frames on the way)
    t = _type(n)
    widgets = {w.name for w in t.widgets}
    learned = any(i.type.upper().endswith("MODEL") for i in t.sockets)  # an upscale by a model (heldout37 06: a 4x
    # model upscale of the next take's start frame was read as a resize, named nowhere): it changes them, said
    return name, learned or not (is_resize(n) or {"width", "height"} <= widgets or "scale_by" in widgets)


def matched_through(n: CNode) -> tuple[str, str] | None:
    """(the input the frames come through, the reference picture's input) of a node matching them to a reference
    picture told by its types: two IMAGE sockets, one named a reference ('image_ref', 'reference'), IMAGE out."""
    t = _type(n)
    if t is None or t.inputs is None or not t.outputs or t.output_types[0] != "IMAGE":
        return None
    images = [i.name for i in t.sockets if i.type == "IMAGE"]
    refs = [x for x in images if "ref" in x.lower()]
    if len(images) != 2 or len(refs) != 1:
        return None
    other = next(x for x in images if x != refs[0])
    return (other, refs[0]) if other in n.links else None


def _natural(name: str) -> tuple:
    head = name.rstrip("0123456789")
    return head, int(name[len(head):]) if name != head else -1


def batch_parts(n: CNode) -> list[str]:
    """A batch's wired IMAGE inputs, in the order it joins their frames (its sockets by their numbers)."""
    t = _type(n)
    names = [i.name for i in t.sockets if i.type == "IMAGE"] if t is not None and t.inputs is not None else \
        [k for k in n.links if k.startswith("image")]
    return [k for k in sorted(names, key=_natural) if k in n.links]


def take_frames(wf: Workflow, decoder: CNode, sampler: CNode | None, trimmed: bool) -> int | None:
    """The frames a take's decoder gives: its task node's 'length' (a video length ComfyUI keeps: 4k+1); None where
    not known (or a latent trimmed on the way)."""
    if sampler is None or trimmed:
        return None
    node, _ = task_node(wf, sampler, [])
    n = wf.value(node, "length") if node is not None else None
    return n if _is_int(n) and n > 0 and (n - 1) % 4 == 0 else None
