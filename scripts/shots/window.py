"""``python -m scripts.shots.window OUT.png [GRAPH]``: open the window with a graph (the demo by
default), run it, select its output and save a picture of the window (for the README)."""
from __future__ import annotations

import os
import sys
import tempfile


def stop_and_close(w, loop) -> None:
    """Screenshot scripts: stop a run still going (waiting for it in ``loop``), then close the
    window without asking about unsaved changes."""
    if w.runner.running:
        w.runner.stop()
        w.run_finished.connect(lambda *_: loop.quit())
        loop.exec()
    w.files.ask_unsaved = lambda: "discard"
    w.close()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = argv[0] if argv else "docs/screenshot-window.png"
    from PySide6.QtCore import QEventLoop, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from studio.ui.window.main_window import DEMO_GRAPH, MainWindow
    from studio.ui.theme import apply_theme

    app = QApplication.instance() or QApplication([])
    apply_theme(app)
    tmp = tempfile.mkdtemp(prefix="studio-shot-")
    w = MainWindow(settings=QSettings(os.path.join(tmp, "s.ini"), QSettings.IniFormat), data_dir=tmp)
    w.resize(1600, 1000)
    w.show()
    w.files.open_path(argv[1] if len(argv) > 1 else str(DEMO_GRAPH), ask=False)
    for n in w.doc.graph.nodes.values():  # render into the temp folder, not the user's
        for p in (n.spec.params if n.spec else ()):
            if p.kind == "path" and getattr(p, "mode", "") == "save":
                w.doc.graph.set_param(n.id, p.name, os.path.join(tmp, os.path.basename(n.params[p.name] or "out.mp4")))
    w.doc.undo_stack.setClean()
    loop = QEventLoop()
    w.run_finished.connect(lambda *_: QTimer.singleShot(1500, loop.quit))
    QTimer.singleShot(500, w.runs.run_graph)
    QTimer.singleShot(120_000, loop.quit)
    loop.exec()
    outs = [n for n in w.doc.graph.nodes if w.doc.graph.nodes[n].type_id == "transform.resize"] or list(w.doc.graph.nodes)
    w.canvas.select(outs[-1:])
    w.canvas.fit_all()
    QTimer.singleShot(1500, loop.quit)
    loop.exec()
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    ok = w.grab().save(out)
    print(("saved " if ok else "could not save ") + out)
    w.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
