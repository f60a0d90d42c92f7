"""How long a whole graph's run should take before it runs, from its nodes' own estimates (``Node.estimate``: a
generator's load, encode, steps and decode, from this machine's measured runs), as the window says them on the
nodes. The job queue's estimate of a job (studio/queue/foreseen.py); plain Python, headers only."""
from __future__ import annotations

from studio.core.errors import StudioError


def graph_seconds(graph) -> float | None:
    """The seconds the nodes that time themselves say, added up (each one's load counted: a queued job's model is
    loaded unless held); None where none says seconds (nothing measured here yet, no such node, or its module not
    imported yet: the window's engine loader imports them off the GUI thread, where this may be asked)."""
    from .foresight import facts_upstream, inputs_of
    from .plan import compile_plan
    plan = compile_plan(graph, check_only=True, confine_outputs=False)
    timed = [st for st in plan.steps if st.node.spec is not None and st.node.spec.estimates
             and st.node.mode == "normal" and getattr(st.node.spec, "loaded", True)]  # never an import here
    if not timed:
        return None
    facts = facts_upstream(plan, plan.base_dir, timed)
    total, said_any = 0.0, False
    for st in timed:
        try:
            said = st.node.spec.cls.estimate(st.params, plan.base_dir, inputs_of(st, facts))
        except (StudioError, OSError, ValueError):
            said = None
        seconds = getattr(said, "seconds", None)
        if seconds is not None:
            total, said_any = total + float(seconds), True
    return total if said_any else None
