"""A loop's start (Easy-Use's forLoopStart, whileLoopStart...: told by its type, a node one of whose readers takes
it on an input declared FLOW_CONTROL, the loop's end) in a workflow of which Studio made nothing (passing.passed_over
asks only then): said in one sentence naming the loop's end and every input it feeds, the loop not made (Studio runs
no loops; one whose passes continue a take is unrolled into its segments before: packs/loops_unrolled.py). Where
Studio made something, a start stays listed (a body made once is not the loop). Linear in the workflow's size. Plain data and stdlib."""
from __future__ import annotations

from .. import catalogue
from ..reading.workflow import CNode, Workflow

FLOW = "FLOW_CONTROL"
SHOWN_READERS = 4


def _flow_input(r: CNode, name: str) -> bool:
    t = catalogue.node_type(r.shown_cls)
    i = t.input(name) if t is not None else None
    return (i.type if i is not None else r.in_types.get(name, "")) == FLOW


def loop_starts(wf: Workflow, read: set[str], out: dict[str, str],
                readers: dict[str, list[tuple[CNode, str, int]]]) -> dict[str, str]:
    """The loop starts not in ``read`` nor ``out``, by id, each with its sentence (asked where Studio made nothing)."""
    said = {}
    for n in wf.nodes.values():
        rs = [r for r in readers.get(n.id, []) if r[0].enabled]
        if n.id in read or n.id in out or not n.enabled:
            continue
        end = next((r for r, name, _ in rs if _flow_input(r, name)), None)
        if end is None:
            continue
        total = wf.value(n, "total")
        times = f" {total} times" if isinstance(total, int) and not isinstance(total, bool) else (
            " as many times as its 'total' is given" if "total" in n.links else "")
        fed = [f"'{r.title or r.shown_cls}' ({r.shown_cls}, node {r.id})'s '{name}'" for r, name, _ in rs
               if r is not end]
        gives = (f"; it gives {', '.join(fed[:SHOWN_READERS])}{f' and {len(fed) - SHOWN_READERS} more' if len(fed) > SHOWN_READERS else ''}"
                 " the loop's values, not made either") if fed else ""
        said[n.id] = (f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) begins a loop ComfyUI runs{times}, up to "
                      f"'{end.title or end.shown_cls}' ({end.shown_cls}, node {end.id})'s 'flow': Studio runs no loops, "
                      f"so the loop is not made{gives}")
    return said
