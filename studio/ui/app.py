"""``python main.py [GRAPH]``: open the studio window."""
from __future__ import annotations

import sys


SWITCH_INTERVAL_S = 0.001


def configure_gil() -> None:
    """Let the GUI thread take the GIL back from a busy worker within 1 ms (Python's default is
    5 ms): the window's longest stall during a heavy run drops (see benchmarks/bench_gui_stall.py)."""
    sys.setswitchinterval(SWITCH_INTERVAL_S)


def start_window(path: str | None = None, settings=None, cluster: str | None = None):
    """The application and its window, shown with ``path`` (or the graph worked on last, or the
    demo graph, or a recovered autosave) open: what ``run_app`` waits on before the event loop
    (benchmarks/bench_startup.py). ``settings``: a QSettings other than the user's (tests). ``cluster``: the
    Ray cluster's address the Queue dock's jobs run on (`main.py --cluster ADDRESS`)."""
    from PySide6.QtWidgets import QApplication

    from studio.engine.device import configure_threads

    from studio.ui.window.main_window import DEMO_GRAPH, MainWindow
    from studio.ui.theme import apply_theme

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName("Studio")
    app.setApplicationName("Studio")
    apply_theme(app)
    configure_threads(interactive=True)
    configure_gil()
    win = MainWindow(settings=settings)
    win.show()
    if cluster and win.queue_panel is not None:
        win.queue_panel.use_cluster(cluster)  # connected on its own thread: the window opens meanwhile
    recovered = win.files.offer_recovery()
    if not recovered:
        target = path or win.files.last_graph() or (str(DEMO_GRAPH) if DEMO_GRAPH.exists() else None)
        if target and not win.files.open_path(target, ask=False) and path:
            win.log(f"could not open {path}", "error")
    return app, win


def run_app(path: str | None = None, cluster: str | None = None) -> int:
    app, _win = start_window(path, cluster=cluster)
    return app.exec()
