"""A core ComfyUI step on a generated take's way to its save that Studio makes on a loaded clip's way too (finishing
/core.py's OPS: a node given the take on one input, giving the changed pictures on its first output: ImageCrop as
Studio's Crop, ImageInvert as Invert) made after the generator too, with the settings the table reads, and said naming
the save. heldout111 04 / 05 (a MiniMax H3 take upscaled, resized to 1920x1088, then cut to 1920x1080 by ImageCrop)
wrote the take uncut ("which Studio does not convert"). One step on one take is made once (a second save after it is
wired from the node the first made, as ComfyUI runs it once). Functions on a builder ``b`` of mapping.convert."""
from __future__ import annotations

from ..reading.workflow import CNode
from .core import OPS
from .utility import wired_node

MADE = "_core_steps_made"  # the builder's own record: (ComfyUI node id, the take's wire) -> the Studio node's wire


def made(b, n: CNode, src: tuple[str, str], said: list[str], out: str) -> tuple[str, str] | None:
    """Studio's node for core step ``n`` after the take ``src``, before the save ``out`` (in words) writes it; None
    where ``n``'s type is no one-input step of the table (a join, a loader, a save), a resize (finish.after_take reads
    those by their size: one not worked out is said) or its settings are not read."""
    op = OPS.get(n.cls)
    if op is None or op.studio in (None, "transform.scale") or not n.enabled or \
            list(op.inputs.values()) != ["video"] or op.outputs.get(0) != "video" or not set(n.links) <= set(op.inputs):
        return None
    done: dict = vars(b).setdefault(MADE, {})
    if (n.id, src) in done:
        return done[n.id, src]
    params = op.params(b.wf, n)
    if params is None:
        return None
    wire = (wired_node(b, op.studio, params, n, (*src, "video")), "video")
    b.used.add(n.id)
    done[n.id, src] = wire
    title = b.g.nodes[wire[0]].spec.title
    said.append(f"{out} writes the take after '{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}): Studio's {title} "
                "after the generator, with its settings")
    return wire
