"""The README's training picture: the window training the text-to-video template."""
from __future__ import annotations

import os
import sys
import tempfile

from PySide6.QtCore import QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QApplication

from scripts.shots.window import stop_and_close
from studio.core.assets import TEMPLATES_DIR
from studio.engine import events as ev
from studio.engine.device import configure_threads
from studio.ui.app import configure_gil
from studio.ui.theme import apply_theme
from studio.ui.window.main_window import MainWindow


def main(argv: list[str] | None = None) -> int:
    """``python -m scripts.shots.training [OUT.png]``: the window training the text-to-video
    template (reduced to train for a few seconds, checkpoint in a temporary folder), taken mid-run
    with the loss plot, the live sample in the viewer and the Sample node selected. Run it under
    Xvfb: ``xvfb-run -s "-screen 0 1920x1200x24" .venv/bin/python -m scripts.shots.training``."""
    argv = sys.argv[1:] if argv is None else argv
    out = argv[0] if argv else "docs/screenshot-training.png"
    app = QApplication.instance() or QApplication([])
    apply_theme(app)
    configure_threads(interactive=True)
    configure_gil()
    tmp = tempfile.mkdtemp(prefix="studio-shot-")
    os.environ.setdefault("STUDIO_DATA_DIR", tmp)
    w = MainWindow(settings=QSettings(os.path.join(tmp, "s.ini"), QSettings.IniFormat), data_dir=tmp)
    w.resize(1600, 1000)
    w.show()
    w.files.open_template(str(TEMPLATES_DIR / "text_to_video.json"))
    g = w.doc.graph
    for k, v in {"count": 192}.items():
        g.set_param("dataset", k, v)
    for k, v in {"steps": 600, "batch": 16, "preview_every": 50,
                 "checkpoint": os.path.join(tmp, "t2v.safetensors")}.items():
        g.set_param("train", k, v)
    g.set_param("save", "path", os.path.join(tmp, "t2v.mp4"))
    w.doc.undo_stack.setClean()
    loop = QEventLoop()
    shot = {"ok": False}

    def take():
        if not shot["ok"]:
            w.canvas.fit_all()
            app.processEvents()
            shot["ok"] = bool(w.grab().save(out))
            w.runs.stop()
            loop.quit()

    def on_event(e):
        if isinstance(e, ev.NodeProgress) and e.node_id == "train" and e.preview is not None and e.step >= 450:
            QTimer.singleShot(150, take)  # after the panel's next redraw
    w.runner.event.connect(on_event)
    w.run_finished.connect(lambda *_: QTimer.singleShot(300, take))
    QTimer.singleShot(500, lambda: w.canvas.select(["sample"]))
    QTimer.singleShot(800, w.runs.run_graph)
    QTimer.singleShot(300_000, loop.quit)
    loop.exec()
    stop_and_close(w, loop)
    print(("saved " if shot["ok"] else "could not save ") + out)
    return 0 if shot["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
