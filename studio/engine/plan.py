"""Compile a graph into the plan of a run: flatten groups, drop muted nodes (and what needs
them), turn bypassed nodes into typed pass-throughs, compile reroutes away, validate, order the
steps (output nodes' branches first) and sign each step for the caches. Nothing runs here:
:meth:`studio.engine.executor.Executor.run` runs a plan.

A plan is made once and handed on: the command line compiles a render once and runs that plan;
a chunked render's parent reads its analysis, runs its whole-clip nodes and builds its clip from
it (:meth:`Plan.only` takes the part a target needs)."""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from studio.core.confine import filter_exts, with_extension
from studio.core.errors import GraphError, MissingInputError, StudioError, UnknownNodeTypeError
from studio.core.flatten import flatten
from studio.core.graph import Graph, NodeInstance
from studio.core.params import Path as PathParam
from studio.core.params import Seed
from studio.core.project import resolve as resolve_path
from studio.core.project import resolve_output
from studio.core.types import get_type

from .context import derive_seed
from .device import check_device, plan_device
from .signatures import signed


@dataclass
class Step:
    node: NodeInstance
    inputs: dict[str, tuple[str, str] | None]  # port -> (source node id, source port) or None
    signature: str = ""
    device: Any = None
    seed: int = 0
    params: dict[str, Any] = field(default_factory=dict)  # relative input paths resolved
    stable: bool = False  # its signature means the same in another process (signatures.signed)
    files: list[str] | None = None  # fingerprints of the files its node's signature_files names, once read


@dataclass
class Plan:
    steps: list[Step]
    skipped: dict[str, str]  # node id -> why
    device: str  # the device's name ("cpu", "cuda"); "auto" in a plan compiled with check_only
    graph: Graph  # flattened: groups expanded (inner ids "group/inner")
    left_out: dict[str, str] = field(default_factory=dict)  # side target -> why it cannot run
    # (node id, title, text) or (node id, title, text, level "info" / "warning"), told at the start
    notes: list[tuple[str, ...]] = field(default_factory=list)
    source: Graph | None = None  # the graph as it was given (what nodes see as ctx.options["graph"])
    base_dir: str | None = None  # the graph file's folder: relative paths were resolved against it
    wanted: frozenset = frozenset()  # the nodes asked for (flattened ids): targets, outputs, side targets

    def only(self, ids: Iterable[str]) -> "Plan":
        """The part of this plan that the nodes ``ids`` (flattened ids) need: their steps and
        those upstream, the skipped nodes and notes among them; the same steps, signatures and
        seeds as a compile of those targets."""
        g = self.graph
        keep: set[str] = set()
        for t in ids:
            keep |= {t} | g.upstream(t)
        return dataclasses.replace(
            self, steps=[s for s in self.steps if s.node.id in keep],
            skipped={k: v for k, v in self.skipped.items() if k in keep},
            left_out={k: v for k, v in self.left_out.items() if k in keep},
            notes=[n for n in self.notes if n[0] in keep])


def resolve_paths(n: NodeInstance, base_dir: str | None) -> dict[str, Any]:
    """A node's parameters with every relative path (files it reads and files it writes,
    checkpoints included) made absolute against the graph file's folder, so a graph, its media
    and its outputs travel together whatever folder the app was started from. A graph never
    saved resolves against the project folder (studio.core.project.project_dir), and so do the
    outputs of a graph shipped in the install (studio.core.project.output_base).
    An output path without an extension its format knows gets one added (never dropped:
    studio.core.confine.with_extension)."""
    params = dict(n.params)
    for p in n.spec.params:
        v = params.get(p.name)
        if isinstance(p, PathParam) and v and not p.lookup:
            if p.mode == "save":
                v = with_extension(v, p.filters)
            writes = p.mode == "save" or (p.mode == "dir" and n.spec.is_output)
            params[p.name] = (resolve_output if writes else resolve_path)(v, base_dir)
    return params


