"""A node laying the frames it is given first in a batch of frames of its own length, on the way from a take's
decoded frames to the next take's start image (issue 112 item 4, svi9: Stable Video Infinity's segments on Wan 2.1
I2V through WanVideoWrapper give each segment the last frame of the frames made so far through
WanVideoVACEStartToEndFrame, its 'start_image' laid first, the rest of its 81 frames the pictures of its
'control_images' (the start picture repeated), with the mask it gives of which frames are laid). Studio's generator
starts from one picture: the frame laid first is its start image (Frame Hold), and the other frames ComfyUI's encoder
is given (the pictures padding the rest, the mask) are said, not given.

Told by the types the node's pack declares (the catalogue): IMAGE out first and a MASK out (the frames and which of
them are laid), one wired IMAGE socket named a start ('start_image', 'start_images') the frames come through, no
wired IMAGE socket named an end (a first-to-last-frame take: two pictures, not one continued take). Plain data and
stdlib."""
from __future__ import annotations

from typing import Any

from .. import catalogue
from ..reading.workflow import CNode, Workflow


def _type(n: CNode) -> Any:
    return catalogue.node_type(n.origin or n.cls)


def start_socket(n: CNode) -> str | None:
    """The wired IMAGE socket whose frames node ``n`` lays first in its batch; None for another node."""
    t = _type(n)
    if t is None or t.inputs is None or not t.outputs or t.outputs[0].type != "IMAGE":
        return None
    if not any(o.type == "MASK" for o in t.outputs):
        return None
    images = [i.name for i in t.sockets if i.type == "IMAGE" and i.name in n.links]
    starts = [x for x in images if x.lower().startswith("start")]
    if len(starts) != 1 or any(x.lower().startswith("end") for x in images):
        return None
    return starts[0]


def others(n: CNode) -> list[str]:
    """The node's other wired IMAGE sockets (what pads the rest of its frames), in declared order."""
    t = _type(n)
    start = start_socket(n)
    return [i.name for i in t.sockets if i.type == "IMAGE" and i.name in n.links and i.name != start] \
        if t is not None and start is not None else []


def padding(wf: Workflow, n: CNode) -> str:
    """What pads the rest of the node's frames, in words: "the pictures its 'control_images' is given
    ('RepeatImageBatch', #183)", else its empty frames."""
    said = []
    for name in others(n):
        src = wf.nodes.get(n.links[name][0])
        by = f" ('{src.title or src.shown_cls}', #{src.id})" if src is not None else ""
        said.append(f"the pictures its '{name}' is given{by}")
    return " and ".join(said) if said else "its empty frames"


def mask_reader(wf: Workflow, placed: CNode | None) -> CNode | None:
    """The node reading the mask a node laying frames first gives (its outputs after the frames), where one does and
    what it gives is read in the file (SVI's InvertMask into the encoder's temporal mask)."""
    if placed is None:
        return None
    return next((n for n in wf.nodes.values() if n.id in wf.fed and any(
        src == placed.id and slot > 0 for src, slot in n.links.values())), None)


def said(placed: CNode, into: CNode, rest: str, mask: CNode | None) -> str:
    """What a take continued through ``placed`` into its task node ``into`` is not given: the batch's other frames
    (``rest``: what pads them, in words) and the mask read by ``mask``."""
    length = placed.widgets.get("num_frames")
    size = f" of {length} frames" if isinstance(length, int) and not isinstance(length, bool) and \
        "num_frames" not in placed.links else ""
    tail = f"; its mask of the frames laid, read by {mask.shown_cls} (#{mask.id}), is not given either" \
        if mask is not None else ""
    return (f"ComfyUI's {placed.shown_cls} (#{placed.id}) lays the frames picked first in a batch{size}, the rest "
            f"{rest}, and {into.shown_cls} (#{into.id}) is given that batch: Studio's generator starts from the picked "
            f"frame alone, the other frames of the batch are not given{tail}")


def pass_mask(b: Any, placed: CNode | None, into: CNode, mask: CNode | None) -> None:
    """The node reading the mask of the frames ``placed`` lays (``mask``) passed over with its sentence on builder
    ``b`` (the take starts from the picked frame alone): named once, not listed as not converted."""
    if placed is None or mask is None or mask.id in b.over:
        return
    b.over[mask.id] = (f"'{mask.title or mask.shown_cls}' ({mask.shown_cls}, #{mask.id}) reads the mask of the frames "
                       f"{placed.shown_cls} (#{placed.id}) lays first (the batch {into.shown_cls} (#{into.id}) is given):"
                       " not applied, Studio's generator starts from the picked frame alone")
