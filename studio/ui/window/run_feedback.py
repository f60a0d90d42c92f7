"""What a run tells the artist, in the window: the engine's events on the canvas, in the log and
in the status bar (issue 15: say what was skipped or refused, name nodes by title, print where
files went, never show a run with warnings as a plain success).

A mixin of :class:`~studio.ui.window.main_window.MainWindow`: it uses the window's ``doc``, ``canvas``,
``runner``, ``preview``, ``training`` and ``log``. Kept apart so the window stays one job.
"""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from studio.core.errors import StudioError
from studio.engine import events as ev

OK_STYLE = "color:#8fd18f"
WARN_STYLE = "color:#e6b450; font-weight:bold"
ERROR_STYLE = "color:#ff6e6e; font-weight:bold"
NOT_RUN_HINT = "not run yet: select it and press Ctrl+F5 (Run Selected)"
TRAIN_TYPES = ("gen.train",)


class RunFeedback:
    """Engine events -> canvas, log and status bar; F5's targets (outputs and side branches)."""

    run_label: QLabel

    def _build_run_label(self) -> None:
        self.run_label = QLabel("", self)
        self.run_label.setObjectName("run-result")
        self.statusBar().addPermanentWidget(self.run_label)  # stays while messages come and go
        self._run_warnings: list[str] = []
        self._full_run = False
        self._not_run: dict[str, str] = {}

    def _title(self, nid: str, fallback: str = "") -> str:
        inst = self.doc.graph.nodes.get(nid)
        return inst.label if inst is not None else (fallback or nid)

    def set_run_result(self, text: str, style: str) -> None:
        self.run_label.setText(" " + text + " " if text else "")
        self.run_label.setStyleSheet(style)
        self.run_label.setToolTip("\n".join(self._run_warnings) if self._run_warnings else text)

    # -- what F5 runs ---------------------------------------------------------------------------
    def default_targets(self) -> tuple[list[str] | None, dict[str, str]]:
        """F5 runs the output nodes and every side branch: a node whose outputs feed nothing
        (motion_transfer's 'Driving motion'). That is what Nuke's viewer and Resolve do (what you
        look at is computed) and what an artist expects of Run; ComfyUI runs only outputs, and its
        users found dead branches confusing. A side branch that cannot run (a required input is
        not connected) is left out of the run and marked "not run yet" instead of failing it.
        Returns (targets or None for the engine's default, {left-out node id: why})."""
        g = self.doc.graph
        outs = [n.id for n in g.nodes.values() if n.spec is not None and n.spec.is_output]
        if not outs:
            return None, {}  # the engine then runs every leaf itself
        leaves = [n.id for n in g.nodes.values()
                  if n.spec is not None and not n.spec.is_output and n.mode == "normal"
                  and n.type_id != "studio.reroute" and not g.outputs_of(n.id)]
        ok: list[str] = []
        left_out: dict[str, str] = {}
        for nid in leaves:
            try:
                self.runner.executor.compile(g, [nid], check_only=True)
            except StudioError as e:
                left_out[nid] = str(e)
                continue
            ok.append(nid)
        return (outs + ok if ok else None), left_out

    def _plan_trains(self, plan) -> bool:
        return any(s.node.type_id in TRAIN_TYPES for s in plan.steps)

    # -- events ---------------------------------------------------------------------------------
    def _on_engine_event(self, e) -> None:
        if self.training is not None:
            self.training.on_event(e)
        if isinstance(e, ev.RunStarted):
            self._run_warnings = []
            self.set_run_result(f"running {len(e.nodes)} node(s) on {e.device}…", "")
            self.log(f"run started on {e.device}: {len(e.nodes)} node(s)")
        elif isinstance(e, ev.NodeStarted):
            self._current_node = e.title
            self.canvas.badges.set_running(e.node_id)
            self._update_status()
        elif isinstance(e, ev.NodeProgress):
            if e.message:
                self.log(f"{self._title(e.node_id)}: {e.message}")
            else:
                self.canvas.badges.set_progress(e.node_id, e.step, e.total)
            if self.preview is not None:
                try:
                    self.preview.on_progress(e)
                except Exception:  # noqa: BLE001
                    pass
        elif isinstance(e, ev.NodeFinished):
            self.canvas.badges.set_finished(e.node_id, e.seconds, e.cached)
            self._outputs[e.node_id] = e.outputs
            label = self._title(e.node_id)
            self.log(f"{label}: " + ("cached" if e.cached else f"{e.seconds:.3f} s"))
            for path in getattr(e, "written", None) or []:
                self.log(f"{label} wrote {path}", "ok")
            if e.node_id in self.canvas.selected_ids():
                self.show_result(e.node_id)
        elif isinstance(e, getattr(ev, "NodeMessage", ())):
            warn = getattr(e, "level", "info") == "warning"
            self.log(f"{getattr(e, 'title', '') or self._title(e.node_id)}: {e.text}", "warn" if warn else "info")
        elif isinstance(e, getattr(ev, "NodeCost", ())):
            self.canvas.badges.set_cost(e.node_id, e.seconds, getattr(e, "frames", 0))
        elif isinstance(e, ev.NodeSkipped):
            is_output = bool(getattr(e, "is_output", False))
            title = getattr(e, "title", "") or self._title(e.node_id)
            self.canvas.badges.set_skipped(e.node_id, e.reason, is_output)
            self.log(f"{title} skipped: {e.reason}" + (" (its file was not written)" if is_output else ""),
                     "warn" if is_output else "info", status=False)  # the run's verdict says it, once
        elif isinstance(e, ev.NodeFailed):
            cause = getattr(e.error, "cause", None)
            self.canvas.badges.set_failed(e.node_id, str(e.error), str(cause) if cause is not None else None)
            self.log(str(e.error), "error")
        elif isinstance(e, ev.RunFinished):
            self._on_run_finished_event(e)

    def _on_run_finished_event(self, e) -> None:
        warnings = list(getattr(e, "warnings", None) or [])
        self._run_warnings = warnings
        counts = f"{len(e.executed)} ran, {len(e.cached)} cached"
        if e.ok and warnings:
            head = f"run finished with {len(warnings)} warning(s) in {e.seconds:.2f} s ({counts})"
            self.log(head + ":", "warn", status=False)
            for w in warnings:
                self.log("  " + w, "warn", status=False)
            self.set_run_result("⚠ " + head + ": " + warnings[0], WARN_STYLE)  # in the status bar, once
        elif e.ok:
            text = f"run finished in {e.seconds:.2f} s: {counts}"
            self.log(text, "ok")
            self.set_run_result("✓ " + text, OK_STYLE)
        elif e.cancelled:
            self.log(f"run stopped after {e.seconds:.2f} s", "warn")
            self.set_run_result(f"stopped after {e.seconds:.2f} s", WARN_STYLE)
        else:
            if e.error is not None and not isinstance(e.error, StudioError):
                self.log(f"run failed: {e.error}", "error")
            self.set_run_result(f"✗ run failed: {e.error}" if e.error is not None else "✗ run failed", ERROR_STYLE)
        if self._full_run:
            self._mark_not_run()

    def _mark_not_run(self) -> None:
        """After F5: nodes the run did not reach say so, with how to run them."""
        ran = set(self.canvas.badges._run_state)
        for nid, inst in self.doc.graph.nodes.items():
            if nid in ran or inst.mode != "normal":
                continue
            why = self._not_run.get(nid)
            self.canvas.badges.set_not_run(nid, NOT_RUN_HINT if why is None else f"not run: {why}")

    def _start_training_dock(self, plan) -> None:
        """A Train node is in the plan: the Training dock shows now, not when its first loss comes."""
        if self._plan_trains(plan):
            self.show_training_dock()

    def show_training_dock(self) -> None:
        """Show the Training dock beside the timeline at a third of the window (not squeezed)."""
        if self.training is None or self.training_dock is None:
            return
        if self.training_dock.isHidden():
            self.training_dock.show()
            self.resizeDocks([self.training_dock], [max(420, self.width() // 3)], Qt.Horizontal)
        self.training_dock.raise_()

    def _log_follow(self) -> None:
        sb = self.log_view.verticalScrollBar()
        sb.setValue(sb.maximum())