def writes_files(n: NodeInstance) -> bool:
    """An output node that writes a file or folder (Save Video, Save Image Sequence...)."""
    return bool(n.spec is not None and n.spec.is_output
                and any(isinstance(p, PathParam) and p.mode in ("save", "dir") for p in n.spec.params))


def old_outputs(n: NodeInstance, base_dir: str | None) -> list[str]:
    """Files already at a skipped output node's save paths: they were NOT updated by this run."""
    if n.spec is None:
        return []
    params = resolve_paths(n, base_dir)
    return [os.path.abspath(params[p.name]) for p in n.spec.params
            if isinstance(p, PathParam) and p.mode == "save" and params.get(p.name)
            and os.path.isfile(params[p.name])]


# -- compile ------------------------------------------------------------------------------------
def resolve_source(g: Graph, linked: dict, node_id: str, port: str) -> tuple[str, str] | None:
    """Follow bypassed nodes and reroutes back to a real producer (a loop, not a recursion: a
    long bypassed chain must not reach the recursion limit). ``linked``: ``g.input_index()``."""
    for _ in range(len(g.nodes) + 1):
        n = g.nodes[node_id]
        if n.mode == "mute":
            return None
        reroute = n.type_id == "studio.reroute"
        if not (n.mode == "bypass" or reroute):
            return (node_id, port)
        out_t = None if reroute else n.spec.output(port).type
        nxt = None
        for p in n.spec.inputs:
            if reroute or get_type(p.type).accepts(get_type(out_t)) or p.type == out_t:
                nxt = linked.get((n.id, p.name))
                if nxt is not None:
                    break
        if nxt is None:
            return None
        node_id, port = nxt.src, nxt.src_port
    raise GraphError("bypass chain loops", node_id=node_id)


def expand(g: Graph, ids: Iterable[str]) -> set[str]:
    """Node ids of the flattened graph ``g``; a group id stands for its inner nodes."""
    out = set()
    for t in ids:
        if t in g.nodes:
            out.add(t)
        else:  # a group id: its inner nodes
            out.update(n for n in g.nodes if n.startswith(t + "/"))
    return out


@dataclass
class _Compiling:
    """What :func:`plan_node` reads and fills while a plan is compiled."""
    g: Graph
    linked: dict
    wanted: set[str]
    get_device: Callable[[str], Any]
    device: Any
    seed: int
    base_dir: str | None
    check_only: bool
    steps: list[Step] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    by_id: dict[str, Step] = field(default_factory=dict)
    causes: dict[str, str] = field(default_factory=dict)  # skipped node -> the first cause


