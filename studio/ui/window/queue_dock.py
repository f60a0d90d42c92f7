"""The Queue dock in the window (studio/ui/panels/queue_panel.py): beside the Log, its jobs kept in the
window's data folder ('queue'), a finished job's graph opened into the window as an untitled graph."""
from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QLabel


def add_queue_dock(win) -> None:
    """Make ``win.queue_panel`` and ``win.queue_dock`` (tabbed with the Log)."""
    from studio.ui.panels.queue_panel import QueuePanel

    def open_graph(graph, title: str) -> None:
        if not win.files.maybe_save():
            return
        win.doc.set_graph(graph, None)
        win.files.not_on_disk = f"the graph of the queued job '{title}'"
        win.files.update_title()
        win.log(f"opened the graph of the queued job '{title}' (its overrides and seed applied)", "ok")

    from studio.core.errors import StudioError
    from studio.queue.queue import job_executor
    win.queue_panel = None
    try:  # the queue's jobs read the window's loaded models: one copy of a model, whoever runs it
        win.queue_panel = widget = QueuePanel(os.path.join(win.data_dir, "queue"), lambda: win.doc.graph,
                                              open_graph, lambda text, level="info": win.log(text, level), win,
                                              device_busy=lambda: win.runner.running,
                                              executor_factory=lambda: job_executor(win.runner.executor.models))
    except StudioError as e:  # another window holds the queue: this one opens without it, saying why
        widget = QLabel(str(e), win)
        widget.setWordWrap(True)
    if win.queue_panel is not None:
        win.queue_panel.follow = lambda e: _follow(win, e)
        win.queue_panel.job_ended = lambda job: _back_to_window(win)
        win.queue_panel.current_title = lambda: _graph_name(win)
    win.queue_dock = QDockWidget("Queue", win)
    win.queue_dock.setObjectName("dock-queue")
    win.queue_dock.setWidget(widget)
    win.addDockWidget(Qt.BottomDockWidgetArea, win.queue_dock)
    win.tabifyDockWidget(win.log_dock, win.queue_dock)


def _graph_name(win) -> str:
    """A queued job's name: the graph's file name, else the template it came from ('graph' was every job's)."""
    if win.doc.path:
        return os.path.splitext(os.path.basename(win.doc.path))[0]
    return win.files.template_name or ""


def _follow(win, event) -> None:
    """A queued job's progress in the viewer and timeline, as a run of the window's own shows there,
    while the window runs nothing itself."""
    if win.preview is not None and not win.runner.running:
        try:
            win.preview.on_progress(event)
        except Exception:  # noqa: BLE001 - a viewer problem must not break the queue's feedback
            pass


def _back_to_window(win) -> None:
    """A queued job ended: the viewer no longer shows its last live frame under the window's node title
    ('live: step 8 / 8' stayed over 'Text to Video' after the jobs had ended, seen under Xvfb) but the
    window's own result of the node shown, or nothing."""
    area = win.preview
    if area is None or win.runner.running or area.live_node is None:
        return
    area.live_node, area.stack.image.caption = None, ""
    nid = area.node_id
    area.value = None  # shown again, though it is the same result
    if nid is None or not win.runs.show_result(nid):
        area.clear()
