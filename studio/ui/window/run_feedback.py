"""Running the graph from the window, and what a run tells the artist: the engine's events on the
canvas, in the log and in the status bar (issue 15: say what was skipped or refused, name nodes by
title, print where files went, never show a run with warnings as a plain success).

A part of :class:`~studio.ui.window.main_window.MainWindow` (``window.runs``). One
:class:`RunSession` holds the state of the run going on (or the last one): what it was asked to
run, what F5 left out, the signatures of its results, its warnings and its verdict.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from studio.core.errors import StudioError
from studio.engine import events as ev
from studio.ui.window.output_link import OutputLink

OK_STYLE = "color:#8fd18f"
WARN_STYLE = "color:#e6b450; font-weight:bold"
ERROR_STYLE = "color:#ff6e6e; font-weight:bold"
NOT_RUN_HINT = "not run yet · Ctrl+F5"
NOT_RUN_REASON = "not run yet: F5 runs the outputs and what feeds them; select this node and press Ctrl+F5 " \
                 "(Run Selected) to run it"
TRAIN_TYPES = ("gen.train",)


def f5_targets(g) -> tuple[list[str] | None, list[str] | None]:
    """(the output nodes, the side branches: nodes whose outputs feed nothing), or (None, None)
    when the graph has no output node (the engine then runs every leaf itself)."""
    outs = [n.id for n in g.nodes.values() if n.spec is not None and n.spec.is_output]
    if not outs:
        return None, None
    feeding = {l.src for l in g.links}
    leaves = [n.id for n in g.nodes.values()
              if n.spec is not None and not n.spec.is_output and n.mode == "normal"
              and n.type_id != "studio.reroute" and n.id not in feeding]
    return outs, leaves or None


@dataclass
class RunSession:
    """One run, from F5 (or Run Selected, Run to Here) to its verdict."""
    targets: list[str] | None                                # what it was asked to run (None: the default)
    full: bool = False                                       # F5: nodes it did not reach say "not run"
    left_out: dict[str, str] = field(default_factory=dict)   # side branches F5 left out -> why
    show_after: str | None = None                            # Run to Here: the node shown at the end
    started_at: float = field(default_factory=time.perf_counter)
    signatures: dict[str, str] = field(default_factory=dict)  # node id -> signature (from RunStarted)
    started: bool = False                                    # the engine compiled it (RunStarted came)
    current_node: str = ""                                   # the title of the node running now
    warnings: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)          # files (and frame patterns) its outputs wrote
    group_times: dict[str, list] = field(default_factory=dict)  # group id -> [seconds, all cached]
    group_costs: dict[str, list] = field(default_factory=dict)  # group id -> [seconds pulling frames, frames]
    failed: list[str] = field(default_factory=list)           # nodes that failed (canvas ids)
    verdict: str = ""                                        # what the status bar says of it
    finished: bool = False
    stopping: bool = False                                   # Stop pressed; the run has not ended yet
    note: str = ""                                           # what the running node says of itself
    models: dict[str, str] = field(default_factory=dict)     # loader id -> its model's state, in words


class RunFeedback:
    """Run, stop, F5's targets; engine events -> canvas badges, log and status bar; the results
    of the last run of each node (``outputs``), shown in the viewer."""

    def __init__(self, win):
        self.win = win
        self.session: RunSession | None = None
        self.outputs: dict[str, dict] = {}     # node id -> outputs of its last run
        self.signatures: dict[str, str] = {}   # node id -> signature of those outputs
        self.last_result = None
        self.run_label = QLabel("", win)
        self.run_label.setObjectName("run-result")
        self.output_link = OutputLink(win)  # "wrote demo.mp4": a click opens its folder
        from studio.ui.dialogs.allow_folder import FolderConsent
        self.consent = FolderConsent(win, rerun=lambda: self.run_graph())  # a refused output folder: asked once

    @property
    def current_node(self) -> str:
        return self.session.current_node if self.session is not None and not self.session.finished else ""

    def status_text(self) -> str:
        """The status bar's line about the run going on: the node running and what it says of
        itself ("loading the model…", "about 40 min on the CPU…"), or "stopping…" after Stop
        until the run has really ended."""
        s = self.session
        if s is None or s.finished:
            return ""
        if s.stopping:
            return f" stopping… ({s.current_node}) " if s.current_node else " stopping… "
        if not s.current_node:
            return ""
        return f" running: {s.current_node}" + (f" — {s.note}" if s.note else "") + " "

    def _title(self, nid: str, fallback: str = "") -> str:
        inst = self.win.doc.graph.nodes.get(nid)
        return inst.label if inst is not None else (fallback or nid)

    def set_run_result(self, text: str, style: str) -> None:
        warnings = self.session.warnings if self.session is not None else []
        if self.session is not None:
            self.session.verdict = text
        self.run_label.setText(" " + text + " " if text else "")
        self.run_label.setStyleSheet(style)
        self.run_label.setToolTip("\n".join(warnings) if warnings else text)

    def forget(self) -> None:
        """The graph was replaced: its results and the last run's verdict are gone."""
        self.outputs.clear()
        self.signatures.clear()
        self.session = None
        self.set_run_result("", "")
        self.output_link.clear()

    # -- what F5 runs ---------------------------------------------------------------------------
    def default_targets(self) -> tuple[list[str] | None, list[str] | None]:
        """F5 runs the output nodes and every side branch: a node whose outputs feed nothing
        (motion_transfer's 'Driving motion'). That is what Nuke's viewer and Resolve do (what you
        look at is computed) and what an artist expects of Run; ComfyUI runs only outputs, and its
        users found dead branches confusing. A side branch that cannot run (a required input is
        not connected) is left out of the run by the engine and marked "not run yet" instead of
        failing it. Returns (targets, side targets), or (None, None) for the engine's default.
        Nothing is compiled here: the engine compiles once, on the run's thread, and says what it
        left out in ``RunStarted``."""
        return f5_targets(self.win.doc.graph)

    # -- run and stop ---------------------------------------------------------------------------
    def run_graph(self, targets: list[str] | None = None, show_after: str | None = None) -> bool:
        """Run the graph on the run's thread: F5 (``targets`` None) runs the outputs and the side
        branches that can run; a list runs those nodes and what they need. The graph is compiled
        once, there (no compile on the GUI thread); a graph that cannot run says why when the
        engine reports it (``RunFinished`` with the error)."""
        win = self.win
        if win.runner.running:
            win.log("a run is already going; Stop it first", "warn")
            return False
        frame_range = None
        if win.preview is not None:
            try:
                frame_range = win.preview.in_out()
            except Exception:  # noqa: BLE001
                frame_range = None
        self.session = RunSession(targets, full=targets is None, show_after=show_after)
        side = None
        if targets is None:  # F5: the outputs and the side branches that can run
            targets, side = self.default_targets()
        win.canvas.badges.clear()
        win.engine_loader.start_saying_so()  # the first run loads torch and lists the devices
        if frame_range is not None:  # a render cut to the in/out range must say so (they are saved now)
            win.log(f"rendering frames {frame_range[0]}–{frame_range[1] - 1} only: the timeline's in/out "
                    "points (X on the timeline clears them)", "warn")
        win.runner.start(win.doc.graph, targets=targets, side_targets=side, frame_range=frame_range)
        win.run_action.setEnabled(False)
        win.run_sel_action.setEnabled(False)
        win.stop_action.setEnabled(True)
        return True

    def run_to(self, nid: str) -> bool:
        """Canvas menu > Run to Here: run the node and what it needs, then show its result."""
        if nid not in self.win.doc.graph.nodes:
            return False
        self.win.canvas.select([nid])
        return self.run_graph([nid], show_after=nid)

    def run_selected(self) -> bool:
        ids = self.win.canvas.selected_ids()
        return self.run_graph(ids or None)

    def stop(self) -> None:
        if self.win.runner.running:
            self.win.runner.stop()
            if self.session is not None:
                self.session.stopping = True
            self.set_run_result("stopping…", WARN_STYLE)  # until the run has really ended
            self.win.log("stopping…")
            self.win.update_status()

    def clear_cache(self) -> None:
        ex = self.win.runner.executor
        models = len(ex.models)
        ex.cache.clear()
        ex.frame_cache.clear()
        if not self.win.runner.running:  # a run going on may be using them
            ex.models.clear()
        self.win.log("caches cleared" + (f", {models} model(s) unloaded" if models and not self.win.runner.running
                                         else ""))
        self.win.update_status()

    def _type_of(self, nid: str) -> str:
        """The type of a node of the run (inside a group: ``group/inner`` ids)."""
        g, inst = self.win.doc.graph, None
        for part in nid.split("/"):
            inst = g.nodes.get(part) if g is not None else None
            if inst is None:
                return ""
            g = inst.subgraph
        return inst.type_id

    def start_training_dock(self, type_ids) -> None:
        """A Train node is in the run: the Training dock shows now, not when its first loss comes."""
        if any(t in TRAIN_TYPES for t in type_ids):
            self.win.show_training_dock()

    # -- events ---------------------------------------------------------------------------------
    def _group_of(self, nid: str) -> str | None:
        """The group node on the canvas an engine node id belongs to: the engine runs a group's
        contents as ``group/inner`` (``outer/inner/node`` deeper); the canvas shows the group."""
        if "/" not in nid:
            return None
        top = nid.split("/", 1)[0]
        return top if top in self.win.doc.graph.nodes else None

    def _on_group_event(self, gid: str, e) -> None:
        """An event of a node inside group ``gid``: the group's badge says what its contents do
        (issue 25: a group whose contents ran said 'not run yet'), and the group shows the
        result of the inner node behind each of its outputs."""
        win, s = self.win, self.session
        badges = win.canvas.badges
        if isinstance(e, ev.NodeStarted):
            badges.set_running(gid)
        elif isinstance(e, ev.NodeProgress) and not e.message:
            badges.set_progress(gid, e.step, e.total)
        elif isinstance(e, ev.NodeFinished):
            t = s.group_times.setdefault(gid, [0.0, True])
            t[0] += e.seconds
            t[1] = t[1] and e.cached
            badges.set_finished(gid, t[0], t[1])
            inst = win.doc.graph.nodes[gid]
            inner = e.node_id[len(gid) + 1:]
            for o in inst.raw.get("io", {}).get("outputs", []):
                if o.get("node") == inner and o.get("port") in e.outputs:
                    self.outputs.setdefault(gid, {})[o["name"]] = e.outputs[o["port"]]
                    if e.node_id in s.signatures:
                        self.signatures[gid] = s.signatures[e.node_id]
            for path in getattr(e, "written", None) or []:
                s.written.append(path)
            if gid in win.canvas.selected_ids() and gid in self.outputs:
                self.show_result(gid)
        elif isinstance(e, getattr(ev, "NodeCost", ())):  # frames pulled through its contents
            c = s.group_costs.setdefault(gid, [0.0, 0])
            c[0] += e.seconds
            c[1] = max(c[1], getattr(e, "frames", 0))
            badges.set_cost(gid, c[0], c[1])
        elif isinstance(e, ev.NodeFailed):
            inner = win.doc.graph.nodes[gid].subgraph
            name = e.node_id[len(gid) + 1:]
            label = inner.nodes[name].label if inner is not None and name in inner.nodes else name
            badges.set_failed(gid, f"inside, '{label}': {e.error}")

    def on_engine_event(self, e) -> None:
        win = self.win
        panel = win.training_if_loaded(e)
        if panel is not None:
            panel.on_event(e)
        s = self.session if self.session is not None else RunSession(None)
        self.session = s
        gid = self._group_of(getattr(e, "node_id", "") or "")
        if gid is not None:
            self._on_group_event(gid, e)
        if isinstance(e, ev.RunStarted):
            s.started, s.warnings = True, []
            s.signatures = dict(getattr(e, "signatures", None) or {})
            s.left_out.update(getattr(e, "left_out", None) or {})
            s.written = []
            self.output_link.clear()
            if win.statusBar().currentMessage() == "loading the engine…":
                win.statusBar().clearMessage()
            if not s.stopping:
                self.set_run_result(f"running {len(e.nodes)} node(s) on {e.device}…", "")
            win.log(f"run started on {e.device}: {len(e.nodes)} node(s)")
            self.start_training_dock(self._type_of(n) for n in e.nodes)
        elif isinstance(e, ev.NodeStarted):
            s.current_node, s.note = e.title, ""
            win.canvas.badges.set_running(e.node_id)
            win.update_status()
        elif isinstance(e, getattr(ev, "ModelStatus", ())):
            self._on_model_status(e)
        elif isinstance(e, getattr(ev, "NodeNote", ())):
            warn = e.level == "warning"
            s.note = e.text
            win.canvas.badges.set_note(e.node_id, e.text, warn)
            win.log(f"{self._title(e.node_id)}: {e.text}", "warn" if warn else "info", status=False)
            win.update_status()
        elif isinstance(e, ev.NodeProgress):
            if e.message:
                win.log(f"{self._title(e.node_id)}: {e.message}")
            else:
                win.canvas.badges.set_progress(e.node_id, e.step, e.total, getattr(e, "budget_end", None))
            if win.preview is not None:
                try:
                    win.preview.on_progress(e)
                except Exception:  # noqa: BLE001
                    pass
        elif isinstance(e, ev.NodeFinished):
            extra = s.models.get(e.node_id) or _frames_made(e.outputs)
            win.canvas.badges.set_finished(e.node_id, e.seconds, e.cached, extra)
            self.outputs[e.node_id] = e.outputs
            if e.node_id in s.signatures:
                self.signatures[e.node_id] = s.signatures[e.node_id]
            label = self._title(e.node_id)
            win.log(f"{label}: " + ("cached" if e.cached else f"{e.seconds:.3f} s"))
            for path in getattr(e, "written", None) or []:
                win.log(f"{label} wrote {path}", "ok")
                s.written.append(path)
            if e.node_id in win.canvas.selected_ids():
                self.show_result(e.node_id)
        elif isinstance(e, getattr(ev, "NodeMessage", ())):
            warn = getattr(e, "level", "info") == "warning"
            win.log(f"{getattr(e, 'title', '') or self._title(e.node_id)}: {e.text}", "warn" if warn else "info",
                    status=False)  # a warning is in the run's verdict in the status bar: not twice
        elif isinstance(e, getattr(ev, "NodeCost", ())):
            win.canvas.badges.set_cost(e.node_id, e.seconds, getattr(e, "frames", 0), s.models.get(e.node_id, ""))
        elif isinstance(e, ev.NodeSkipped):
            is_output = bool(getattr(e, "is_output", False))
            title = getattr(e, "title", "") or self._title(e.node_id)
            win.canvas.badges.set_skipped(e.node_id, e.reason, is_output)
            win.log(f"{title} skipped: {e.reason}" + (" (its file was not written)" if is_output else ""),
                    "warn" if is_output else "info", status=False)  # the run's verdict says it, once
        elif isinstance(e, ev.NodeFailed):
            s.failed.append(gid or e.node_id)
            cause = getattr(e.error, "cause", None)
            win.canvas.badges.set_failed(e.node_id, str(e.error), str(cause) if cause is not None else None)
            win.log(str(e.error), "error", status=False)  # the run's verdict shows it in the status bar
        elif isinstance(e, ev.RunFinished):
            self._on_run_finished_event(e)

    def _on_model_status(self, e) -> None:
        """A loader's model: "loading…" under the node and in the status bar while it loads;
        "model in memory" (kept between runs) once it is there."""
        win, s = self.win, self.session
        title = e.title or self._title(e.node_id)
        if e.state == "loading":
            s.note = e.text
            win.canvas.badges.set_note(e.node_id, e.text)
            win.update_status()
            return
        s.models[e.node_id] = e.text
        win.canvas.badges.set_note(e.node_id, e.text)
        if e.state == "in memory":
            win.log(f"{title}: {e.text} (not loaded again)", status=False)
        if not s.stopping:
            win.statusBar().showMessage(f"{title}: {e.text}", 8000)

    def _on_run_finished_event(self, e) -> None:
        win, s = self.win, self.session
        if not s.started and isinstance(e.error, StudioError):  # it could not compile: say why, once
            from studio.ui.dialogs.allow_folder import problem_lines, problems_of
            for line in problem_lines(e.error):  # every problem, one a line (the verdict shows the first)
                win.log(line, "error", status=False)
            self.set_run_result(f"✗ {e.error}", ERROR_STYLE)
            for x in problems_of(e.error):  # each node with a problem is marked, not only the first
                nid = getattr(x, "node_id", None)
                if nid and nid in win.doc.graph.nodes:
                    win.canvas.badges.set_failed(nid, str(x))
            return
        warnings = list(getattr(e, "warnings", None) or [])
        s.warnings = warnings
        counts = f"{len(e.executed)} ran, {len(e.cached)} cached"
        if e.ok and warnings:
            head = f"run finished with {len(warnings)} warning(s) in {e.seconds:.2f} s ({counts})"
            win.log(head + ":", "warn", status=False)
            for w in warnings:
                win.log("  " + w, "warn", status=False)
            self.set_run_result("⚠ " + head + ": " + warnings[0], WARN_STYLE)  # in the status bar, once
        elif e.ok:
            text = f"run finished in {e.seconds:.2f} s: {counts}"
            win.log(text, "ok")
            self.set_run_result("✓ " + text, OK_STYLE)
        elif e.cancelled:
            win.log(f"run stopped after {e.seconds:.2f} s", "warn")
            self.set_run_result(f"stopped after {e.seconds:.2f} s", WARN_STYLE)
        else:
            if e.error is not None and not isinstance(e.error, StudioError):
                win.log(f"run failed: {e.error}", "error", status=False)
            self.set_run_result(f"✗ run failed: {e.error}" if e.error is not None else "✗ run failed", ERROR_STYLE)
        self.output_link.set_outputs(s.written)  # also after a failed or stopped run: what was written
        if s.full:
            self._mark_not_run(ok=bool(e.ok), stopped=bool(e.cancelled))

    def _mark_not_run(self, ok: bool = True, stopped: bool = False) -> None:
        """After F5: nodes the run did not reach say so, and why. Ctrl+F5 is offered only where
        it would help: a node after a failed one says what failed (running it again would fail
        again), a node a failed or stopped run never reached says the run stopped."""
        badges = self.win.canvas.badges
        g = self.win.doc.graph
        s = self.session
        after: dict[str, str] = {}
        for f in s.failed:
            if f in g.nodes:
                for d in g.downstream(f):
                    after.setdefault(d, g.nodes[f].label)
        stopped_at = g.nodes[s.failed[0]].label if s.failed and s.failed[0] in g.nodes else None
        for nid, inst in g.nodes.items():
            if badges.state(nid) or inst.mode != "normal":
                continue
            why = s.left_out.get(nid)
            if nid in after:
                badges.set_not_run(nid, f"not run: '{after[nid]}' failed",
                                   f"not run: it needs '{after[nid]}', which failed; fix that node first")
            elif why is not None:
                badges.set_not_run(nid, f"not run: {why}")
            elif stopped:
                badges.set_not_run(nid, "not run: the run was stopped before it")
            elif not ok:
                text = f"not run: the run stopped at '{stopped_at}'" if stopped_at else "not run: the run stopped"
                badges.set_not_run(nid, text, text + "; run again (F5) once it is fixed")
            else:
                badges.set_not_run(nid, NOT_RUN_HINT, NOT_RUN_REASON)

    def on_run_finished(self, result, error) -> None:
        """The run's thread stopped: enable Run again and show the result worth seeing."""
        win, s = self.win, self.session
        want = None
        if s is not None:
            s.finished = True
            want, s.show_after = s.show_after, None
        win.canvas.badges.stop_running()
        win.run_action.setEnabled(True)
        win.run_sel_action.setEnabled(True)
        win.stop_action.setEnabled(False)
        if error is not None and s is not None and not s.started and self._allowed_now(error):
            win.update_status()
            if self.run_graph(None if s.full else s.targets, want):
                return  # the artist allowed the folder: the run goes again (its end emits run_finished)
        self.last_result = result
        if result is not None:
            self.signatures.update(result.signatures)
            sel = win.canvas.selected_ids()
            shown = sel[0] if len(sel) == 1 and sel[0] in self.outputs else None
            if want is not None and want in self.outputs:
                shown = want
            if shown is None:
                nodes = win.doc.graph.nodes
                outs = [n for n in result.outputs
                        if n in nodes and nodes[n].spec is not None and nodes[n].spec.is_output]
                ran = [n for n in result.outputs if n in nodes]
                shown = (outs or ran or [None])[-1]
            if shown is not None:
                self.show_result(shown)
        elif error is not None and not isinstance(error, StudioError):
            shown = self.run_label.text().strip().startswith("✗")  # the verdict says it already
            win.log(f"run failed: {type(error).__name__}: {error}", "error", status=not shown)
        win.update_status()
        win.run_finished.emit(result, error)

    def _allowed_now(self, error) -> bool:
        """A run refused for writing outside the allowed folders: ask about each folder (once per
        folder and session); True when the artist allowed one."""
        from studio.ui.dialogs.allow_folder import outside_errors
        return bool(outside_errors(error)) and self.consent.ask(error)

    # -- results --------------------------------------------------------------------------------
    def show_result(self, nid: str) -> bool:
        """The last result of node ``nid`` in the viewer (True when it has one)."""
        win = self.win
        outs = self.outputs.get(nid)
        if not outs or win.preview is None:
            return bool(outs)
        port, value = next(iter(outs.items()))
        title = self._title(nid)
        key = f"{self.signatures.get(nid, nid)}:{port}"
        try:
            win.preview.show_value(nid, title, value, key)
        except Exception as e:  # noqa: BLE001 - a viewer problem must not break the window
            win.log(f"viewer: {e}", "warn")
        return True

    def node_removed(self, nid: str) -> None:
        self.outputs.pop(nid, None)


def _frames_made(outputs) -> str:
    """ "14 frames" when a node's output is a clip of several frames (what it made, as asked)."""
    for v in (outputs or {}).values():
        n = getattr(v, "n_frames", None)
        if isinstance(n, int) and n > 1 and hasattr(v, "frames") and not callable(getattr(v, "frames")):
            return f"{n} frames"
    return ""


def show_dock_beside(win, dock, share: float = 1 / 3) -> None:
    """Show ``dock`` at a share of the window's width (not squeezed), raised."""
    if dock.isHidden():
        dock.show()
        win.resizeDocks([dock], [max(420, int(win.width() * share))], Qt.Horizontal)
    dock.raise_()
