"""The window's views of the run state (:class:`studio.engine.run_state.RunState`): the canvas
badges, the Log, the status bar, the viewer and the Training dock each subscribe to the
emitters they show. Engine events reach the GUI thread queued (``ui.worker``), so the state's
plain-Python callbacks already run there; nothing here keeps state of its own.
"""
from __future__ import annotations

from studio.engine import events as ev
from studio.engine.run_state import RunState

OK_STYLE = "color:#8fd18f"
WARN_STYLE = "color:#e6b450; font-weight:bold"
ERROR_STYLE = "color:#ff6e6e; font-weight:bold"
STYLES = {"ok": OK_STYLE, "warn": WARN_STYLE, "error": ERROR_STYLE}
TRAIN_TYPES = ("gen.train",)


def bind(state: RunState, feedback) -> None:
    """Connect the window's views (``feedback``: the window's :class:`RunFeedback`) to ``state``."""
    win = feedback.win

    def badge(nid, ns):
        getattr(win.canvas.badges, "set_" + ns.badge[0])(nid, *ns.badge[1:])

    def verdict(text, level):
        warnings = state.warnings
        feedback.run_label.setText(" " + text + " " if text else "")
        feedback.run_label.setStyleSheet(STYLES.get(level, ""))
        feedback.run_label.setToolTip("\n".join(warnings) if warnings else text)

    def logged(text, level, flash):
        win.log(text, level, status=flash)

    def flashed(text):
        win.statusBar().showMessage(text, 8000)

    def written(paths):
        if paths:
            feedback.output_link.set_outputs(paths)
        else:
            feedback.output_link.clear()

    def started(nodes):
        if win.statusBar().currentMessage() == "loading the engine…":
            win.statusBar().clearMessage()
        if win.preview is not None:
            mark_remade(win.preview, state, nodes)
        if any(feedback.type_of(n) in TRAIN_TYPES for n in nodes):
            win.show_training_dock()  # a Train node is in the run: the dock shows now

    def progress(e):
        if win.preview is not None:
            try:
                win.preview.on_progress(e)
            except Exception:  # noqa: BLE001 - a viewer problem must not break the run's feedback
                pass

    def outputs(nid, stale):
        if stale:
            show_failed(win.preview, nid, state.title(nid))
        elif nid in win.canvas.selected_ids():
            feedback.show_result(nid)

    def open_sample(nid, title, image):  # a LoRA's validation clip, full size (issue 35)
        if win.preview is not None:
            win.preview.show_value(nid, title, image, f"sample:{nid}:{title}")

    bound: list = []

    def applied(e):
        panel = win.training_if_loaded(e)
        if panel is not None:
            if panel not in bound:  # the panel is made on first use: its sample clicks open in the viewer
                bound.append(panel)
                panel.sampleOpened.connect(open_sample)
            panel.on_event(e)
        if isinstance(e, ev.RunFinished) and win.preview is not None:
            end_live(win.preview, state)
        if isinstance(e, ev.NodeNote) and not e.logged and win.preview is not None:
            win.preview.live.on_note(e.node_id, e.text)  # 'decoding 13 / 25 frames' over the last step

    state.node_changed.connect(badge)
    state.verdict_changed.connect(verdict)
    state.logged.connect(logged)
    state.flashed.connect(flashed)
    state.status_changed.connect(win.update_status)
    state.written_changed.connect(written)
    state.run_started.connect(started)
    state.progress.connect(progress)
    state.outputs_changed.connect(outputs)
    state.applied.connect(applied)


def show_failed(area, nid: str, title: str) -> None:
    """Node ``nid`` failed (or a node before it did): the viewer showing its old result clears
    it, frames, timeline and thumbnails, and says why (issue 35: the old 48 frames stayed)."""
    if area is None or (area.node_id != nid and area.live_node != nid):
        return
    playhead = area.playhead
    area.clear()
    area.playhead = playhead  # where the artist had it, for the next result
    area.node_id, area.title = nid, title
    area.title_label.set_parts(title, "no result: the last run failed")
    area.stack.image.set_placeholder("the last run failed: see the red node and the Log")


def mark_remade(area, state: RunState, nodes: list[str]) -> None:
    """A run started: when it makes the node the viewer shows again, with another signature
    (its settings or inputs changed), the clip on screen is the last run's and is marked stale
    until the new one arrives (issue 48, item 11). A node whose result is only reused is not."""
    nid = area.node_id
    if nid is None or nid not in nodes or not hasattr(area, "mark_stale"):
        return
    if state.signatures.get(nid) is None or state.signatures.get(nid) != state.output_signatures.get(nid):
        area.mark_stale()


def end_live(area, state: RunState) -> None:
    """The run ended: the viewer's live header and caption stop saying it runs (issue 35: it
    said "running…" after Stop)."""
    word = "stopped" if state.level == "warn" and state.verdict.startswith("stopped") else \
        ("failed" if state.level == "error" else "")
    tl = getattr(area, "timeline", None)
    if tl is not None and tl.waiting:  # no clip came: the strip no longer says one is coming
        tl.waiting = ""
        tl.update()
    if word and hasattr(area, "live"):
        area.live.run_ended(word)  # a clip marked stale stays so, saying the run ended without a new one
    nid = area.live_node
    if nid is None or area.node_id not in (nid, None):
        return
    img = area.stack.image
    if word and img.caption.startswith("live:"):
        img.caption = word + img.caption[len("live"):]
        img.update()
    if area.node_id == nid and word:
        area.title_label.set_parts(area.title, f"{word}: showing its last live preview")
