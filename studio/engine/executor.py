"""Run a compiled plan (:mod:`studio.engine.plan`), with a signature cache.

Steps run in the plan's order (output nodes' branches first); a step whose signature is cached
is not run again, a loader's model is kept in the model cache. Events go to a callback.
"""
from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from studio.core import confine
from studio.core.checked_open import reading_within
from studio.core.errors import Cancelled, NodeExecutionError, StudioError
from studio.core.graph import Graph, NodeInstance
from studio.core.params import Path as PathParam

from . import previews, reuse
from .cache import CachedClip, FrameCache, OutputCache, nbytes_of
from .clip import ArrayClip, Clip, CostMeter, StillClip
from .context import CancelToken, Context, Runtime, seed_torch_for
from .disk_cache import DiskCache
from .events import (ModelStatus, NodeCost, NodeFailed, NodeFinished, NodeMessage, NodeSkipped, NodeStarted,
                     RunFinished, RunStarted)
from .model_cache import ModelCache, ModelEntry, module_bytes, setup_of, wait_for_background_loads
from .streaming import Streams, stream_groups
from .plan import Plan, Step, compile_plan, old_outputs
from .signatures import model_key, signature

CLIP_TYPES = {"Video", "Flow", "Mask"}


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


def input_value(values: dict[str, dict[str, Any]], src: tuple[str, str] | None, port_type: str) -> Any:
    """The value an input of type ``port_type`` gets from ``src`` (node id, port) among a run's
    ``values`` (RunResult.outputs): None when not connected; an image where a clip is expected
    becomes a still clip."""
    if src is None:
        return None
    v = values[src[0]].get(src[1])
    if port_type in CLIP_TYPES and isinstance(v, np.ndarray) and v.ndim in (2, 3):
        v = StillClip(v)
    return v


def written_files(st: "Step", since: float | None = None) -> list[str]:
    """The files or folders an output node wrote: its save/dir paths that exist after its run;
    a frame pattern (frame.####.exr, or a plain name the node gave '.####') when frames of it
    are there. Of another node (``since``: when it started, time.time()), the files of its save
    paths changed since then: a checkpoint, a LoRA it trained."""
    out = []
    for p in st.node.spec.params:
        v = st.params.get(p.name)
        if not (isinstance(p, PathParam) and p.mode in ("save", "dir") and v):
            continue
        if not st.node.spec.is_output:
            try:
                if p.mode == "save" and since is not None and os.path.getmtime(v) >= since - 1.0:
                    out.append(os.path.abspath(v))
            except OSError:
                pass
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


@dataclass
class _Pass:
    """What one :meth:`Executor.run` works with: its plan, where its events go, its result so far,
    its options, the caches it reads, and the values and model keys of the steps run so far."""
    plan: Plan
    emit: Callable[[Any], None]
    result: RunResult
    t_run: float
    frame_range: tuple[int, int] | None
    use_cache: bool
    options: dict[str, Any] | None
    disk: DiskCache | None
    from_disk: dict[str, dict[str, Any]]
    streams: Streams
    by_id: dict[str, Step]
    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    run_models: set[str] = field(default_factory=set)  # model keys this run uses: never unloaded to make room in it


def _warning_emitter(on_event: Callable[[Any], None] | None) -> Callable[[Any], None]:
    """``on_event`` (or nothing), keeping the run's warnings to hand to its RunFinished."""
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
    return emit


def _announce(plan: Plan, emit: Callable[[Any], None]) -> None:
    """RunStarted, the plan's notes, and each node the plan skips (an output's old files named)."""
    emit(RunStarted([s.node.id for s in plan.steps], str(plan.device),
                    {s.node.id: s.signature for s in plan.steps}, dict(plan.left_out)))
    for nid, title, text, *level in plan.notes:
        emit(NodeMessage(nid, title, text, *level))
    for nid, why in plan.skipped.items():
        sn = plan.graph.nodes[nid]
        is_out = bool(sn.spec is not None and sn.spec.is_output)
        stale = old_outputs(sn, plan.base_dir) if is_out else []
        emit(NodeSkipped(nid, why, sn.label, is_out, stale))


