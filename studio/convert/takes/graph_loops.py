"""A workflow that repeats part of its graph in a loop (Easy-Use's forLoopStart / forLoopEnd, whileLoopStart /
whileLoopEnd: nodes linked by a FLOW_CONTROL socket, told by their types): ComfyUI runs the nodes between start and end
once a pass, Studio's graph makes them once. An output whose nodes include such a loop is said so, with the loop's
passes where its 'total' is read: its take is one pass of the loop, never the long video in silence (only where the
loop's body holds the output's samplers).

Plain data and stdlib."""
from __future__ import annotations

from ..reading.workflow import CNode, Workflow
from ..tracing.walks import upstream

FLOW = "FLOW_CONTROL"  # the socket type a loop's start gives its end


def _starts(up: list[CNode]) -> list[CNode]:
    return [n for n in up if n.enabled and FLOW in n.out_types and FLOW not in n.in_types.values()]


def loops_said(wf: Workflow, up: list[CNode], key: frozenset, said: list[str]) -> None:
    """One sentence in ``said`` for each loop among ``up`` (the nodes an output is made from) whose body holds one of
    the output's samplers ``key`` (the loop's start feeds it, it feeds the loop's end): a loop that only makes an
    input before the samplers, or works on the take after them, is not a pass of the take."""
    ends = [n for n in up if n.enabled and n.in_types.get("flow") == FLOW]
    for start in _starts(up):
        end = next((e for e in ends if e.links.get("flow", ("",))[0] == start.id), None)
        if end is None:
            continue
        before_end = {n.id for n in upstream(wf, end)}
        if not any(s in before_end and start.id in {n.id for n in upstream(wf, wf.nodes[s])}
                   for s in key if s in wf.nodes):
            continue
        total = wf.value(start, "total")
        passes = f"{total} times" if isinstance(total, int) and not isinstance(total, bool) else \
            "as many times as it is told when the workflow runs"
        said.append(f"'{start.title or start.shown_cls}' ({start.shown_cls}, #{start.id}) repeats the nodes between it "
                    + f"and '{end.title or end.shown_cls}' ({end.shown_cls}, #{end.id}) "
                    + f"{passes} in ComfyUI (a pass each); Studio's graph makes them once: this "
                    "output's take is one pass of the loop (add a generator for each further pass and join them "
                    "with Concatenate)")
