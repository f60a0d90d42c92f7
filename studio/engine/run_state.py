"""The state of a run, as a model (issue 31): it applies each engine event
(:mod:`studio.engine.events`) and holds what the views show: per-node state, the outputs of each
node's last run and their signatures, what was written, the warnings and the verdict.

Plain Python, no Qt: views subscribe to its :class:`Emitter` attributes, one per thing that
changes, like napari's EventedModel or Orange's SchemeNode. The window's badges, log, status bar,
viewer and Training dock subscribe (``studio.ui.window.run_views``); the CLI prints from it too.

A failed node's old outputs, and those of the nodes after it, are dropped when it fails
(``outputs_changed`` with ``stale=True``): no view goes on showing a result the graph no longer
makes (issue 35). Each warning is kept once, and the verdict names the first one briefly.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

from studio.core import confine
from studio.core.errors import StudioError
from studio.engine import events as ev

NOT_RUN_HINT = "not run yet · Ctrl+F5"
NOT_RUN_REASON = "not run yet: F5 runs the outputs and what feeds them; select this node and press Ctrl+F5 " \
                 "(Run Selected) to run it"
BRIEF_CHARS = 72  # the verdict quotes the first warning up to this long; the Log and the tooltip in full



def problems_of(e: BaseException) -> list[BaseException]:
    """Every problem in ``e``: a PreflightError's each, or ``e`` itself."""
    return list(getattr(e, "errors", None) or [e])


def problem_lines(e: BaseException) -> list[str]:
    """The run's refusal, one line per problem (the first line says how many), the problems the
    artist must fix first before the folders a graph may write into."""
    errs = problems_of(e)
    if len(errs) == 1:
        return [str(errs[0])]
    errs = sorted(errs, key=lambda x: isinstance(x, confine.OutsideAllowedError))  # stable: fix these first
    n_out = sum(isinstance(x, confine.OutsideAllowedError) for x in errs)
    head = f"the run was refused: {len(errs)} problems"
    if n_out and n_out < len(errs):
        head += (f" (fix the first {len(errs) - n_out}; then you are asked about the "
                 f"folder{'s' if n_out > 1 else ''} outside)")
    return [head + ":"] + [f"  {i}. {x}" for i, x in enumerate(errs, 1)]

class Emitter:
    """One signal: plain-Python callbacks, called in the order they connected."""

    def __init__(self) -> None:
        self._slots: list[Callable] = []

    def connect(self, fn: Callable) -> None:
        self._slots.append(fn)

    def disconnect(self, fn: Callable) -> None:
        self._slots.remove(fn)

    def emit(self, *args) -> None:
        for fn in list(self._slots):
            fn(*args)


@dataclass
class NodeState:
    """What one node (or a group shown for its contents) did in this run. ``badge`` is the
    latest change, as (what, *values): ("running",), ("progress", step, total, budget_end),
    ("finished", seconds, cached, extra), ("note", text, warn), ("cost", seconds, frames, extra, clip length),
    ("skipped", reason, is_output), ("failed", message, short), ("not_run", hint, reason)."""
    state: str = ""              # running, finished, failed, skipped, not_run
    badge: tuple = ()
    seconds: float = 0.0
    cached: bool = True
    cost: tuple[float, int] = (0.0, 0)
    model: str = ""              # its model's state, in words (a loader)


def step_words(step: int, total: int | None, budget_end: int | None = None) -> str:
    """'step 1,414 / 20,000', and where a time budget ends it: '· budget ends near 1,430'. One
    rule for the Training dock and the viewer's live caption (issue 35: they said it two ways)."""
    text = f"step {int(step):,}" + (f" / {total:,}" if total else "")
    if budget_end is not None and total and budget_end < total:
        text += f" · budget ends near {budget_end:,}"
    return text


def brief(text: str, n: int = BRIEF_CHARS) -> str:
    return text if len(text) <= n else text[:n - 1].rstrip() + "…"


