"""A node ComfyUI uses only as a value Studio worked out where it is read, its other outputs going only to nodes
ComfyUI does not run (proxymine24). A loader giving its own 'enable' flag out beside its picture
(reading/own_values.py: LoadImageWithEnable's ENABLE), read by ComfyUI's Switch to pick its other side, whose picture
goes only to the guides on the side not picked (never run: unrun.py), was listed as not converted though nothing of it
is lost (isa's LTX-2.3 1080p: its mid and last frames off, a text to video). Said instead, naming the value and where
it is read, and what it gives the nodes not run. Likewise a model loader read only by schedulers Studio worked out
(their declared outputs sigmas and numbers: cmeka's WanMoEScheduler given a model of its own), its model sampling
nothing. Told by the links and the values worked out, no node's name; linear
in the workflow's size. Plain data and stdlib."""
from __future__ import annotations

from studio.core.shown import cut

from .. import catalogue
from ..reading.workflow import CNode, Workflow

WIDE = 3  # readers named in the sentence at most
SCHEDULE = frozenset({"SIGMAS", "INT", "FLOAT"})  # what a scheduler gives


def _name(m: CNode) -> str:
    return f"'{m.title or m.shown_cls}' (#{m.id})"


def _listed(pairs: list) -> str:
    head = ", ".join(f"{_name(m)}'s '{k}'" for m, k in pairs[:WIDE])
    more = len(pairs) - WIDE
    return head + (f" and {more} more input{'s' * (more > 1)}" if more > 0 else "")


def _schedule_model(m: CNode, k: str, read: set[str]) -> bool:
    """Whether ``m`` (read) takes a MODEL on ``k`` and gives only a schedule, by its declared types (SIGMAS, numbers:
    cmeka's WanMoEScheduler, ComfyUI's BasicScheduler)."""
    t = catalogue.node_type(m.origin or m.cls)
    if m.id not in read or t is None or t.inputs is None or not t.outputs:
        return False
    i = t.input(k)
    return i is not None and i.type == "MODEL" and "SIGMAS" in t.output_types and set(t.output_types) <= SCHEDULE


def passed(wf: Workflow, read: set[str], done: dict[str, str], readers: dict, idle: frozenset[str]) -> dict[str, str]:
    """The enabled nodes not read nor said (``done``) whose every enabled reader takes a value Studio worked out there
    (a reader Studio read) or is a node ComfyUI does not run (``idle``), one value read at least: by id, their
    sentence."""
    out: dict[str, str] = {}
    for n in wf.nodes.values():
        if not n.enabled or n.id in read or n.id in done or n.id in idle:
            continue
        rs = [(m, k) for m, k, _ in readers.get(n.id, ()) if m.enabled]
        unrun = [(m, k) for m, k in rs if m.id in idle]
        valued = [(m, k) for m, k in rs if m.id not in idle and m.id in read
                  and isinstance(wf.value(m, k), (bool, int, float, str))]
        if rs and all(_schedule_model(m, k, read) for m, k in rs):  # a model read only for its schedule
            out[n.id] = (f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) gives {_listed(rs)}, which "
                         f"make{'s' * (len(rs) == 1)} only a schedule (sigmas, steps, a shift) of it, worked out when "
                         "converting: the model it loads samples nothing, so it is not made and nothing of it is lost")
            continue
        if not valued or len(valued) + len(unrun) != len(rs):
            continue
        v = wf.value(*valued[0])
        gives = f"gives {_listed(valued)} {cut(repr(v), 60)}, read there"
        rest = f"; what else it gives goes only to {_listed(unrun)}, which ComfyUI does not run" if unrun else ""
        out[n.id] = f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) {gives}{rest}: nothing of it is lost"
    return out
