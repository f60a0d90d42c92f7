"""What a loop makes in ComfyUI, in words, where Studio does not unroll it into segments (packs/loops_unrolled.py):
each pass's nodes that make or write pictures, sound or a latent (told by their declared outputs, or as output nodes),
and where what the loop's end gives goes. Added to the loop's one sentence so that it names what is not made, never
a loop read as one segment in silence. Plain data and stdlib."""
from __future__ import annotations

from .. import catalogue
from ..reading.workflow import CNode, Workflow
from ..tracing.roles import consumers, role

FLOW = "FLOW_CONTROL"
VALUES = ("INT", "FLOAT", "STRING", "BOOLEAN", "NUMBER", FLOW, "*", "")
SHOWN = 4


def _name(n: CNode) -> str:
    return f"'{n.title or n.shown_cls}' ({n.shown_cls}, node {n.id})"


def _makes(n: CNode) -> bool:
    """``n`` makes or writes something other than values: a declared output of another type, or an output node."""
    t = catalogue.node_type(n.shown_cls)
    outs = [o.type for o in t.outputs] if t is not None and t.outputs else list(n.out_types)
    return any(o not in VALUES for o in outs) or (t is not None and bool(t.output_node))


def _writes(n: CNode) -> bool:
    t = catalogue.node_type(n.shown_cls)
    return t is not None and bool(t.output_node)


def _listed(names: list[str]) -> str:
    shown = names[:SHOWN]
    more = f" and {len(names) - SHOWN} more" if len(names) > SHOWN else ""
    return ", ".join(shown) + more


def pass_words(wf: Workflow, end: CNode, body: list[CNode], side: list[CNode]) -> str:
    """'; in ComfyUI each pass runs ..., and what its end gives ... goes to ...' ('' where nothing of the kind is
    known). ``side``: what the start's values reach beside the body (run once, not each pass: not named)."""
    ids = {n.id for n in body}  # (ComfyUI repeats the nodes between start and end: what reaches the end)
    found = [n for n in wf.nodes.values() if n.id in ids and n.enabled and _makes(n)]
    rank = {"sampler": 0, "decoder": 2}  # the samplers first, then what writes or shows, then the rest
    found.sort(key=lambda n: rank.get(role(wf, n), 1 if _writes(n) else 3))
    made = [_name(n) for n in found]
    readers = sorted({f"{_name(m)}'s '{k}'" for m, k in consumers(wf).get(end.id, ()) if m.enabled and m.id not in ids})
    words = f"; in ComfyUI each pass runs {_listed(made)}" if made else ""
    if readers:
        words += (", and" if words else "; in ComfyUI") + f" what {_name(end)} gives after the last pass goes to " \
            f"{_listed(readers)}"
    return words
