"""Compile a graph into an execution plan and run it, with a signature cache.

Compile: flatten groups, drop muted nodes (and what needs them), turn bypassed nodes into
typed pass-throughs, compile reroutes away, validate. Run: topological order, output nodes'
branches first; a node whose signature is cached is not run again. Events go to a callback.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from studio.core.errors import (Cancelled, GraphError, MissingInputError, NodeExecutionError,
                                StudioError, UnknownNodeTypeError)
from studio.core.confine import filter_exts, with_extension
from studio.core.graph import Graph, NodeInstance
from studio.core.flatten import flatten
from studio.core.params import Path as PathParam
from studio.core.params import Seed
from studio.core.project import resolve as resolve_path
from studio.core.types import get_type

from .cache import CachedClip, FrameCache, OutputCache, nbytes_of
from .clip import ArrayClip, Clip, CostMeter, StillClip
from .context import CancelToken, Context, Runtime, derive_seed, seed_torch_for
from .device import check_device, plan_device
from .events import (ModelStatus, NodeCost, NodeFailed, NodeFinished, NodeMessage, NodeSkipped, NodeStarted,
                     RunFinished, RunStarted)
from .model_cache import ModelCache, ModelEntry, module_bytes

CLIP_TYPES = {"Video", "Flow", "Mask"}


@dataclass
class Step:
    node: NodeInstance
    inputs: dict[str, tuple[str, str] | None]  # port -> (source node id, source port) or None
    signature: str = ""
    device: Any = None
    seed: int = 0
    params: dict[str, Any] = field(default_factory=dict)  # relative input paths resolved


@dataclass
class Plan:
    steps: list[Step]
    skipped: dict[str, str]  # node id -> why
    device: str  # the device's name ("cpu", "cuda"); "auto" in a plan compiled with check_only
    graph: Graph
    left_out: dict[str, str] = field(default_factory=dict)  # side target -> why it cannot run
    notes: list[tuple[str, str, str]] = field(default_factory=list)  # (node id, title, text) told at the start


@dataclass
class RunResult:
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    executed: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    times: dict[str, float] = field(default_factory=dict)
    signatures: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    def value(self, node_id: str, port: str | None = None) -> Any:
        outs = self.outputs[node_id]
        return outs[port] if port is not None else next(iter(outs.values()))


def _file_fingerprint(path: str) -> str:
    try:
        st = os.stat(path)
        return f"{os.path.abspath(path)}:{st.st_size}:{st.st_mtime_ns}"
    except OSError:
        from .sequence import pattern_fingerprint  # a frame pattern (plate.####.exr): its files
        return pattern_fingerprint(path) or f"{path}:missing"


def resolve_paths(n: NodeInstance, base_dir: str | None) -> dict[str, Any]:
    """A node's parameters with every relative path (files it reads and files it writes,
    checkpoints included) made absolute against the graph file's folder, so a graph, its media
    and its outputs travel together whatever folder the app was started from. A graph never
    saved resolves against the project folder (studio.core.project.project_dir).
    An output path without an extension its format knows gets one added (never dropped:
    studio.core.confine.with_extension)."""
    params = dict(n.params)
    for p in n.spec.params:
        v = params.get(p.name)
        if isinstance(p, PathParam) and v and not p.lookup:
            if p.mode == "save":
                v = with_extension(v, p.filters)
            params[p.name] = resolve_path(v, base_dir)
    return params


def _writes_files(n: NodeInstance) -> bool:
    """An output node that writes a file or folder (Save Video, Save Image Sequence...)."""
    return bool(n.spec is not None and n.spec.is_output
                and any(isinstance(p, PathParam) and p.mode in ("save", "dir") for p in n.spec.params))


def _old_outputs(n: NodeInstance, base_dir: str | None) -> list[str]:
    """Files already at a skipped output node's save paths: they were NOT updated by this run."""
    if n.spec is None:
        return []
    params = resolve_paths(n, base_dir)
    return [os.path.abspath(params[p.name]) for p in n.spec.params
            if isinstance(p, PathParam) and p.mode == "save" and params.get(p.name)
            and os.path.isfile(params[p.name])]


