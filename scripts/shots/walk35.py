"""``python -m scripts.shots.walk35 OUTDIR`` on an X display (Xvfb, with or without a window
manager): the issue-35 walk with real X input from ``xdotool`` and screenshots of the screen by
ImageMagick's ``import``. The window keeps the size Studio gives it on that screen.

Steps: the demo run; transport keys with the canvas focused (Space, Right, Shift+Right, I/O); a
typed number out of range; Particles over a plate through Composite (alpha, size, warning); the
A/B wipe and File > New; a colleague's graph (missing inputs and writes outside; "Don't allow" and
"ask again"); the output link without a desktop launcher; the window at 1024x700. Prints one line
per step with what the window said and the figures the step is about."""
from __future__ import annotations

import json
import os
import sys
import tempfile

from scripts.shots.walk import Walk, sh


def _colleague_graph(registry, folder: str, outside: str, missing: bool) -> str:
    from studio.core.fileformat import graph_to_dict
    from studio.core.graph import Graph
    g = Graph(registry)
    for i in range(2):
        src = (g.add_node("io.load_video", {"path": f"/home/colleague/takes/take{i}.mp4"}) if missing else
               g.add_node("source.shapes", {"frames": 6, "width": 64, "height": 48, "sound": False}))
        out = g.add_node("io.save_video", {"path": os.path.join(outside, f"shot{i}.mp4")})
        g.connect(src.id, "video", out.id, "video")
    path = os.path.join(folder, "colleague-missing.json" if missing else "colleague.json")
    with open(path, "w") as f:
        json.dump(graph_to_dict(g), f)
    return path


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = argv[0] if argv else "walk35"
    os.makedirs(out, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="studio-walk35-")
    for k, sub in (("STUDIO_PROJECT_DIR", "project"), ("STUDIO_DATA_DIR", "data"), ("STUDIO_CONFIG_DIR", "config")):
        os.environ.setdefault(k, os.path.join(tmp, sub))
    from PySide6.QtCore import QPoint, QSettings
    from PySide6.QtWidgets import QApplication

    from studio.core.confine import allow_for_session
    from studio.engine.device import configure_threads
    from studio.ui.theme import apply_theme
    from studio.ui.window.main_window import DEMO_GRAPH, MainWindow
    configure_threads(interactive=True)
    allow_for_session(os.path.join(tmp, "project"))
    app = QApplication.instance() or QApplication([])
    apply_theme(app)
    w = MainWindow(settings=QSettings(os.path.join(tmp, "s.ini"), QSettings.IniFormat),
                   data_dir=os.environ["STUDIO_DATA_DIR"])
    w.files.ask_unsaved = lambda: "discard"
    w.move(0, 0)
    w.show()
    walk = Walk(out, w, app)
    walk.wait(1500)
    scr = app.primaryScreen().size()
    size = f"{scr.width()}x{scr.height()}"
    print(f"screen {size}, window {w.width()}x{w.height()}, title {w.windowTitle()!r}", flush=True)

    # 1. the demo run, then the transport keys with the canvas focused
    w.files.open_path(str(DEMO_GRAPH), ask=False)
    g = w.doc.graph
    save = next(n for n in g.nodes if g.nodes[n].type_id == "io.save_video")
    src = next(n for n in g.nodes if g.nodes[n].type_id == "source.shapes")
    w.doc.set_param(save, "path", os.path.join(tmp, "project", "demo.mp4"))
    walk.run_and_wait()
    walk.click(w.canvas.view.viewport(), walk.node_point(src))
    tl = w.preview.timeline
    before = tl.current
    walk.key("Right", "Right", "shift+Right", "i", "shift+Right", "o")
    moved = tl.current
    walk.key("space")
    walk.wait(800)
    walk.key("space")
    walk.shot(f"keys-{size}", f"canvas focus ({type(app.focusWidget()).__name__}): frame {before} -> {moved} by "
                              f"Right Right Shift+Right; in/out {w.preview.in_out()}; after Space twice {tl.current}")

    # the focus after a file dialog (without a window manager nothing gave it back)
    from PySide6.QtCore import QTimer
    seen = []

    def close_dialog():
        seen.append(type(app.activeModalWidget()).__name__)
        sh("xdotool", "key", "Escape")  # real X input: it goes where the X focus is
        if app.activeModalWidget() is not None and len(seen) < 5:
            QTimer.singleShot(500, close_dialog)
    QTimer.singleShot(1200, close_dialog)
    walk.key("ctrl+o")
    walk.wait(1500)
    dialog = f"{seen}"
    fw = app.focusWindow()
    print(f"     after Ctrl+O ({dialog}) and Escape: focus window {fw.title() if fw else None!r}", flush=True)

    # 2. a typed number out of range
    interp = w.doc.add_node("motion.interpolate", (900, 300))
    w.canvas.select([interp])
    walk.wait(300)
    spin = w.properties.editors["factor"].spin
    walk.click(spin)
    walk.key("ctrl+a")
    walk.type("100000")
    walk.key("Return")
    walk.shot(f"refused-{size}", f"factor typed 100000: value {spin.value()}, note "
                                 f"{w.properties.editors['factor'].range_note.text()!r}")

    # 3. Particles over a plate through Composite
    w.files.new_graph()
    plate = w.doc.add_node("source.shapes", (0, 0), {"frames": 12, "width": 256, "height": 256, "sound": False})
    parts = w.doc.add_node("procedural.particles", (0, 260), {"frames": 12, "count": 150})
    comp = w.doc.add_node("edit.composite", (320, 100))
    w.doc.connect(plate, "video", comp, "background")
    w.doc.connect(parts, "video", comp, "foreground")
    w.canvas.fit_all()
    walk.run_and_wait()
    warn = w.runs.run_label.text().strip()
    w.doc.connect(plate, "video", parts, "like")
    w.doc.connect(parts, "alpha", comp, "mask")
    walk.run_and_wait()
    walk.click(w.canvas.view.viewport(), walk.node_point(comp))
    walk.shot(f"composite-{size}", f"first run: {warn[:160]!r}; with like+alpha: {w.runs.run_label.text().strip()!r}")
    form = w.properties.form
    from PySide6.QtWidgets import QFormLayout
    labels = [form.itemAt(i, QFormLayout.LabelRole).widget().text() for i in range(form.rowCount())
              if form.itemAt(i, QFormLayout.LabelRole) is not None and form.itemAt(i, QFormLayout.LabelRole).widget()]
    print(f"     composite rows: {labels}", flush=True)

    # 4. the A/B wipe, then File > New
    walk.click(w.canvas.view.viewport(), walk.node_point(plate))
    walk.click(w.preview.compare_button)
    walk.click(w.canvas.view.viewport(), walk.node_point(comp))
    walk.shot(f"wipe-{size}", f"A/B: B = {w.preview.compare[1] if w.preview.compare else None}")
    walk.key("ctrl+n")
    walk.wait(500)
    walk.shot(f"new-{size}", f"after File > New: compare {w.preview.compare}, A/B checked "
                             f"{w.preview.compare_button.isChecked()}, readout {w.preview.pixel_label.text()!r}")

    # 5. a colleague's graph: missing inputs and writes outside; then one that only writes outside
    shared, outside = os.path.join(tmp, "shared"), os.path.join(tmp, "elsewhere")
    os.makedirs(shared)
    os.makedirs(outside)
    w.files.open_path(_colleague_graph(w.registry, shared, outside, True), ask=False)
    walk.run_and_wait()
    w.log_dock.raise_()
    walk.shot(f"colleague-missing-{size}", "opened and F5: " + " / ".join(
        ln.split(" ", 1)[-1][:90] for ln in w.log_view.toPlainText().splitlines()[-8:]))
    w.files.open_path(_colleague_graph(w.registry, shared, outside, False), ask=False)
    from PySide6.QtWidgets import QMessageBox

    def answer(text):
        box = next((x for x in app.topLevelWidgets() if isinstance(x, QMessageBox) and x.isVisible()), None)
        if box is None:
            QTimer.singleShot(100, lambda: answer(text))
            return
        walk.shot(f"question-{size}", box.text()[:120])
        walk.click(next(b for b in box.buttons() if b.text() == text))
    QTimer.singleShot(300, lambda: answer("Don't allow"))
    walk.run_and_wait()
    walk.run_and_wait()
    note = w.runs.consent.declined_label
    walk.shot(f"declined-{size}", f"after Don't allow and F5 again: note {note.text() if note else None!r}")
    QTimer.singleShot(300, lambda: answer("Allow for this session"))
    done = []
    w.run_finished.connect(lambda *a: done.append(a))
    if note is not None:
        walk.click(note, QPoint(note.width() - 20, note.height() // 2))
    for _ in range(600):
        if done:
            break
        walk.wait(100)
    walk.shot(f"asked-again-{size}", f"ask again: written {sorted(os.listdir(outside))}")

    # 6. the output link without a desktop launcher
    link = w.runs.output_link
    walk.click(link, QPoint(10, link.height() // 2))
    walk.wait(1500)
    walk.shot(f"open-output-{size}", f"link {link.text()!r}: viewer shows {w.preview.title!r}")

    # 7. the window at 1024x700
    w.showNormal()
    w.resize(1024, 700)
    walk.wait(800)
    w.files.open_path(str(DEMO_GRAPH), ask=False)
    walk.run_and_wait()
    walk.click(w.canvas.view.viewport(), walk.node_point(next(iter(w.doc.graph.nodes))))
    walk.shot("small-1024x700", f"viewer {w.preview.viewer_widget.height()} px tall, window "
                                f"{w.width()}x{w.height()}")
    w.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
