"""What validation can tell of a node from what is wired into it, before anything runs: each node
that advises (``Node.advise``) is given the facts foreseen for its wired inputs (``Node.foresee``
of the nodes upstream: a model's family from its files' headers, a clip's frame count from its
container), and says what it will not do as asked (a mode the model cannot make, a port it cannot
use, frames that will be dropped). Errors refuse the run; warnings and information are told at its
start, as the plan's notes. Cheap: headers, nothing decoded (a small upscaler is read once to know its scale:
Upscale Video's foresee). Plain Python."""
from __future__ import annotations

from typing import Any

from studio.core.errors import StudioError
from studio.core.spec import FRAME, Node

LEVELS = ("error", "warning", "info")
CLIP_TYPES = ("Video", "Mask")


def _advises(cls) -> bool:
    return cls is not None and cls.advise.__func__ is not Node.advise.__func__


def inputs_of(st, facts: dict[str, dict]) -> dict[str, dict]:
    """The facts foreseen for each wired input of step ``st`` ({} where none are known)."""
    out = {}
    for port, link in st.inputs.items():
        if link is not None:
            src, sport = link
            out[port] = dict(facts.get(src, {}).get(sport, {}))
    return out


def own_facts(st, base_dir: str | None, inputs: dict[str, dict]) -> dict[str, dict]:
    """What step ``st``'s node foresees of its outputs (``Node.foresee``), {} where it cannot: the run (or
    preflight) says why (a value of the wrong type too: a graph or a request from elsewhere)."""
    try:
        return dict(st.node.spec.cls.foresee(st.params, base_dir, inputs) or {})
    except (StudioError, OSError, ValueError, TypeError):
        return {}


def _foreseen(st, base_dir: str | None, inputs: dict[str, dict]) -> dict[str, dict]:
    spec = st.node.spec
    out = own_facts(st, base_dir, inputs)
    if not out and spec.timing == FRAME:  # frame by frame: its first clip input's length
        first = next((inputs[i.name] for i in spec.inputs if i.type in CLIP_TYPES and "frames" in inputs.get(i.name, {})),
                     None)
        if first is not None:
            out = {o.name: {"frames": first["frames"]} for o in spec.outputs if o.type in CLIP_TYPES}
    return out


def _facts(plan, base_dir: str | None, steps: list) -> dict[str, dict[str, dict]]:
    """The facts foreseen for every node upstream of ``steps``, by node id."""
    need: set[str] = set()
    for st in steps:
        need |= plan.graph.upstream(st.node.id)
    facts: dict[str, dict[str, dict]] = {}
    for st in plan.steps:  # in order: a node's inputs are foreseen before it
        if st.node.id in need and st.node.spec is not None:
            facts[st.node.id] = _foreseen(st, base_dir, inputs_of(st, facts))
    return facts


def facts_upstream(plan, base_dir: str | None, steps: list) -> dict[str, dict[str, dict]]:
    """The facts foreseen for every node upstream of ``steps`` (graph_time.py times a whole graph with them)."""
    return _facts(plan, base_dir, steps)


def estimate(plan, base_dir: str | None, node_id: str) -> str | None:
    """Node ``node_id``'s time before a run, in words (``Node.estimate``), from what is wired into it."""
    st = next((s for s in plan.steps if s.node.id == node_id), None)
    if st is None or st.node.spec is None or not st.node.spec.estimates:  # the manifest says: no import here
        return None
    if not getattr(st.node.spec, "loaded", True):  # its module not imported yet: the window's engine loader does
        return None  # that off the GUI thread, and asks again once it has (studio/ui/window/edit_checks.py)
    try:
        return st.node.spec.cls.estimate(st.params, base_dir, inputs_of(st, _facts(plan, base_dir, [st])))
    except (StudioError, OSError, ValueError):  # not foreseen: the run says why
        return None


def advice(plan, base_dir: str | None) -> list[tuple[Any, str, str]]:
    """(node, level, words) said by every node of ``plan`` that advises, in the plan's order."""
    advisers = [st for st in plan.steps if st.node.spec is not None and st.node.spec.preflight
                and _advises(st.node.spec.cls)]
    if not advisers:
        return []
    facts = _facts(plan, base_dir, advisers)
    out = []
    for st in advisers:
        try:
            said = st.node.spec.cls.advise(st.params, base_dir, inputs_of(st, facts)) or []
        except StudioError as e:
            said = [("error", str(e))]
        out += [(st.node, level if level in LEVELS else "info", text) for level, text in said]
    return out