def written_files(st: "Step") -> list[str]:
    """The files or folders an output node wrote: its save/dir paths that exist after its run;
    a frame pattern (frame.####.exr, or a plain name the node gave '.####') when frames of it
    are there."""
    out = []
    for p in st.node.spec.params:
        v = st.params.get(p.name)
        if not (isinstance(p, PathParam) and p.mode in ("save", "dir") and v):
            continue
        if os.path.exists(v):
            out.append(os.path.abspath(v))
            continue
        stem, ext = os.path.splitext(v)
        for cand in (v, stem + ".####" + ext):
            if pattern_frames(cand):
                out.append(os.path.abspath(cand))
                break
    return out


def pattern_frames(path: str) -> int:
    """How many files the frame pattern ``path`` matches (0 when it is no pattern)."""
    from studio.core.patterns import regex_for
    folder, base = os.path.split(path)
    rx = regex_for(base)
    if rx is None:
        return 0
    try:
        with os.scandir(folder or ".") as it:
            return sum(1 for e in it if rx.match(e.name))
    except OSError:
        return 0


def _json_default(v: Any) -> Any:
    if isinstance(v, (np.integer, np.floating)):
        return v.item()
    return repr(v)


class Executor:
    """Runs graphs. Keeps its caches between runs, so a re-run after an edit only runs what changed."""

    def __init__(self, cache: OutputCache | None = None, frame_cache: FrameCache | None = None,
                 frame_caching: bool = True, models: ModelCache | None = None):
        """``frame_caching``: keep the frames of every lazy clip the graph makes in
        ``frame_cache`` (bounded by bytes), so an edit downstream re-uses the frames upstream.
        Off for one-shot renders, where it would only cost memory. ``models``: where the outputs
        of loader nodes (``keeps_model``) are kept, budgeted by device memory."""
        self.cache = cache if cache is not None else OutputCache()
        self.models = models if models is not None else ModelCache()
        self.models.on_unload.append(self._forget_model)
        self.frame_cache = frame_cache if frame_cache is not None else FrameCache()
        self.frame_caching = frame_caching
        self.runtime = Runtime()
        self.costs = CostMeter()  # time spent pulling frames through each node's clip
        self.run_counts: dict[str, int] = {}  # node type -> executions (tests, benchmarks)
        self.confine_outputs = True  # outputs only into allowed folders (studio.core.confine)

    # -- compile --------------------------------------------------------------------------
    def compile(self, graph: Graph, targets: list[str] | None = None, device: str | None = None,
                seed: int | None = None, check_only: bool = False,
                side_targets: list[str] | None = None, lazy_devices: bool = False) -> Plan:
        """The plan of a run. ``check_only`` (validate) makes every check a run makes but
        neither imports torch where "cpu"/"auto" need no check nor the node modules (no cache
        signatures, which read the nodes' classes): devices stay names, signatures empty.
        ``lazy_devices`` (a render's preflight): devices are checked as a run checks them, only as
        far as that needs no torch (a run checks the rest when a node asks for its device).

        ``side_targets`` run too when they can: one that cannot (a required input not connected,
        an unknown type in its branch) is left out with the reason (``plan.left_out``) instead of
        failing the plan, in the same one compile (F5 in the window: outputs and side branches)."""
        g = flatten(graph)
        self._base_dir = getattr(graph, "base_dir", None)
        g.topo_order()  # a cycle anywhere is an error (CycleError), even in a branch not run
        get_device = check_device if check_only and not lazy_devices else plan_device  # names: torch when asked
        dev = get_device(device or g.settings.get("device", "auto"))
        gseed = int(seed if seed is not None else g.settings.get("seed", 0))

        linked = g.input_index()

        def resolve_source(node_id: str, port: str) -> tuple[str, str] | None:
            """Follow bypassed nodes and reroutes back to a real producer (a loop, not a
            recursion: a long bypassed chain must not reach the recursion limit)."""
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

        def expand(ids) -> set[str]:
            out = set()
            for t in ids:
                if t in g.nodes:
                    out.add(t)
                else:  # a group id: its inner nodes
                    out.update(n for n in g.nodes if n.startswith(t + "/"))
            return out

        # which nodes must run
        side = [t for t in (side_targets or []) if t in graph.nodes]
        if targets:
            for t in targets:
                graph.node(t)  # raises NodeNotFoundError for a stale id
            wanted = expand(targets)
        else:
            wanted = {n.id for n in g.nodes.values() if n.spec is not None and n.spec.is_output}
            if not wanted:
                wanted = {n for n in g.nodes if not g.outputs_of(n)}
        needed = set(wanted)
        for t in list(wanted):
            needed |= g.upstream(t)
        side_of = {t: expand([t]) for t in side}
        side_only: set[str] = set()  # nodes only side targets need: an error there leaves them out
        for t, ids in side_of.items():
            for s in ids:
                side_only |= ({s} | g.upstream(s)) - needed
        failed: dict[str, str] = {}  # side-only node -> why it cannot run
        needed |= side_only
        wanted |= {s for ids in side_of.values() for s in ids}

        steps: list[Step] = []
        skipped: dict[str, str] = {}
        by_id: dict[str, Step] = {}
        # output nodes' branches first, so previews appear early
        prio = {n: 1 for n in needed}
        for t in wanted:
            if g.nodes[t].spec is not None and g.nodes[t].spec.is_output:
                for u in g.upstream(t) | {t}:
                    prio[u] = 0
        order = g.topo_order(needed, priority=prio)
        causes: dict[str, str] = {}  # skipped node -> the first cause, for the reasons of those after it
        def plan_node(nid: str) -> None:
            """The step of node ``nid`` (or why it is skipped); raises when it cannot run."""
            n = g.nodes[nid]
            if n.spec is None:
                raise UnknownNodeTypeError(n.type_id, nid)
            if n.mode == "mute":
                skipped[nid] = "muted"
                causes[nid] = f"'{n.label}' is muted"
                return
            if n.mode == "bypass" or n.type_id == "studio.reroute":
                if n.mode == "bypass" and nid in wanted and _writes_files(n):
                    skipped[nid] = "it is bypassed, so it passes its input on and writes nothing"
                return
            inputs: dict[str, tuple[str, str] | None] = {}
            skip_reason = cause = None
            for p in n.spec.inputs:
                link = linked.get((nid, p.name))
                src = resolve_source(link.src, link.src_port) if link is not None else None
                if src is not None and src[0] in skipped:
                    # name the first cause, not the whole chain: a skipped chain of 10,000 nodes
                    # must not make reasons 10,000 reasons long
                    why = f"'{g.nodes[src[0]].label}', which was skipped because {causes[src[0]]}"
                    first = causes[src[0]]
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
                skipped[nid] = skip_reason
                causes[nid] = cause
                return
            try:
                node_dev = get_device(n.device) if n.device and n.device != "auto" else dev
            except StudioError as e:
                raise GraphError(f"node '{n.label}' ({nid}): {e}", node_id=nid) from None
            seed_param = next((n.params[p.name] for p in n.spec.params if isinstance(p, Seed)), 0)
            st = Step(n, inputs, device=node_dev, seed=derive_seed(gseed, nid, seed_param),
                      params=resolve_paths(n, getattr(graph, "base_dir", None)))
            if not check_only:
                st.signature = self._signature(st, by_id)
            by_id[nid] = st
            steps.append(st)

        for nid in order:
            if nid not in side_only:
                plan_node(nid)
                continue
            if any(u in failed for u in g.upstream(nid)):
                failed[nid] = "a node it needs cannot run"  # the branch names the first cause
                continue
            try:
                plan_node(nid)
            except StudioError as e:
                failed[nid] = str(e)
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
        plan = Plan(steps, skipped, dev, g, left_out)
        self._preflight(plan, getattr(graph, "base_dir", None), side_of, side_only)
        return plan

    def _preflight(self, plan: Plan, base_dir: str | None, side_of: dict[str, set[str]] | None = None,
                   side_only: set[str] | frozenset = frozenset()) -> None:
        """The checks before a run (studio.engine.preflight): raises the problem, or a
        PreflightError holding them all; a problem in a side branch only leaves that branch out
        (``plan.left_out``), as a compile error there does. Notes the extensions added to output
        paths."""
        from .preflight import PreflightError, check
        errors = check(plan, base_dir, self.confine_outputs)
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
        for st in plan.steps:
            for p in st.node.spec.params:
                v = st.node.params.get(p.name)
                if isinstance(p, PathParam) and p.mode == "save" and v and with_extension(v, p.filters) != v:
                    plan.notes.append((st.node.id, st.node.label, f"'{p.name}' {os.path.basename(v)!r} has no "
                                       f"{'/'.join(filter_exts(p.filters))} extension: writing "
                                       f"{os.path.basename(st.params[p.name])}"))

    def _signature(self, st: Step, by_id: dict[str, Step]) -> str:
        spec = st.node.spec
        files = self._read_files(st)
        ins = []
        for port, src in st.inputs.items():
            ins.append([port, (by_id[src[0]].signature + ":" + src[1]) if src else None])
        payload = [spec.id, spec.version, getattr(spec.cls, "code_version", 0), st.params, st.seed,
                   str(st.device), files, ins]
        return hashlib.sha256(json.dumps(payload, sort_keys=True, default=_json_default).encode()).hexdigest()[:32]

    def _model_key(self, st: Step) -> str:
        """A loader's key in the model cache: what it loads and how (type, parameters, device,
        the weight files' fingerprints), not its seed or its place in the graph."""
        spec = st.node.spec
        payload = [spec.id, spec.version, getattr(spec.cls, "code_version", 0), st.params, str(st.device),
                   self._read_files(st)]
        return "model:" + hashlib.sha256(json.dumps(payload, sort_keys=True,
                                                    default=_json_default).encode()).hexdigest()[:32]

    def _read_files(self, st: Step) -> list[str]:
        spec = st.node.spec
        files = []
        for p in spec.params:
            v = st.params.get(p.name)
            if not isinstance(p, PathParam) or not v:
                continue
            if p.mode != "save":
                files.append(_file_fingerprint(v))  # a file it reads: content changes re-run it
            elif spec.is_output:
                files.append(f"{os.path.abspath(v)}:{os.path.exists(v)}")  # a deleted render is redone
            else:
                files.append(os.path.abspath(v))  # a file it writes for itself (a checkpoint)
        extra = getattr(spec.cls, "signature_files", None)
        if extra is not None:  # files a node reads that are not path parameters (a model's weights)
            try:
                files += [_file_fingerprint(f) for f in extra(st.params, getattr(self, "_base_dir", None))]
            except Exception:  # noqa: BLE001 - a bad path fails when the node runs, with its message
                files.append("signature_files:failed")
        return files

    # -- run ------------------------------------------------------------------------------
    def run(self, graph: Graph, targets: list[str] | None = None,
            on_event: Callable[[Any], None] | None = None, cancel: CancelToken | None = None,
            device: str | None = None, seed: int | None = None,
            frame_range: tuple[int, int] | None = None, use_cache: bool = True,
            options: dict[str, Any] | None = None, side_targets: list[str] | None = None) -> RunResult:
        sink = on_event or (lambda e: None)
        warnings: list[str] = []

        def emit(e: Any) -> None:
            if isinstance(e, NodeMessage) and e.level == "warning":
                warnings.append(f"{e.title}: {e.text}")
            elif isinstance(e, NodeSkipped) and e.is_output:
                stale = "".join(f"; the old file {f} is still there and was NOT updated" for f in e.stale)
                warnings.append(f"{e.title} was skipped: {e.reason}{stale}")
            elif isinstance(e, RunFinished):
                e.warnings = list(warnings)
            sink(e)
        self.runtime.emit = emit
        self.runtime.cancel = cancel or CancelToken()
        t_run = time.perf_counter()
        result = RunResult()
        try:
            plan = self.compile(graph, targets, device, seed, side_targets=side_targets)
        except StudioError as e:
            emit(RunFinished(time.perf_counter() - t_run, False, error=e))
            raise
        emit(RunStarted([s.node.id for s in plan.steps], str(plan.device),
                        {s.node.id: s.signature for s in plan.steps}, dict(plan.left_out)))
        for nid, title, text in plan.notes:
            emit(NodeMessage(nid, title, text))
        by_id = {s.node.id: s for s in plan.steps}
        for nid, why in plan.skipped.items():
            sn = plan.graph.nodes[nid]
            is_out = bool(sn.spec is not None and sn.spec.is_output)
            stale = _old_outputs(sn, getattr(graph, "base_dir", None)) if is_out else []
            emit(NodeSkipped(nid, why, sn.label, is_out, stale))
        values: dict[str, dict[str, Any]] = {}
        run_models: set[str] = set()  # model keys this run uses: never unloaded to make room in it
        meter = self.costs
        meter.reset()
        try:
            for st in plan.steps:
                self.runtime.cancel.check()
                n = st.node
                result.signatures[n.id] = st.signature
                keeps_model = bool(getattr(n.spec.cls, "keeps_model", False))
                if keeps_model:  # a loader: its model lives in the model cache, whatever use_cache says
                    mkey = self._model_key(st)
                    run_models.add(mkey)
                    e = self.models.entry(mkey)
                    if e is not None:
                        values[n.id] = e.value
                        result.cached.append(n.id)
                        emit(NodeFinished(n.id, 0.0, True, e.value))
                        emit(ModelStatus(n.id, "in memory", n.label, e.device, e.nbytes))
                        continue
                cached = (self.cache.get(st.signature) if use_cache and n.spec.cacheable and not keeps_model
                          else None)
                if cached is not None:
                    values[n.id] = cached
                    result.cached.append(n.id)
                    emit(NodeFinished(n.id, 0.0, True, cached))
                    continue
                emit(NodeStarted(n.id, n.label))
                inputs = {port: self._input_value(values, src, n.spec.input(port).type)
                          for port, src in st.inputs.items()}
                ctx = Context(n.id, n.label, dict(st.params), st.seed, st.device, self.runtime,
                              frame_range, {"graph": graph, **(options or {})})
                if keeps_model:
                    where = self._make_room(st, emit, run_models)
                t0 = time.perf_counter()
                try:
                    instance = n.spec.cls()  # imports the node's module (and torch, if it uses it)
                    if "torch" in sys.modules:
                        seed_torch_for(st.seed, st.device)
                    else:  # seeded when the node asks for its device or generator, or imports torch
                        ctx.defer_torch_seed(st.seed, st.device)
                    # measured like a pull: frames it pulls upstream count as theirs, not its own
                    try:
                        out = meter.measure(n.id, None, lambda: instance.run(ctx, **inputs))
                    finally:
                        ctx.end_torch_seed()
                    outs = self._normalise_outputs(n, out)
                    for v in outs.values():
                        if isinstance(v, Clip) and v.measured is None:  # a new clip (not a pass-through)
                            v.measure_as(meter, n.id)
                    if self.frame_caching:
                        outs = {k: (CachedClip(v, self.frame_cache, f"{st.signature}:{k}")
                                    if isinstance(v, Clip) and not isinstance(v, (ArrayClip, StillClip, CachedClip))
                                    else v) for k, v in outs.items()}
                except Cancelled:
                    raise
                except NodeExecutionError:
                    raise  # names the node it happened in (maybe a lazy upstream one)
                except StudioError as e:
                    raise NodeExecutionError(n.id, n.label, e) from e
                except Exception as e:  # noqa: BLE001 - reported with the node's name
                    raise NodeExecutionError(n.id, n.label, e) from e
                dt = time.perf_counter() - t0
                self.run_counts[n.type_id] = self.run_counts.get(n.type_id, 0) + 1
                values[n.id] = outs
                result.executed.append(n.id)
                result.times[n.id] = dt
                if keeps_model:
                    nbytes = module_bytes(outs)
                    for v in outs.values():
                        if hasattr(v, "model_cached"):
                            v.model_cached = True
                    dev = getattr(next((v for v in outs.values() if hasattr(v, "model_device")), None),
                                  "model_device", where)
                    self.models.put(mkey, outs, dev, nbytes, dt)
                    emit(ModelStatus(n.id, "loaded", n.label, dev, nbytes))
                elif n.spec.cacheable:
                    # an output node has written its file now: key it by the file as it is after the run,
                    # so a re-run with nothing changed hits and a deleted render is redone
                    key = self._signature(st, by_id) if n.spec.is_output else st.signature
                    self.cache.put(key, outs, nbytes_of(outs), dt)
                emit(NodeFinished(n.id, dt, False, outs,
                                  written=written_files(st) if n.spec.is_output else []))
        except Cancelled as e:
            result.seconds = time.perf_counter() - t_run
            self._emit_costs(emit)
            emit(RunFinished(result.seconds, False, cancelled=True, error=e,
                             executed=result.executed, cached=result.cached))
            raise
        except NodeExecutionError as e:
            emit(NodeFailed(e.node_id or "", e))
            result.seconds = time.perf_counter() - t_run
            self._emit_costs(emit)
            emit(RunFinished(result.seconds, False, error=e, executed=result.executed, cached=result.cached))
            raise
        result.outputs = values
        result.seconds = time.perf_counter() - t_run
        self._emit_costs(emit)
        emit(RunFinished(result.seconds, True, executed=result.executed, cached=result.cached))
        return result

    def _make_room(self, st: Step, emit: Callable[[Any], None], keep=()) -> str:
        """Before a loader runs: say it loads, and unload the least recently used models on its
        device while the device lacks the memory the new model needs (its ``model_footprint``).
        Returns the device the model will live on."""
        n = st.node
        where, need = str(st.device), 0
        foot = getattr(n.spec.cls, "model_footprint", None)
        if foot is not None:
            try:
                where, need = foot(st.params, st.device, getattr(self, "_base_dir", None))
            except Exception:  # noqa: BLE001 - a bad model fails when the node runs, with its message
                pass
        emit(ModelStatus(n.id, "loading", n.label, where, need))
        for key in self.models.make_room(where, need, keep):
            emit(NodeMessage(n.id, n.label, f"unloaded a model from {where} to make room for this one", "info"))
        return where

    def _forget_model(self, entry: ModelEntry) -> None:
        """A model left the model cache: drop the outputs that share its weights (a Video LoRA
        node's), so nothing in the engine keeps it alive or uses it after its release."""
        mods = {id(v.module) for v in (entry.value.values() if isinstance(entry.value, dict) else ())
                if getattr(v, "module", None) is not None}
        if mods:
            self.cache.discard_where(lambda outs: isinstance(outs, dict) and any(
                id(getattr(v, "module", None)) in mods for v in outs.values()))

    def _emit_costs(self, emit: Callable[[Any], None]) -> None:
        """NodeCost for every node whose clip or run took time in this run (also when it failed
        or was cancelled: what was spent until then)."""
        meter = self.costs
        made = meter.frames
        for nid, secs in list(meter.seconds.items()):
            emit(NodeCost(nid, secs, made.get(nid, 0)))

    @staticmethod
    def _input_value(values: dict[str, dict[str, Any]], src: tuple[str, str] | None, port_type: str) -> Any:
        if src is None:
            return None
        v = values[src[0]].get(src[1])
        if port_type in CLIP_TYPES and isinstance(v, np.ndarray) and v.ndim in (2, 3):
            v = StillClip(v)
        return v

    @staticmethod
    def _normalise_outputs(n: NodeInstance, out: Any) -> dict[str, Any]:
        spec = n.spec
        if not isinstance(out, dict) or (len(spec.outputs) == 1 and spec.outputs[0].name not in out):
            if len(spec.outputs) > 1:
                raise StudioError(f"returned {type(out).__name__}, expected a dict of "
                                  f"{', '.join(o.name for o in spec.outputs)}")
            out = {spec.outputs[0].name: out} if spec.outputs else {}
        for o in spec.outputs:
            v = out.get(o.name)
            if o.type in CLIP_TYPES and v is not None and not isinstance(v, Clip):
                if not (isinstance(v, np.ndarray) and v.ndim in (2, 3)):
                    raise StudioError(f"output '{o.name}' should be a clip, got {type(v).__name__}")
            if isinstance(v, Clip) and v.producer is None:
                v.producer = (n.id, n.label)
        return out
