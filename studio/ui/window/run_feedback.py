"""Running the graph from the window: run, stop, F5's targets, and the end of a run (what it
shows, a refused folder asked about). What a run reports lives in the Qt-free
:class:`~studio.engine.run_state.RunState` (``window.runs.state``); the badges, Log, status bar,
viewer and Training dock subscribe to it (``run_views.bind``).

A part of :class:`~studio.ui.window.main_window.MainWindow` (``window.runs``).
"""
from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from studio.core.errors import StudioError
from studio.engine.run_state import RunState
from studio.ui.window import first_frames, key_marks, plates, run_views
from studio.ui.window.output_link import OutputLink
from studio.ui.window.status_bar import ElidedLabel


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


class RunFeedback:
    """Run, stop, F5's targets and the end of a run; engine events go to ``state``, which the
    views follow. ``state.outputs`` holds the results of the last run of each node."""

    def __init__(self, win):
        self.win = win
        self.last_result = None
        self.run_label = ElidedLabel("", win)  # a long verdict cut at its end, whole in its tooltip; a click: the Log
        self.run_label.setObjectName("run-result")
        self.output_link = OutputLink(win)  # "wrote demo.mp4": a click opens its folder
        from studio.ui.dialogs.allow_folder import FolderConsent
        self.consent = FolderConsent(win, rerun=lambda: self.run_graph())  # a refused output folder: asked once
        self.state = RunState(graph=lambda: win.doc.graph)
        self.ran = False  # a run was asked for, or events came (a run from elsewhere)
        self.pausing = False  # Pause asked: the models are unloaded when the run has ended
        self.peeking: list[str] | None = None  # the disk cache's results being read back (cached_results.py)
        self.pending: tuple | None = None  # F5 pressed meanwhile: (targets, show_after), run after it
        run_views.bind(self.state, self)

    @property
    def session(self) -> RunState | None:
        """The run going on, or the last one (None before the first)."""
        return self.state if self.ran else None

    @property
    def outputs(self) -> dict[str, dict]:
        return self.state.outputs

    @property
    def current_node(self) -> str:
        return self.state.current_node if not self.state.finished else ""

    def status_text(self) -> str:
        return self.state.status_text()

    def on_engine_event(self, e) -> None:
        self.ran = True
        self.state.apply(e)

    def forget(self) -> None:
        """The graph was replaced: its results and the last run's verdict are gone."""
        self.ran = False
        self.state.forget()

    def type_of(self, nid: str) -> str:
        """The type of a node of the run (inside a group: ``group/inner`` ids)."""
        g, inst = self.win.doc.graph, None
        for part in nid.split("/"):
            inst = g.nodes.get(part) if g is not None else None
            if inst is None:
                return ""
            g = inst.subgraph
        return inst.type_id

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
        win.canvas.finish_build()  # a graph opened still being drawn: its every node's badge there for the run
        if not win.runner.running:
            win.properties.flush_edits()  # what Properties shows is what runs (a prompt typed just before F5)
        if win.runner.running and self.peeking is not None:  # reading back the disk cache: then this run
            self.pending = (targets, show_after)
            return True
        if win.runner.running:
            win.log("a run is already going; Stop it first", "warn")
            return False
        panel = getattr(win, "queue_panel", None)  # None where the queue is held by another window
        job = panel.queue.running if panel is not None else None
        if job is not None:  # one run on the device at a time (the queue likewise waits for the window's)
            win.log(f"the queue is rendering '{job.title}': run when it ends, or cancel it in the Queue", "warn")
            return False
        frame_range = None
        if win.preview is not None:
            try:
                frame_range = win.preview.in_out()
            except Exception:  # noqa: BLE001
                frame_range = None
        self.ran = True
        self.state.begin(targets, full=targets is None, show_after=show_after)
        side = None
        if targets is None:  # F5: the outputs and the side branches that can run
            targets, side = self.default_targets()
        win.canvas.badges.clear()
        win.engine_loader.start_saying_so()  # the first run loads torch and lists the devices
        if frame_range is not None:  # a render cut to the in/out range must say so (they are saved now)
            # short: it flashes in the status bar beside the run's state (cut at 1024 px when longer)
            win.log(f"rendering frames {frame_range[0]}–{frame_range[1] - 1} only (in/out points; X clears)",
                    "warn")
        win.runner.start(win.doc.graph, targets=targets, side_targets=side, frame_range=frame_range)
        win.run_action.setEnabled(False)
        win.run_sel_action.setEnabled(False)
        win.stop_action.setEnabled(True)
        win.pause_action.setEnabled(True)
        return True

    def show_cached(self) -> bool:
        """A graph just opened: the results its nodes have in the disk cache read back and shown,
        with no re-run (cached_results.py); True when a look was started."""
        from studio.ui.window.cached_results import job_for, may_have_cached
        win = self.win
        if win.runner.running or not may_have_cached(win.doc.graph):
            return False
        targets, side = self.default_targets()
        self.peeking, self.pending = [], None
        self.ran = True
        self.state.begin(None)
        if not win.runner.start_job(job_for(win.runner.executor, win.doc.graph.copy(), targets, side, self.peeking)):
            self.peeking = None
            return False
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
            self.state.stop()

    def pause(self) -> None:
        """Run > Pause: Stop (the finished steps and windows are kept, as Stop keeps them) and, once the
        run has ended, every loaded model unloaded so the memory goes back to the machine while the artist
        works elsewhere; Run reloads the models and resumes from what was kept."""
        if self.win.runner.running:
            self.pausing = True
            self.win.runner.stop()
            self.state.stop(pausing=True)
            self.win.log("pausing: the run stops at its next step, then the models are unloaded")

    def _free_after_pause(self) -> None:
        self.pausing = False
        n, nbytes = self.win.runner.executor.models.unload_all()
        self.win.log(f"paused: {n} model(s) unloaded ({nbytes / 1024 ** 3:.2f} GB freed) and the finished steps kept; "
                     "Run (F5) loads them again and resumes", status=True)

    def clear_cache(self) -> None:
        ex = self.win.runner.executor
        ex.cache.clear()
        ex.frame_cache.clear()
        # a run going on may be using its models; those a queued job uses (the cache is shared) stay while it runs
        gone, kept = ([], 0) if self.win.runner.running else (ex.models.clear(), len(ex.models))
        disk = self._clear_disk_cache()
        self.win.log("caches cleared" + (f", {len(gone)} model(s) unloaded" if gone else "")
                     + (f", {kept} in use by the queue kept" if kept else "") + disk)
        self.win.update_status()

    def _clear_disk_cache(self) -> str:
        """Empty the disk cache too (Clear Cache left it: the next F5 read 'cached · from disk', issue 116);
        the words that say so."""
        disk = self.win.runner.executor.disk_cache
        if disk is None:
            from studio.engine.disk_cache import DiskCache
            disk = DiskCache.from_settings()
        if disk is None:
            return " (the disk cache is off)"
        used = disk.size()
        disk.clear()
        return f", the disk cache emptied ({used / 1e6:.1f} MB in {os.path.dirname(disk.folder)})"

    def on_run_finished(self, result, error) -> None:
        """The run's thread stopped: enable Run again and show the result worth seeing."""
        win, s = self.win, self.session
        want = None
        if s is not None:
            want, s.show_after = s.show_after, None
        found, self.peeking = self.peeking, None
        if found is not None and result is not None:
            n = len(found)
            win.log(f"read back from the disk cache: {n} node{'s' if n != 1 else ''} "
                    "(nothing run again; F5 runs the graph)", "ok")
        self.state.end()
        if self.pausing:
            self._free_after_pause()
        win.canvas.badges.stop_running()
        win.run_action.setEnabled(True)
        win.run_sel_action.setEnabled(True)
        win.stop_action.setEnabled(False)
        win.pause_action.setEnabled(False)
        if error is not None and s is not None and not s.started and self._allowed_now(error):
            win.update_status()
            if self.run_graph(None if s.full else s.targets, want):
                return  # the artist allowed the folder: the run goes again (its end emits run_finished)
        self.last_result = result
        if result is not None:
            self.state.output_signatures.update(result.signatures)
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
        if found is None:  # a look in the disk cache is no run: whoever waits for F5 waits on
            win.run_finished.emit(result, error)
        if self.pending is not None:  # F5 pressed while the disk cache was read back
            (targets, show_after), self.pending = self.pending, None
            self.run_graph(targets, show_after)

    def _allowed_now(self, error) -> bool:
        """A run refused for writing outside the allowed folders: ask about each folder (once per
        folder and session); True when the artist allowed one."""
        from studio.ui.dialogs.allow_folder import outside_errors
        return bool(outside_errors(error)) and self.consent.ask(error)

    # -- results --------------------------------------------------------------------------------
    def show_result(self, nid: str) -> bool:
        """The last result of node ``nid`` in the viewer (True when it has one). A node whose
        preview says more than its result (a camera path: the picture to key on) shows its preview."""
        win = self.win
        if first_frames.prefers_preview(win, nid):
            return first_frames.show_first_frame(win, nid, keep=True)
        outs = self.outputs.get(nid)
        if not outs or win.preview is None:
            return bool(outs)
        port, value = next(iter(outs.items()))
        title = self.state.title(nid)
        key = f"{self.state.output_signatures.get(nid, nid)}:{port}"
        try:
            plates.set_plate(win, nid)  # a mask or points: over the node's input clip
            win.preview.show_value(nid, title, value, key)
            key_marks.show_marks(win, nid)  # the generator's keyframes on the timeline
        except Exception as e:  # noqa: BLE001 - a viewer problem must not break the window
            win.log(f"viewer: {e}", "warn")
        return True

    def node_removed(self, nid: str) -> None:
        self.outputs.pop(nid, None)


def show_dock_beside(win, dock, share: float = 1 / 3) -> None:
    """Show ``dock`` at a share of the window's width (not squeezed), raised."""
    if dock.isHidden():
        dock.show()
        win.resizeDocks([dock], [max(420, int(win.width() * share))], Qt.Horizontal)
    dock.raise_()