def plan_node(c: _Compiling, nid: str) -> None:
    """The step of node ``nid`` (or why it is skipped); raises when it cannot run."""
    g = c.g
    n = g.nodes[nid]
    if n.spec is None:
        raise UnknownNodeTypeError(n.type_id, nid)
    if n.mode == "mute":
        c.skipped[nid] = "muted"
        c.causes[nid] = f"'{n.label}' is muted"
        return
    if n.mode == "bypass" or n.type_id == "studio.reroute":
        if n.mode == "bypass" and nid in c.wanted and writes_files(n):
            c.skipped[nid] = "it is bypassed, so it passes its input on and writes nothing"
        return
    inputs: dict[str, tuple[str, str] | None] = {}
    skip_reason = cause = None
    for p in n.spec.inputs:
        link = c.linked.get((nid, p.name))
        src = resolve_source(g, c.linked, link.src, link.src_port) if link is not None else None
        if src is not None and src[0] in c.skipped:
            # name the first cause, not the whole chain: a skipped chain of 10,000 nodes
            # must not make reasons 10,000 reasons long
            why = f"'{g.nodes[src[0]].label}', which was skipped because {c.causes[src[0]]}"
            first = c.causes[src[0]]
            src = None
        elif src is None and link is not None:
            up = g.nodes[link.src]
            state = ("is muted" if up.mode == "mute" else
                     "is bypassed and has nothing to pass on (no connected input of its output's "
                     "type, or a muted node before it)" if up.mode == "bypass" else
                     "is fed by nothing (a muted or bypassed node before it)")
            why, first = f"'{up.label}', which {state}", f"'{up.label}' {state}"
        if src is None and not p.optional:
            if link is None:
                raise MissingInputError(nid, p.name, n.label)
            skip_reason = f"input '{p.name}' comes from {why}"
            cause = first
        inputs[p.name] = src
    if skip_reason:
        c.skipped[nid] = skip_reason
        c.causes[nid] = cause
        return
    try:
        node_dev = c.get_device(n.device) if n.device and n.device != "auto" else c.device
    except StudioError as e:
        raise GraphError(f"node '{n.label}' ({nid}): {e}", node_id=nid) from None
    seed_param = next((n.params[p.name] for p in n.spec.params if isinstance(p, Seed)), 0)
    # seeded by its own id, not its flattened path ("group/inner"): grouping nodes changes neither
    # their random numbers nor their cache keys
    st = Step(n, inputs, device=node_dev, seed=derive_seed(c.seed, nid.rsplit("/", 1)[-1], seed_param),
              params=resolve_paths(n, c.base_dir))
    if not c.check_only and getattr(n.spec.cls, "spans_downstream", False):  # a voice read for the takes it
        from .voice_budget import VOICE_SPAN, seconds_read_downstream   # drives, no longer (its key holds it)
        span = seconds_read_downstream(g, nid)
        if span is not None:
            st.params[VOICE_SPAN] = round(span, 6)
    if not c.check_only:
        st.signature, st.stable = signed(st, c.by_id, c.base_dir)
    c.by_id[nid] = st
    c.steps.append(st)


def compile_plan(graph: Graph, targets: list[str] | None = None, device: str | None = None,
                 seed: int | None = None, check_only: bool = False,
                 side_targets: list[str] | None = None, lazy_devices: bool = False,
                 confine_outputs: bool = True) -> Plan:
    """The plan of a run. ``check_only`` (validate) makes every check a run makes but
    neither imports torch where "cpu"/"auto" need no check nor the node modules (no cache
    signatures, which read the nodes' classes): devices stay names, signatures empty.
    ``lazy_devices`` (a render's preflight): devices are checked as a run checks them, only as
    far as that needs no torch (a run checks the rest when a node asks for its device).

    ``side_targets`` run too when they can: one that cannot (a required input not connected,
    an unknown type in its branch) is left out with the reason (``plan.left_out``) instead of
    failing the plan, in the same one compile (F5 in the window: outputs and side branches).
    ``confine_outputs``: outputs only into allowed folders (studio.core.confine)."""
    g = flatten(graph)
    base_dir = getattr(graph, "base_dir", None)
    g.topo_order()  # a cycle anywhere is an error (CycleError), even in a branch not run
    get_device = check_device if check_only and not lazy_devices else plan_device  # names: torch when asked
    dev = get_device(device or g.settings.get("device", "auto"))
    gseed = int(seed if seed is not None else g.settings.get("seed", 0))

    # which nodes must run
    side = [t for t in (side_targets or []) if t in graph.nodes]
    if targets:
        for t in targets:
            graph.node(t)  # raises NodeNotFoundError for a stale id
        wanted = expand(g, targets)
    else:
        wanted = {n.id for n in g.nodes.values() if n.spec is not None and n.spec.is_output}
        if not wanted:
            wanted = {n for n in g.nodes if not g.outputs_of(n)}
    needed = set(wanted)
    for t in list(wanted):
        needed |= g.upstream(t)
    side_of = {t: expand(g, [t]) for t in side}
    side_only: set[str] = set()  # nodes only side targets need: an error there leaves them out
    for t, ids in side_of.items():
        for s in ids:
            side_only |= ({s} | g.upstream(s)) - needed
    failed: dict[str, str] = {}  # side-only node -> why it cannot run
    needed |= side_only
    wanted |= {s for ids in side_of.values() for s in ids}

    # output nodes' branches first, so previews appear early
    prio = {n: 1 for n in needed}
    for t in wanted:
        if g.nodes[t].spec is not None and g.nodes[t].spec.is_output:
            for u in g.upstream(t) | {t}:
                prio[u] = 0
    order = g.topo_order(needed, priority=prio)
    c = _Compiling(g, g.input_index(), wanted, get_device, dev, gseed, base_dir, check_only)
    for nid in order:
        if nid not in side_only:
            plan_node(c, nid)
            continue
        if any(u in failed for u in g.upstream(nid)):
            failed[nid] = "a node it needs cannot run"  # the branch names the first cause
            continue
        try:
            plan_node(c, nid)
        except StudioError as e:
            failed[nid] = str(e)
    steps, skipped = c.steps, c.skipped
    left_out: dict[str, str] = {}
    if failed:
        rank = {nid: k for k, nid in enumerate(order)}
        for t, ids in side_of.items():
            branch = ids | set().union(*(g.upstream(i) for i in ids))
            bad = sorted((s for s in branch if s in failed), key=rank.get)
            if bad:
                left_out[t] = failed[bad[0]]  # the first cause, as a compile of the branch alone says
    if left_out:  # drop what only the left-out side targets needed
        keep = set(wanted) - {s for t in left_out for s in side_of[t]}
        for t in list(keep):
            keep |= g.upstream(t)
        steps = [s for s in steps if s.node.id in keep]
        skipped = {k: v for k, v in skipped.items() if k in keep}
    plan = Plan(steps, skipped, dev, g, left_out, source=graph, base_dir=base_dir, wanted=frozenset(wanted))
    _preflight(plan, confine_outputs, side_of, side_only)
    return plan