@dataclass
class RunState:
    """One run from F5 (or Run Selected, Run to Here) to its verdict, and the results of the last
    run of each node. ``graph`` returns the graph shown (titles, groups, what is downstream)."""
    graph: Callable[[], Any] = field(default=lambda: None, repr=False)
    targets: list[str] | None = None                        # what it was asked to run (None: the default)
    full: bool = False                                       # F5: nodes it did not reach say "not run"
    left_out: dict[str, str] = field(default_factory=dict)   # side branches F5 left out -> why
    show_after: str | None = None                            # Run to Here: the node shown at the end
    started_at: float = 0.0
    signatures: dict[str, str] = field(default_factory=dict)  # this run: node id -> signature (RunStarted)
    started: bool = False                                    # the engine compiled it (RunStarted came)
    finished: bool = True
    stopping: bool = False                                   # Stop pressed; the run has not ended yet
    current_node: str = ""                                   # the title of the node running now
    running: dict[str, str] = field(default_factory=dict)    # node id -> title: started, not finished
    note: str = ""                                           # what the running node says of itself
    warnings: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)          # files (and frame patterns) its outputs wrote
    writers: dict[str, str] = field(default_factory=dict)     # each of those -> the title of the node
    skipped_outputs: list[tuple[str, str, list[str]]] = field(default_factory=list)  # (title, why, old files)
    failed: list[str] = field(default_factory=list)           # nodes that failed (canvas ids)
    verdict: str = ""                                        # what the status bar says of it
    level: str = ""                                          # the verdict's: ok, warn, error ("": running)
    nodes: dict[str, NodeState] = field(default_factory=dict)  # canvas id -> its state in this run
    outputs: dict[str, dict] = field(default_factory=dict)     # node id -> outputs of its last run
    output_signatures: dict[str, str] = field(default_factory=dict)  # node id -> signature of those

    def __post_init__(self) -> None:
        self._last_message: dict[str, str] = {}  # node id -> its last message (a note saying it again: not logged)
        self.node_changed = Emitter()     # (node id, NodeState): its badge
        self.outputs_changed = Emitter()  # (node id, stale): new outputs, or old ones dropped
        self.progress = Emitter()         # (NodeProgress): live frames, previews, losses
        self.logged = Emitter()           # (text, level, flash): a line for the Log (flash: the status bar too)
        self.flashed = Emitter()          # (text): a short status-bar message
        self.status_changed = Emitter()   # (): current_node, note or stopping changed
        self.verdict_changed = Emitter()  # (text, level)
        self.written_changed = Emitter()  # (paths)
        self.run_started = Emitter()      # (node ids)
        self.applied = Emitter()          # (event): every event, after it was applied (the Training dock)
        self._apply = {ev.RunStarted: self._run_started, ev.NodeStarted: self._node_started,
                       ev.ModelStatus: self._model_status, ev.NodeNote: self._node_note,
                       ev.NodeProgress: self._node_progress, ev.NodeFinished: self._node_finished,
                       ev.NodeMessage: self._node_message, ev.NodeCost: self._node_cost,
                       ev.NodeSkipped: self._node_skipped, ev.NodeFailed: self._node_failed,
                       ev.RunFinished: self._run_finished}

    # -- the run's life ----------------------------------------------------------------------
    def begin(self, targets: list[str] | None, full: bool = False, show_after: str | None = None) -> None:
        """A run is asked for: the last run's state goes (not the nodes' results)."""
        self.targets, self.full, self.show_after = targets, full, show_after
        self.left_out, self.signatures, self.nodes = {}, {}, {}
        self.warnings, self.written, self.failed, self.skipped_outputs = [], [], [], []
        self.started, self.finished, self.stopping, self.pausing = False, False, False, False
        self.current_node, self.note, self.started_at = "", "", time.perf_counter()
        self.running = {}
        self.set_verdict("", "")
        self.written_changed.emit([])  # the last run's "wrote ..." is not this run's

    def stop(self, pausing: bool = False) -> None:
        self.stopping, self.pausing = True, pausing  # Pause: a stop said as a pause (Run > Pause)
        self.set_verdict("pausing…" if pausing else "stopping…", "warn")  # until the run has really ended
        self.logged.emit("stopping…", "info", False)
        self.status_changed.emit()

    def end(self) -> None:
        """The run's thread stopped."""
        self.finished = True
        self.status_changed.emit()

    def forget(self) -> None:
        """The graph was replaced: its results and the last run's verdict are gone."""
        self.outputs.clear()
        self.output_signatures.clear()
        self.nodes = {}
        self.set_verdict("", "")
        self.written_changed.emit([])

    def set_verdict(self, text: str, level: str) -> None:
        self.verdict, self.level = text, level
        self.verdict_changed.emit(text, level)

    def status_text(self) -> str:
        """The status bar's line about the run going on: the node running and what it says of
        itself, or "stopping…" after Stop until the run has really ended."""
        if self.finished:
            return ""
        if self.stopping:
            return f" stopping… ({self.current_node}) " if self.current_node else " stopping… "
        if not self.current_node:
            return ""
        return f" running: {self.current_node}" + (f" — {self.note}" if self.note else "") + " "

    # -- events ------------------------------------------------------------------------------
    def apply(self, e) -> None:
        """Apply one engine event (one method per event type), then tell ``applied``."""
        gid = self._group_of(getattr(e, "node_id", "") or "")
        if gid is not None:
            self._group_event(gid, e)
        self._apply[type(e)](e)
        self.applied.emit(e)

    def title(self, nid: str, fallback: str = "") -> str:
        g = self.graph()
        inst = g.nodes.get(nid) if g is not None else None
        return inst.label if inst is not None else (fallback or nid)

    def _set(self, nid: str, state: str | None, *badge) -> NodeState:
        ns = self.nodes.setdefault(nid, NodeState())
        if state is not None:
            ns.state = state
        ns.badge = badge
        self.node_changed.emit(nid, ns)
        return ns

    def _run_started(self, e: ev.RunStarted) -> None:
        self.started, self.finished, self.warnings, self.written = True, False, [], []
        self.signatures = dict(e.signatures or {})
        self.left_out.update(e.left_out or {})
        self.written_changed.emit([])
        if not self.stopping:
            self.set_verdict(f"running {len(e.nodes)} node(s) on {e.device}…", "")
        self.logged.emit(f"run started on {e.device}: {len(e.nodes)} node(s)", "info", True)
        self.run_started.emit(list(e.nodes))

    def _node_started(self, e: ev.NodeStarted) -> None:
        # a long clip streamed to Save Video while it is made: both run ("Text to Video → Save Video")
        self.running[e.node_id] = e.title
        self.current_node, self.note = " → ".join(self.running.values()), ""
        self._set(e.node_id, "running", "running")
        self.status_changed.emit()

    def _model_status(self, e: ev.ModelStatus) -> None:
        """A loader's model: "loading…" under the node and in the status bar while it loads;
        "model in memory" (kept between runs) once it is there."""
        if e.state == "loading":
            self.note = e.text
            self._set(e.node_id, None, "note", e.text, False)
            self.status_changed.emit()
            return
        self.nodes.setdefault(e.node_id, NodeState()).model = e.text
        self._set(e.node_id, None, "note", e.text, False)
        title = e.title or self.title(e.node_id)
        if e.state == "in memory":
            self.logged.emit(f"{title}: {e.text} (not loaded again)", "info", False)
        if not self.stopping:
            self.flashed.emit(f"{title}: {e.text}")

    def _node_note(self, e: ev.NodeNote) -> None:
        warn = e.level == "warning"
        self.note = e.text
        self._set(e.node_id, None, "note", e.text, warn)
        if e.logged and self._last_message.get(e.node_id) != e.text:  # a warning said with its note: one Log line
            self.logged.emit(f"{self.title(e.node_id)}: {e.text}", "warn" if warn else "info", False)
        self.status_changed.emit()

    def _node_progress(self, e: ev.NodeProgress) -> None:
        if e.message:
            self.logged.emit(f"{self.title(e.node_id)}: {e.message}", "info", True)
        else:
            self._set(e.node_id, None, "progress", e.step, e.total, e.budget_end)
        self.progress.emit(e)

    def _node_finished(self, e: ev.NodeFinished) -> None:
        if self.running.pop(e.node_id, None) is not None and self.running:
            self.current_node = " → ".join(self.running.values())
            self.status_changed.emit()
        ns = self.nodes.get(e.node_id)
        extra = (ns.model if ns is not None else "") or _frames_made(e.outputs)
        if e.cached_from:  # "cached · from disk · 65 frames": read back from the disk cache
            extra = f"from {e.cached_from}" + (" · " + extra if extra else "")
        self._set(e.node_id, "finished", "finished", e.seconds, e.cached, extra)
        self.outputs[e.node_id] = e.outputs
        if e.node_id in self.signatures:
            self.output_signatures[e.node_id] = self.signatures[e.node_id]
        label = self.title(e.node_id)
        cached = f"cached ({e.cached_from})" if e.cached_from else "cached"
        self.logged.emit(f"{label}: " + (cached if e.cached else f"{e.seconds:.3f} s"), "info", True)
        for path in e.written or []:
            self.logged.emit(f"{label} wrote {path}", "ok", True)
            self.written.append(path)
            self.writers[path] = label
        self.outputs_changed.emit(e.node_id, False)

    def _node_message(self, e: ev.NodeMessage) -> None:
        self._last_message[e.node_id] = e.text
        # a warning is in the run's verdict in the status bar: not twice
        self.logged.emit(f"{e.title or self.title(e.node_id)}: {e.text}",
                         "warn" if e.level == "warning" else "info", False)

    def _node_cost(self, e: ev.NodeCost) -> None:
        """The node's time pulling frames, the frames it made and its clip's length: a run that
        made 8 of a 48-frame clip's frames (in/out points, a consumer reading only some) says
        "8 of 48 frames", as the viewer says 48 (issue 48: the label said 8, the viewer 48)."""
        ns = self.nodes.get(e.node_id)
        if ns is not None and ns.state in ("failed", "not_run"):  # its badge says why, not its time
            return
        self._set(e.node_id, None, "cost", e.seconds, e.frames, ns.model if ns is not None else "",
                  clip_length(self.outputs.get(e.node_id)))

    def _node_skipped(self, e: ev.NodeSkipped) -> None:
        self._set(e.node_id, "skipped", "skipped", e.reason, e.is_output)
        if e.is_output:
            self.skipped_outputs.append((e.title or self.title(e.node_id), e.reason, list(e.stale)))
        self.logged.emit(f"{e.title or self.title(e.node_id)} skipped: {e.reason}"
                         + (" (its file was not written)" if e.is_output else ""),
                         "warn" if e.is_output else "info", False)  # the run's verdict says it, once

    def _node_failed(self, e: ev.NodeFailed) -> None:
        shown = self._group_of(e.node_id) or e.node_id
        self.failed.append(shown)
        cause = getattr(e.error, "cause", None)
        self._set(e.node_id, "failed", "failed", str(e.error), str(cause) if cause is not None else None)
        label = self.title(e.node_id)
        g = self.graph()
        after = set(g.downstream(e.node_id)) if g is not None and e.node_id in g.nodes else set()
        for nid in [n for n in self.running if n in after]:  # it was reading the failed node's clip
            self.running.pop(nid)
            self._set(nid, "not_run", "not_run", f"not run: '{label}' failed",
                      f"stopped: '{label}' failed while this node read its clip; fix that node first")
        self.logged.emit(str(e.error), "error", False)  # the run's verdict shows it in the status bar
        self.drop_outputs(shown)

    def drop_outputs(self, nid: str) -> None:
        """Node ``nid`` failed: its old outputs and those of every node after it are no longer
        what the graph makes. They go, and the views showing them are told (issue 35)."""
        g = self.graph()
        after = list(g.downstream(nid)) if g is not None and nid in g.nodes else []
        for n in [nid, *after]:
            if self.outputs.pop(n, None) is not None:
                self.output_signatures.pop(n, None)
                self.outputs_changed.emit(n, True)

    def _run_finished(self, e: ev.RunFinished) -> None:
        if not self.started and isinstance(e.error, StudioError):  # it could not compile: say why, once
            for line in problem_lines(e.error):  # every problem, one a line (the verdict shows the first)
                self.logged.emit(line, "error", False)
            self.set_verdict(f"✗ {e.error}", "error")
            g = self.graph()
            for x in problems_of(e.error):  # each node with a problem is marked, not only the first
                nid = getattr(x, "node_id", None)
                if nid and g is not None and nid in g.nodes and nid not in self.failed:
                    self.failed.append(nid)
                    self._set(nid, "failed", "failed", str(x), None)
                    self.drop_outputs(nid)
            return
        self.warnings = list(dict.fromkeys(e.warnings or []))  # each once
        counts = f"{len(e.executed)} ran, {len(e.cached)} cached"
        if e.ok and self.warnings:
            n = len(self.warnings)
            head = f"run finished with {n} warning{'s' if n != 1 else ''} in {e.seconds:.2f} s ({counts})"
            self.logged.emit(head + ":", "warn", False)
            for w in self.warnings:
                self.logged.emit("  " + w, "warn", False)
            more = f" (+{n - 1} more, see the Log)" if n > 1 else ""
            self.set_verdict(f"⚠ {head}: {brief(self.warnings[0])}{more}", "warn")  # in full: Log, tooltip
        elif e.ok:
            text = f"run finished in {e.seconds:.2f} s: {counts}"
            self.logged.emit(text, "ok", True)
            self.set_verdict("✓ " + text, "ok")
        elif e.cancelled:
            word = "paused" if getattr(self, "pausing", False) else "stopped"
            self.logged.emit(f"run {word} after {e.seconds:.2f} s", "warn", True)
            self.set_verdict(f"{word} after {e.seconds:.2f} s" + ("; F5 resumes from the finished steps"
                                                                 if word == "paused" else ""), "warn")
        else:
            if e.error is not None and not isinstance(e.error, StudioError):
                self.logged.emit(f"run failed: {e.error}", "error", False)
            self.set_verdict(f"✗ run failed: {e.error}" if e.error is not None else "✗ run failed", "error")
        self.written_changed.emit(list(self.written))  # also after a failed or stopped run
        if self.full:
            self._mark_not_run(ok=bool(e.ok), stopped=bool(e.cancelled))

    def _mark_not_run(self, ok: bool = True, stopped: bool = False) -> None:
        """After F5: nodes the run did not reach say so, and why. Ctrl+F5 is offered only where
        it would help: a node after a failed one says what failed (running it again would fail
        again), a node a failed or stopped run never reached says the run stopped."""
        g = self.graph()
        if g is None:
            return
        after: dict[str, str] = {}
        for f in self.failed:
            if f in g.nodes:
                for d in g.downstream(f):
                    after.setdefault(d, g.nodes[f].label)
        stopped_at = g.nodes[self.failed[0]].label if self.failed and self.failed[0] in g.nodes else None
        for nid, inst in g.nodes.items():
            if nid in self.nodes or inst.mode != "normal":
                continue
            why = self.left_out.get(nid)
            if nid in after:
                self._set(nid, "not_run", "not_run", f"not run: '{after[nid]}' failed",
                          f"not run: it needs '{after[nid]}', which failed; fix that node first")
            elif why is not None:
                self._set(nid, "not_run", "not_run", f"not run: {why}", None)
            elif stopped:
                self._set(nid, "not_run", "not_run", "not run: the run was stopped before it", None)
            elif not ok:
                text = f"not run: the run stopped at '{stopped_at}'" if stopped_at else "not run: the run stopped"
                self._set(nid, "not_run", "not_run", text, text + "; run again (F5) once it is fixed")
            else:
                self._set(nid, "not_run", "not_run", NOT_RUN_HINT, NOT_RUN_REASON)

    # -- groups: the canvas shows a group for the nodes inside it ---------------------------------
    def _group_of(self, nid: str) -> str | None:
        """The group node on the canvas an engine node id belongs to: the engine runs a group's
        contents as ``group/inner`` (``outer/inner/node`` deeper); the canvas shows the group."""
        if "/" not in nid:
            return None
        g = self.graph()
        top = nid.split("/", 1)[0]
        return top if g is not None and top in g.nodes else None

    def _group_event(self, gid: str, e) -> None:
        """An event of a node inside group ``gid``: the group's badge says what its contents do,
        and the group shows the result of the inner node behind each of its outputs."""
        if isinstance(e, ev.NodeStarted):
            self._set(gid, "running", "running")
        elif isinstance(e, ev.NodeProgress) and not e.message:
            self._set(gid, None, "progress", e.step, e.total, None)
        elif isinstance(e, ev.NodeFinished):
            self._group_finished(gid, e)
        elif isinstance(e, ev.NodeCost):
            ns = self.nodes.setdefault(gid, NodeState())
            ns.cost = (ns.cost[0] + e.seconds, max(ns.cost[1], e.frames))
            self._set(gid, None, "cost", ns.cost[0], ns.cost[1], "")
        elif isinstance(e, ev.NodeFailed):
            inner = self.graph().nodes[gid].subgraph
            name = e.node_id[len(gid) + 1:]
            label = inner.nodes[name].label if inner is not None and name in inner.nodes else name
            self._set(gid, "failed", "failed", f"inside, '{label}': {e.error}", None)

    def _group_finished(self, gid: str, e: ev.NodeFinished) -> None:
        ns = self.nodes.setdefault(gid, NodeState())
        first = ns.state != "finished"
        ns.seconds = (0.0 if first else ns.seconds) + e.seconds
        ns.cached = (True if first else ns.cached) and e.cached
        self._set(gid, "finished", "finished", ns.seconds, ns.cached, "")
        inner = e.node_id[len(gid) + 1:]
        got = False
        for o in self.graph().nodes[gid].raw.get("io", {}).get("outputs", []):
            if o.get("node") == inner and o.get("port") in e.outputs:
                self.outputs.setdefault(gid, {})[o["name"]] = e.outputs[o["port"]]
                got = True
                if e.node_id in self.signatures:
                    self.output_signatures[gid] = self.signatures[e.node_id]
        if got:
            self.outputs_changed.emit(gid, False)


def clip_length(outputs) -> int:
    """The length of the first clip among a node's outputs (0: none)."""
    for v in (outputs or {}).values():
        n = getattr(v, "n_frames", None)
        if isinstance(n, int) and n > 1:
            return n
    return 0


def _frames_made(outputs) -> str:
    """ "14 frames" when a node's output is a clip of several frames (what it made, as asked)."""
    for v in (outputs or {}).values():
        n = getattr(v, "n_frames", None)
        if isinstance(n, int) and n > 1 and hasattr(v, "frames") and not callable(getattr(v, "frames")):
            return f"{n} frames"
    return ""
