"""``python -m scripts.shots.artist_walk OUTDIR [--relaunch]`` on an X display (Xvfb, with or
without a window manager): the issue-25 walk through the studio with real X input from
``xdotool`` and screenshots of the whole screen by ImageMagick's ``import``. The window keeps the
size Studio gives it on that screen. Prints one line per step with what the window said and the
figures the step is about; ``--relaunch`` is the second launch (it should open the graph saved by
the first).

Steps: the demo run; the viewer after selecting another node at the playhead; Tab search at the
right edge; a wire held over a port that refuses it; Preferences; Render in Chunks; a group and
its run; the template browser; two templates (fit) and Fit Graph; plate_cleanup's outputs in the
status bar; a failed run's labels; a short training run (the Training dock), then a graph without
training; the window shrunk to 1024x700 and grown back to the screen."""
from __future__ import annotations

import os
import sys
import tempfile
import time

from scripts.shots.walk import Walk, sh


def _env(tmp: str) -> None:
    os.environ.setdefault("STUDIO_PROJECT_DIR", os.path.join(tmp, "project"))
    os.environ.setdefault("STUDIO_DATA_DIR", os.path.join(tmp, "data"))
    os.environ.setdefault("STUDIO_CONFIG_DIR", os.path.join(tmp, "config"))
    from studio.core.confine import allow_for_session
    allow_for_session(tmp)  # the walk writes its renders here (else the window asks, once per folder)


def _window(tmp: str):
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from studio.ui.app import start_window
    QApplication.instance() or QApplication([])
    app, w = start_window(None, QSettings(os.path.join(tmp, "studio.ini"), QSettings.IniFormat))
    return app, w


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = argv[0] if argv else "walk"
    os.makedirs(out, exist_ok=True)
    relaunch = "--relaunch" in argv
    tmp = os.environ.get("STUDIO_WALK_TMP") or tempfile.mkdtemp(prefix="studio-walk25-")
    _env(tmp)
    app, w = _window(tmp)
    walk = Walk(out, w, app)
    walk.wait(1200)
    scr = w.screen().availableGeometry()
    if relaunch:
        walk.n = 40
        walk.shot("relaunch", f"opened {w.doc.path!r} (the graph saved last time)")
        w.files.ask_unsaved = lambda: "discard"
        w.close()
        return 0
    walk.shot("opened", f"screen {scr.width()}x{scr.height()}, window {w.width()}x{w.height()} at "
                        f"({w.x()},{w.y()}); frame {w.frameGeometry().width()}x{w.frameGeometry().height()}")
    return _walk(walk, w, tmp)