def _preflight(plan: Plan, confine_outputs: bool, side_of: dict[str, set[str]] | None = None,
               side_only: set[str] | frozenset = frozenset()) -> None:
    """The checks before a run (studio.engine.preflight): raises the problem, or a
    PreflightError holding them all; a problem in a side branch only leaves that branch out
    (``plan.left_out``), as a compile error there does. Notes the extensions added to output
    paths."""
    from .preflight import PreflightError, check
    from studio.core import confine
    from studio.core.checked_open import reading_within
    advised: list[tuple[str, str, str, str]] = []
    with reading_within(*(confine.run_reads(plan.base_dir) if confine_outputs else (None,))):
        errors = check(plan, plan.base_dir, confine_outputs, advised)  # headers read: inside the graph's folders
    bad = {e.node_id: e for e in errors if getattr(e, "node_id", None) in side_only}
    if bad and side_of:
        g = plan.graph
        errors = [e for e in errors if getattr(e, "node_id", None) not in bad]
        for t, ids in side_of.items():
            branch = ids | set().union(*(g.upstream(i) for i in ids))
            hit = next((n for n in g.topo_order(branch) if n in bad), None)
            if hit is not None and t not in plan.left_out:
                plan.left_out[t] = str(bad[hit])
        keep = {s.node.id for s in plan.steps if s.node.id not in side_only}
        for t, ids in side_of.items():
            if t not in plan.left_out:
                keep |= (ids | set().union(*(g.upstream(i) for i in ids))) & side_only
        plan.steps = [s for s in plan.steps if s.node.id in keep]
        plan.skipped = {k: v for k, v in plan.skipped.items() if k in keep or k not in side_only}
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise PreflightError(errors)
    kept = {st.node.id for st in plan.steps}
    plan.notes += [a for a in advised if a[0] in kept]
    for st in plan.steps:
        for p in st.node.spec.params:
            v = st.node.params.get(p.name)
            if isinstance(p, PathParam) and p.mode == "save" and v and with_extension(v, p.filters) != v:
                plan.notes.append((st.node.id, st.node.label, f"'{p.name}' {os.path.basename(v)!r} has no "
                                   f"{'/'.join(filter_exts(p.filters))} extension: writing "
                                   f"{os.path.basename(st.params[p.name])}"))
