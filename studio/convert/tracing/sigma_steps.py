"""The steps between a sampler and the scheduler whose sigmas they change (LTX-Video's LTXVShiftSigmas: sigmas in, one
output of sigmas out, no steps of their own), told by their types; a splitter (two outputs) is none. Stdlib."""
from __future__ import annotations

from .. import catalogue
from ..families import registry as families
from ..reading.workflow import CNode, Workflow
from .roles import consumers, out_types


def sigma_steps(wf: Workflow, sig: CNode | None) -> tuple[CNode | None, list[CNode]]:
    """(the scheduler, the steps between it and the sampler): a node taking the sigmas and giving one output of
    them (LTXVShiftSigmas), no steps of its own, is followed to the scheduler it changes; a splitter (two outputs)
    is not."""
    between: list[CNode] = []
    while sig is not None and len(between) < 4 and sig.cls not in ("BasicScheduler", "ManualSigmas") \
            and sig.cls not in families.lookup("schedulers") and "steps" not in sig.widgets and "steps" not in sig.links:
        t = catalogue.node_type(sig.shown_cls)
        outs = list(t.output_types) if t is not None and t.outputs is not None else sig.out_types or (
            sorted(out_types(wf, sig)) if all(m.links[k][1] == 0 for m, k in consumers(wf).get(sig.id, ())) else [])
        up = wf.source(sig, "sigmas")
        if up is None or outs != ["SIGMAS"]:
            break
        between.append(sig)
        sig = up
    return sig, between