class Executor:
    """Runs graphs. Keeps its caches between runs, so a re-run after an edit only runs what changed."""

    def __init__(self, cache: OutputCache | None = None, frame_cache: FrameCache | None = None,
                 frame_caching: bool = True, models: ModelCache | None = None, disk_cache: DiskCache | None = None):
        """``frame_caching``: keep the frames of every lazy clip the graph makes in
        ``frame_cache`` (bounded by bytes), so an edit downstream re-uses the frames upstream.
        Off for one-shot renders, where it would only cost memory. ``models``: where the outputs
        of loader nodes (``keeps_model``) are kept, budgeted by device memory. ``disk_cache``:
        where the outputs of nodes declared ``disk_cache`` are kept between processes (None: not
        kept; studio.engine.disk_cache)."""
        self.disk_cache = disk_cache
        self.cache = cache if cache is not None else OutputCache()
        self.models = models if models is not None else ModelCache()
        self.models.on_unload.append(self._forget_model)
        self.frame_cache = frame_cache if frame_cache is not None else FrameCache()
        self.frame_caching = frame_caching
        self.runtime = Runtime()
        self.costs = CostMeter()  # time spent pulling frames through each node's clip
        self.run_counts: dict[str, int] = {}  # node type -> executions (tests, benchmarks)
        self.confine_outputs = True  # outputs only into allowed folders (studio.core.confine)

    # -- compile ------------------------------------------------------------------------------
    def compile(self, graph: Graph, targets: list[str] | None = None, device: str | None = None,
                seed: int | None = None, check_only: bool = False,
                side_targets: list[str] | None = None, lazy_devices: bool = False) -> Plan:
        """The plan of a run of ``graph`` (studio.engine.plan.compile_plan), with this executor's
        confinement of outputs."""
        return compile_plan(graph, targets, device, seed, check_only, side_targets, lazy_devices,
                            confine_outputs=self.confine_outputs)

    # -- run ------------------------------------------------------------------------------
    def run(self, plan: Plan | Graph, targets: list[str] | None = None,
            on_event: Callable[[Any], None] | None = None, cancel: CancelToken | None = None,
            device: str | None = None, seed: int | None = None,
            frame_range: tuple[int, int] | None = None, use_cache: bool = True,
            options: dict[str, Any] | None = None, side_targets: list[str] | None = None) -> RunResult:
        """Run ``plan`` (:meth:`compile`). Given a graph instead, compile it first with
        ``targets``, ``device``, ``seed`` and ``side_targets`` (a plan has them already); a
        compile error then ends the run as any error does, with RunFinished."""
        if isinstance(plan, Plan) and (targets is not None or device is not None or seed is not None
                                       or side_targets is not None):
            raise TypeError("targets, device, seed and side_targets belong to the compile: "
                            "a compiled plan has them already")
        emit = _warning_emitter(on_event)
        self.runtime.emit = emit
        self.runtime.cancel = cancel or CancelToken()
        t_run = time.perf_counter()
        result = RunResult()
        if not isinstance(plan, Plan):
            try:
                plan = self.compile(plan, targets, device, seed, side_targets=side_targets)
            except StudioError as e:
                emit(RunFinished(time.perf_counter() - t_run, False, error=e))
                raise
        _announce(plan, emit)
        self.runtime.previews = previews.marks_of(plan.steps, self.runtime.preview_marks)
        self.costs.reset()
        # a whole-clip render only (not a frame range): the disk cache reads and keeps whole outputs
        disk = self.disk_cache if use_cache and frame_range is None else None
        from_disk, pruned = self._reuse(plan, disk, use_cache, emit)
        # long clips go to their outputs while made (streaming.py)
        steps, groups = stream_groups([s for s in plan.steps if s.node.id not in pruned])
        streams = Streams(groups, self.costs, {s.node.id: s.node.label for s in steps})
        p = _Pass(plan, emit, result, t_run, frame_range, use_cache, options, disk, from_disk, streams,
                  {s.node.id: s for s in plan.steps})
        # every file a node opens lands inside the folders the graph may read (studio.core.checked_open)
        bound = reading_within(*(confine.run_reads(plan.base_dir) if self.confine_outputs else (None,)))
        bound.__enter__()
        try:
            if steps:  # a model load a Stop left running ends first (model_cache.py says why)
                first = steps[0].node
                wait_for_background_loads(lambda text: emit(NodeMessage(first.id, first.label, text)),
                                          self.runtime.cancel.check)
            for st in steps:
                self.runtime.cancel.check()
                self._run_step(p, st)
            streams.finish_all()
        except Cancelled as e:
            streams.abandon(e)  # a clip half made puts its model back as it was
            self._end_run(p, False, cancelled=True, error=e)
            raise
        except NodeExecutionError as e:
            streams.abandon(e)
            if e.node_id in p.by_id:  # maybe an upstream node whose lazy clip failed as it was pulled:
                self.cache.discard(p.by_id[e.node_id].signature)  # its kept outputs are not good
            emit(NodeFailed(e.node_id or "", e))
            self._end_run(p, False, error=e)
            raise
        except BaseException as e:
            streams.abandon(e)
            raise
        finally:
            bound.__exit__(None, None, None)
            self._let_go(p)
        result.outputs = p.values
        self._end_run(p, True)
        return result

    def _end_run(self, p: _Pass, ok: bool, **how: Any) -> None:
        """The run's time, its costs, then RunFinished (``how``: cancelled, error)."""
        self._let_go(p)  # before RunFinished: whoever hears it may unload them (Pause)
        p.result.seconds = time.perf_counter() - p.t_run
        self._emit_costs(p.emit)
        p.emit(RunFinished(p.result.seconds, ok, executed=p.result.executed, cached=p.result.cached, **how))

    def _let_go(self, p: _Pass) -> None:
        """The run's models no longer held (model_cache.ModelCache.hold); once, whichever way it ended (the run
        uses none of them after)."""
        held, p.run_models = p.run_models, set()
        self.models.let_go(held)

    def _run_step(self, p: _Pass, st: Step) -> None:
        """One step of the plan: its kept model, its cached outputs, or a run of its node."""
        n = st.node
        p.result.signatures[n.id] = st.signature
        keeps_model = n.spec.cls.keeps_model
        mkey = None
        if keeps_model:  # a loader: its model lives in the model cache, whatever use_cache says
            mkey = model_key(st, p.plan.base_dir)
            if mkey not in p.run_models:  # held until the run ends: another executor sharing the cache leaves it loaded
                self.models.hold(mkey)
                p.run_models.add(mkey)
            if self._from_model_cache(p, n, mkey):
                return
        if self._from_cache(p, st, keeps_model):
            return
        self._execute_step(p, st, keeps_model, mkey)

    def _from_model_cache(self, p: _Pass, n: NodeInstance, mkey: str) -> bool:
        """A loader whose model is in memory already: its value from the model cache."""
        e = self.models.entry(mkey)
        if e is None:
            return False
        p.values[n.id] = e.value
        p.result.cached.append(n.id)
        p.emit(NodeFinished(n.id, 0.0, True, e.value))
        p.emit(ModelStatus(n.id, "in memory", n.label, e.device, e.nbytes, setup_of(e.value)))
        return True

    def _from_cache(self, p: _Pass, st: Step, keeps_model: bool) -> bool:
        """A step whose outputs are kept, in memory or read back from the disk cache."""
        n, emit = st.node, p.emit
        cached = (self.cache.get(st.signature) if p.use_cache and n.spec.cacheable and not keeps_model
                  else None)
        if cached is None and n.id in p.from_disk:  # read back from the disk cache
            cached = p.from_disk[n.id]
            self.cache.put(st.signature, cached, nbytes_of(cached), 0.0)
            previews.read_back(self.runtime, n.id, st.signature, cached, previews.previewable(n))
            p.result.cached.append(n.id)
            p.streams.after(n.id, n.label, None, lambda _s, nid=n.id, v=cached: emit(
                NodeFinished(nid, 0.0, True, v, cached_from="disk")))
            p.values[n.id] = cached
            return True
        if cached is not None:
            p.values[n.id] = cached
            p.result.cached.append(n.id)
            p.streams.after(n.id, n.label, None,
                            lambda _s, nid=n.id, v=cached: emit(NodeFinished(nid, 0.0, True, v)))
            return True
        return False

    def _execute_step(self, p: _Pass, st: Step, keeps_model: bool, mkey: str | None) -> None:
        """Run the step's node; its time, cache entries and NodeFinished follow when it is made."""
        n, emit, result = st.node, p.emit, p.result
        emit(NodeStarted(n.id, n.label))
        inputs = {port: input_value(p.values, src, n.spec.input(port).type)
                  for port, src in st.inputs.items()}
        ctx = Context(n.id, n.label, dict(st.params), st.seed, st.device, self.runtime,
                      p.frame_range, {"graph": p.plan.source or p.plan.graph, **(p.options or {})})
        ctx.stream_to = p.streams.stream_to(n.id)
        ctx.signature = st.signature  # what its preview mark is kept by (previews.py)
        where = None
        if keeps_model:
            where = self._make_room(st, emit, p.run_models, p.plan.base_dir)
        t0, wall0 = time.perf_counter(), time.time()
        outs = self._execute(st, ctx, inputs)
        dt = time.perf_counter() - t0
        self.run_counts[n.type_id] = self.run_counts.get(n.type_id, 0) + 1
        p.values[n.id] = outs
        result.executed.append(n.id)

        def finished(extra: float, dt=dt) -> None:
            dt += extra  # a streamed clip's windows made after its outputs ran (streaming.py)
            result.times[n.id] = dt
            if keeps_model:
                self._keep_model(st, mkey, outs, where, dt, emit)
            elif n.spec.cacheable:
                # an output node has written its file now: key it by the file as it is after the run,
                # so a re-run with nothing changed hits and a deleted render is redone
                key = signature(st, p.by_id, p.plan.base_dir) if n.spec.is_output else st.signature
                self.cache.put(key, outs, nbytes_of(outs), dt)
                if p.disk is not None and n.spec.disk_cache and st.stable:
                    self._keep_on_disk(p.disk, st, outs, emit)
            written = ctx.wrote if ctx.wrote is not None else written_files(st, wall0)
            emit(NodeFinished(n.id, dt, False, outs, written=written))
        # told now, or for a clip streamed to its outputs once it is made
        p.streams.after(n.id, n.label, outs, finished)

    def _execute(self, st: Step, ctx: Context, inputs: dict[str, Any]) -> dict[str, Any]:
        """Run step ``st``'s node (seeded): its outputs by name, new clips measured and (with
        frame caching) caching their frames. Any error names the node (NodeExecutionError)."""
        n = st.node
        try:
            instance = n.spec.cls()  # imports the node's module (and torch, if it uses it)
            if "torch" in sys.modules:
                seed_torch_for(st.seed, st.device)
            else:  # seeded when the node asks for its device or generator, or imports torch
                ctx.defer_torch_seed(st.seed, st.device)
            # measured like a pull: frames it pulls upstream count as theirs, not its own
            try:
                out = self.costs.measure(n.id, None, lambda: instance.run(ctx, **inputs))
            finally:
                ctx.end_torch_seed()
            outs = self._normalise_outputs(n, out)
            for v in outs.values():
                if isinstance(v, Clip) and v.measured is None:  # a new clip (not a pass-through)
                    v.measure_as(self.costs, n.id)
            if self.frame_caching:
                outs = {k: (CachedClip(v, self.frame_cache, f"{st.signature}:{k}")
                            if isinstance(v, Clip) and not isinstance(v, (ArrayClip, StillClip, CachedClip))
                            else v) for k, v in outs.items()}
            return outs
        except Cancelled:
            raise
        except NodeExecutionError:
            raise  # names the node it happened in (maybe a lazy upstream one)
        except Exception as e:  # noqa: BLE001 - reported with the node's name (a StudioError too)
            raise NodeExecutionError(n.id, n.label, e) from e

    def _reuse(self, plan: Plan, disk: DiskCache | None, use_cache: bool,
               emit: Callable[[Any], None]) -> tuple[dict[str, dict[str, Any]], set[str]]:
        """Before the steps run: the outputs the disk cache has for this plan (node id -> outputs),
        and the steps no longer needed because all they feed is cached, which are skipped and
        said so (studio.engine.reuse)."""
        def in_memory(st: Step) -> bool:
            return use_cache and st.node.spec.cacheable and st.signature in self.cache
        found = reuse.disk_hits(plan.steps, disk, in_memory, emit) if disk is not None else {}

        def hit(st: Step) -> bool:
            if st.node.spec.cls.keeps_model:
                return model_key(st, plan.base_dir) in self.models
            return st.node.id in found or (in_memory(st) and not st.node.spec.is_output)
        if not use_cache:
            return found, set()
        pruned = reuse.unneeded(plan.steps, plan.wanted, hit)
        for nid, by in pruned.items():
            emit(NodeSkipped(nid, f"not needed: '{by}', which it feeds, is cached", plan.graph.nodes[nid].label,
                             False, []))
        return found, set(pruned)

    def _keep_on_disk(self, disk: DiskCache, st: Step, outs: dict[str, Any], emit: Callable[[Any], None]) -> None:
        n = st.node
        t0 = time.perf_counter()
        nbytes, why = disk.put(st.signature, outs, n.type_id)
        size = f"{nbytes / 1e6:.1f} MB" if nbytes >= 1e6 else f"{max(1, round(nbytes / 1e3))} kB"
        text = (f"kept in the disk cache ({size} in {time.perf_counter() - t0:.2f} s)" if nbytes
                else f"not kept in the disk cache: {why}")
        emit(NodeMessage(n.id, n.label, text, "info"))

    def _keep_model(self, st: Step, key: str, outs: dict[str, Any], where: str, seconds: float,
                    emit: Callable[[Any], None]) -> None:
        """A loader has run: its outputs go into the model cache under ``key``, on the device
        its model says it lives on (else ``where``, the device room was made on)."""
        nbytes = module_bytes(outs)
        for v in outs.values():
            if hasattr(v, "model_cached"):
                v.model_cached = True
        dev = getattr(next((v for v in outs.values() if hasattr(v, "model_device")), None), "model_device", where)
        self.models.put(key, outs, dev, nbytes, seconds)
        emit(ModelStatus(st.node.id, "loaded", st.node.label, dev, nbytes, setup_of(outs)))

    def _make_room(self, st: Step, emit: Callable[[Any], None], keep=(), base_dir: str | None = None) -> str:
        """Before a loader runs: say it loads, and unload the least recently used models on its
        device while the device lacks the memory the new model needs (its ``model_footprint``).
        Returns the device the model will live on."""
        n = st.node
        where, need = str(st.device), 0
        foot = n.spec.cls.model_footprint  # the base's: (st.device, 0)
        try:
            where, need = foot(st.params, st.device, base_dir)
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