def _walk(walk: Walk, w, tmp: str) -> int:
    from PySide6.QtCore import QPoint

    from studio.core.assets import TEMPLATES_DIR
    cv = w.canvas
    vp = cv.view.viewport()
    w.files.ask_unsaved = lambda: "discard"

    def nid(type_id):
        return next(n for n in w.doc.graph.nodes if w.doc.graph.nodes[n].type_id == type_id)

    # 1. the demo run, then another node selected at the playhead
    save, colour, src = nid("io.save_video"), nid("transform.color"), nid("source.shapes")
    w.doc.set_param(save, "path", os.path.join(tmp, "demo.mp4"))
    walk.run_and_wait()
    walk.click(vp, walk.node_point(save))
    walk.shot("run", f"status bar: {w.runs.run_label.text().strip()!r} {w.runs.output_link.text()!r}")
    tl = w.preview.timeline
    walk.click(tl, QPoint(int(tl.width() * 0.7), 40))
    at = w.preview.timeline.current
    walk.click(vp, walk.node_point(colour))
    walk.wait(500)
    walk.shot("viewer-after-select", f"playhead {at} before; now timeline {w.preview.timeline.current}, "
                                     f"viewer frame {w.preview.shown_frame} of {w.preview.title!r}")

    # 2. Tab search at the canvas' right edge
    p = vp.mapToGlobal(QPoint(vp.width() - 6, 30))
    sh("xdotool", "mousemove", "--sync", str(p.x()), str(p.y()))
    walk.key("Tab")
    pop = cv.search
    walk.shot("tab-search-right-edge", f"popup {pop.geometry().getRect()} in a view {cv.view.width()}x"
                                       f"{cv.view.height()}")
    walk.key("Escape")

    # 3. a wire held over a port that will refuse it
    a = cv.view.mapFromScene(cv.port_scene_center(src, "caption", "out"))
    b = cv.view.mapFromScene(cv.port_scene_center(colour, "video", "in"))
    pa, pb = vp.mapToGlobal(a), vp.mapToGlobal(b)
    sh("xdotool", "mousemove", "--sync", str(pa.x()), str(pa.y()), "mousedown", "1")
    for k in range(1, 9):
        sh("xdotool", "mousemove", "--sync", str(pa.x() + (pb.x() - pa.x()) * k // 8),
           str(pa.y() + (pb.y() - pa.y()) * k // 8))
        walk.wait(30)
    walk.shot("refusal-cue", f"while dragging: {cv.view.refusing!r}")
    sh("xdotool", "mouseup", "1")
    walk.wait(300)

    # 4. Preferences (Ctrl+,) and Render in Chunks (Ctrl+Shift+R)
    from PySide6.QtCore import QTimer

    def shoot_dialog(name, note_fn, key="Escape"):
        def go():
            from PySide6.QtWidgets import QApplication
            dlg = QApplication.activeModalWidget() or QApplication.activeWindow()
            walk.shot(name, note_fn(dlg))
            sh("xdotool", "key", key)
        QTimer.singleShot(900, go)
    shoot_dialog("preferences", lambda d: f"{type(d).__name__} {d.width()}x{d.height()}")
    walk.key("ctrl+comma")
    walk.wait(600)
    walk.key("ctrl+shift+r")
    walk.wait(800)
    from studio.ui.dialogs.render import RenderDialog
    dlg = w.findChild(RenderDialog)
    if dlg is not None:
        walk.shot("render-dialog", f"frames {dlg.first_spin.value()}-{dlg.last_spin.value()} "
                                   f"{dlg.length_label.text()!r}")
        dlg.close()

    # 5. a group: its dialog (tick boxes), then a run: the group's label
    resize = nid("transform.resize")
    cv.select([colour, resize])
    shoot_dialog("group-dialog", lambda d: f"{type(d).__name__}", key="Return")
    walk.focus()
    walk.key("ctrl+shift+g")
    walk.wait(800)
    gid = next((n for n, i in w.doc.graph.nodes.items() if i.subgraph is not None), None)
    walk.run_and_wait()
    walk.shot("group-ran", f"group {gid}: {cv.status_text(gid)!r}" if gid else "no group made")
    target = os.path.join(tmp, "project", "walk.json")
    w.files.ask_save_path = lambda start: target
    walk.key("ctrl+shift+s")
    walk.wait(300)

    # 6. the template browser, two templates, Fit Graph
    shoot_dialog("template-browser", lambda d: f"{type(d).__name__} {d.width()}x{d.height()} in a "
                                               f"{w.width()}x{w.height()} window")
    walk.key("ctrl+shift+n")
    walk.wait(600)
    for name in ("plate_cleanup", "audio_image_to_video"):
        w.files.open_template(str(TEMPLATES_DIR / f"{name}.json"))
        walk.wait(500)
        whole = cv.visible_scene_rect().contains(cv.graph_rect())
        walk.shot(f"template-{name}", f"zoom {cv.zoom_scale():.2f}, whole graph in view: {whole}")
    cv.set_zoom_scale(1.4, cv.graph_rect().topLeft())
    walk.click(vp, QPoint(vp.width() - 10, vp.height() - 10))
    walk.key("f")
    walk.shot("fit-graph", f"after F: zoom {cv.zoom_scale():.2f}, whole: "
                           f"{cv.visible_scene_rect().contains(cv.graph_rect())}")

    # 7. plate_cleanup's two outputs in the status bar
    w.files.open_template(str(TEMPLATES_DIR / "plate_cleanup.json"))
    g = w.doc.graph
    for n, inst in g.nodes.items():
        if inst.type_id == "footage.save_sequence":
            w.doc.set_param(n, "path", os.path.join(tmp, "comp", "comp.####.exr"))
        if inst.type_id == "io.save_video":
            w.doc.set_param(n, "path", os.path.join(tmp, "review.mp4"))
    walk.run_and_wait()
    walk.shot("outputs-in-status-bar", f"{w.runs.output_link.text()!r}; tooltip {w.runs.output_link.toolTip()!r}")

    # 8. a failed run: the labels after the failed node
    w.files.new_graph()
    a_ = w.doc.add_node("io.load_video", (0, 0))
    w.doc.set_param(a_, "path", os.path.join(tmp, "missing.mp4"))
    c_ = w.doc.add_node("transform.color", (260, 0))
    s_ = w.doc.add_node("io.save_video", (520, 0))
    w.doc.connect(a_, "video", c_, "video")
    w.doc.connect(c_, "video", s_, "video")
    cv.fit_all()
    walk.run_and_wait()
    walk.shot("failed-run", f"after the failed node: {cv.status_text(c_)!r}, {cv.status_text(s_)!r}; "
                            f"status {w.statusBar().currentMessage()!r}")

    # 9. a short training run (the Training dock), then a graph without training
    w.files.open_template(str(TEMPLATES_DIR / "text_to_video_one_object.json"))
    for k, v in {"count": 64, "holdout": 4}.items():
        w.doc.set_param("dataset", k, v)
    for k, v in {"steps": 20000, "batch": 4, "width": 8, "preview_every": 20, "checkpoint_every": 0,
                 "max_minutes": 0.12, "resume": False, "checkpoint": os.path.join(tmp, "t.safetensors")}.items():
        w.doc.set_param("train", k, v)
    w.doc.set_param("sample", "steps", 4)
    w.doc.set_param("save", "path", os.path.join(tmp, "t2v.mp4"))
    done = []
    w.run_finished.connect(lambda *x: done.append(x))
    walk.focus()
    walk.key("F5")
    end = time.perf_counter() + 240
    shot_mid = False
    while not done and time.perf_counter() < end:
        walk.wait(200)
        if not shot_mid and w.training is not None and w.training.histories.get("train") is not None \
                and (w.training.histories["train"].last_step or 0) > 20:
            walk.shot("training-running", f"dock: {w.training.step_label.text()!r}; node: "
                                          f"{cv.status_text('train')!r}")
            shot_mid = True
    w.run_finished.disconnect()
    walk.wait(400)
    tp = w.training
    walk.shot("training-done", f"dock {w.training_dock.width()}x{w.training_dock.height()}: "
                               f"{tp.step_label.text() if tp else ''!r}; values {tp.values_label.text() if tp else ''!r}")
    w.files.open_path(target, ask=False)
    walk.wait(400)
    walk.shot("graph-without-training", f"Training dock hidden: {w.training_dock.isHidden()}")

    # 10. shrunk to 1024x700, then grown back to the screen
    scr = w.screen().availableGeometry()
    sh("xdotool", "windowsize", "--sync", str(int(w.winId())), "1024", "700")
    walk.wait(900)
    walk.run_and_wait()
    walk.click(vp, walk.node_point(nid("io.save_video")))
    walk.shot("small-1024x700", f"canvas {cv.widget.width()}x{cv.widget.height()}, viewer picture "
                                f"{w.preview.stack.image.width()}x{w.preview.stack.image.height()}, title "
                                f"{w.preview.title_label.text()!r}")
    sh("xdotool", "windowsize", "--sync", str(int(w.winId())), str(scr.width()), str(scr.height()))
    walk.wait(900)
    walk.shot("grown-back", f"window {w.width()}x{w.height()}: palette {w.palette_dock.width()}, viewer "
                            f"{w.viewer_dock.width()}x{w.viewer_dock.height()}")
    w.files.ask_unsaved = lambda: "discard"
    w.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
