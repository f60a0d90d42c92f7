"""``python -m scripts.shots.templates [DOCS_DIR]``: pictures for the README of the
template browser (``screenshot-templates.png``) and of the window running the music visualiser
template (``screenshot-running-template.png``, taken mid-run). Run it under Xvfb
(``xvfb-run -s "-screen 0 1920x1200x24" python -m scripts.shots.templates docs``)."""
from __future__ import annotations

import os
import sys
import tempfile


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    docs = argv[0] if argv else "docs"
    os.makedirs(docs, exist_ok=True)
    from PySide6.QtCore import QEventLoop, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from studio.engine import events as ev

    from studio.ui.window.main_window import MainWindow
    from studio.ui.dialogs.templates import TEMPLATES_DIR, TemplateBrowser
    from studio.ui.theme import apply_theme

    app = QApplication.instance() or QApplication([])
    apply_theme(app)
    tmp = tempfile.mkdtemp(prefix="studio-shot-")
    os.environ.setdefault("STUDIO_DATA_DIR", tmp)
    loop = QEventLoop()

    dlg = TemplateBrowser()
    dlg.show()
    row = next((i for i, t in enumerate(dlg.templates) if t.name == "music_visualiser"), 0)
    dlg.list.setCurrentRow(row)
    QTimer.singleShot(800, loop.quit)
    loop.exec()
    ok1 = dlg.grab().save(os.path.join(docs, "screenshot-templates.png"))
    dlg.close()

    w = MainWindow(settings=QSettings(os.path.join(tmp, "s.ini"), QSettings.IniFormat), data_dir=tmp)
    w.resize(1600, 1000)
    w.show()
    w.files.open_template(str(TEMPLATES_DIR / "music_visualiser.json"))
    save = next(n for n in w.doc.graph.nodes.values() if n.type_id == "io.save_video")
    w.doc.graph.set_param(save.id, "path", os.path.join(tmp, "music_visualiser.mp4"))
    w.doc.undo_stack.setClean()
    last_blend = [n.id for n in w.doc.graph.nodes.values() if n.type_id == "transform.blend"][-1:]
    shot = {"done": False}
    out2 = os.path.join(docs, "screenshot-running-template.png")

    def take():
        if not shot["done"]:
            shot["done"] = bool(w.grab().save(out2))
            loop.quit()

    def on_event(e):
        if isinstance(e, ev.NodeProgress) and e.node_id == save.id and e.total and e.step >= e.total // 2:
            QTimer.singleShot(0, take)

    w.runner.event.connect(on_event)
    w.run_finished.connect(lambda *_: QTimer.singleShot(500, take))
    QTimer.singleShot(800, w.canvas.fit_all)
    QTimer.singleShot(900, lambda: w.canvas.select(last_blend))  # the viewer shows its frames
    QTimer.singleShot(1000, w.runs.run_graph)
    QTimer.singleShot(300_000, loop.quit)
    loop.exec()
    from scripts.shots.window import stop_and_close
    stop_and_close(w, loop)
    print(f"templates: {ok1}, running: {shot['done']}")
    return 0 if ok1 and shot["done"] else 1


if __name__ == "__main__":
    sys.exit(main())
