"""``python -m scripts.shots.draft OUT.png``: the Run toolbar's Draft / Final toggle switched to Draft
on a graph of three generators, one of them selected (its 'quality' in the properties panel)."""
from __future__ import annotations

import os
import sys
import tempfile


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = argv[0] if argv else "docs/screenshot-draft.png"
    from PySide6.QtCore import QEventLoop, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from studio.ui.theme import apply_theme
    from studio.ui.window.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    apply_theme(app)
    tmp = tempfile.mkdtemp(prefix="studio-shot-")
    w = MainWindow(settings=QSettings(os.path.join(tmp, "s.ini"), QSettings.IniFormat), data_dir=tmp)
    w.resize(1600, 1000)
    w.show()
    doc = w.doc
    load = doc.add_node("video_models.load", (0, 120))
    gens = [doc.add_node(t, (360, i * 260)) for i, t in enumerate(
        ("video_models.text_to_video", "video_models.image_to_video", "video_models.wan_vace"))]
    for g in gens:
        doc.connect(load, "model", g, "model")
    w.quality_toggle.click()  # as the artist does: every generator to draft, one undo step
    w.canvas.select(gens[:1])
    w.canvas.fit_all()
    loop = QEventLoop()
    QTimer.singleShot(1200, loop.quit)
    loop.exec()
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    ok = w.grab().save(out)
    print(("saved " if ok else "could not save ") + out, [doc.graph.nodes[g].params["quality"] for g in gens],
          doc.undo_stack.undoText())
    w.files.ask_unsaved = lambda: "discard"
    w.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
