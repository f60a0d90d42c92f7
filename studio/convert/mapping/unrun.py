"""The nodes ComfyUI never runs: it runs a workflow's output nodes (a save, a preview, a shown text: the catalogue's
``output_node``) and what they read, through any number of nodes; an enabled node none of whose outputs reaches one
(an upscaler's model loader whose upscaler was deleted, a resize whose reader was unplugged, a decoded sound nothing
muxes) makes nothing when the workflow runs, so nothing of it is lost: each is said in one sentence naming what it
feeds. Said only in a workflow with an output node (one with none runs nothing at all), and a node of a type the
catalogue does not hold is taken for an output (it may be one), so nothing is said of what may run. Linear in the
workflow's size. Plain data and stdlib."""
from __future__ import annotations

from .. import catalogue
from ..reading.workflow import CNode, Workflow


def _output(n: CNode) -> bool:
    """An output node by its declared type, or a type the catalogue does not hold (it may be one)."""
    t = catalogue.node_type(n.shown_cls)
    return t is None or t.inputs is None or t.outputs is None or t.output_node


def _ran(wf: Workflow) -> set[str] | None:
    """The ids of the nodes ComfyUI may run (the enabled outputs and every node feeding them, through any node);
    None when the workflow has no output node a type says is one."""
    roots = [n for n in wf.nodes.values() if n.enabled and _output(n)]
    if not any(catalogue.node_type(n.shown_cls) is not None for n in roots):
        return None
    seen, todo = set(), [n.id for n in roots]
    while todo:
        i = todo.pop()
        if i in seen or i not in wf.nodes:
            continue
        seen.add(i)
        todo.extend(src for src, _ in wf.nodes[i].links.values() if src)
    return seen


def never_run(wf: Workflow, read: set[str], done: dict[str, str],
              readers: dict[str, list[tuple[CNode, str, int]]]) -> dict[str, str]:
    """The enabled nodes not read nor already said (``done``) that ComfyUI does not run, by id, each with its
    sentence."""
    ran = _ran(wf)
    if ran is None:
        return {}
    out: dict[str, str] = {}
    for n in wf.nodes.values():
        if n.id in ran or n.id in read or n.id in done or not n.enabled:
            continue
        rs = [(m, name) for m, name, _ in readers.get(n.id, ()) if m.enabled]
        feeds = (f"it feeds only '{rs[0][0].title or rs[0][0].shown_cls}' (#{rs[0][0].id})'s '{rs[0][1]}'"
                 + (f" and {len(rs) - 1} more input{'s' if len(rs) > 2 else ''}" if len(rs) > 1 else "")
                 + ", which reach no output either") if rs else "nothing reads what it gives"
        out[n.id] = (f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) reaches no output of the workflow ({feeds}):"
                     " ComfyUI does not run it, so nothing of it is lost")
    return out
