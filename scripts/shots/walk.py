"""``xvfb-run -a -s "-screen 0 1600x1000x24" python -m scripts.shots.walk OUTDIR``: walk the
issue-15 tasks in a real window under Xvfb, with real X input from ``xdotool`` (keys, clicks,
drags at the widgets' screen positions) and screenshots of the screen by ImageMagick's ``import``:
the demo run at 1600x1000, a refused wire, a muted node skipping Save Video, scrubbing, save and
reopen, a template, crash recovery (a second process), the window resized to 1024x700.

Needs ``xdotool`` and ``imagemagick`` (``apt-get install -y xdotool imagemagick``). Writes
OUTDIR/walk-*.png and prints one line per step with what the window said."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time


def sh(*args: str) -> None:
    subprocess.run(list(args), check=False, timeout=30)


class Walk:
    def __init__(self, out: str, w, app):
        self.out, self.w, self.app = out, w, app
        self.n = 0

    def wait(self, ms: int) -> None:
        end = time.perf_counter() + ms / 1000
        while time.perf_counter() < end:
            self.app.processEvents()
            time.sleep(0.01)

    def focus(self) -> None:
        sh("xdotool", "windowfocus", "--sync", str(int(self.w.winId())))
        self.wait(100)

    def key(self, *keys: str) -> None:
        self.focus()
        for k in keys:
            sh("xdotool", "key", k)
            self.wait(120)

    def type(self, text: str) -> None:
        sh("xdotool", "type", "--delay", "20", text)
        self.wait(200)

    def click(self, widget, pos=None, button: int = 1) -> None:
        from PySide6.QtCore import QPoint
        p = widget.mapToGlobal(pos if pos is not None else QPoint(widget.width() // 2, widget.height() // 2))
        sh("xdotool", "mousemove", "--sync", str(p.x()), str(p.y()), "click", str(button))
        self.wait(200)

    def drag(self, widget, a, b) -> None:
        pa, pb = widget.mapToGlobal(a), widget.mapToGlobal(b)
        sh("xdotool", "mousemove", "--sync", str(pa.x()), str(pa.y()), "mousedown", "1")
        for k in range(1, 9):
            x = pa.x() + (pb.x() - pa.x()) * k // 8
            y = pa.y() + (pb.y() - pa.y()) * k // 8
            sh("xdotool", "mousemove", "--sync", str(x), str(y))
            self.wait(30)
        sh("xdotool", "mouseup", "1")
        self.wait(300)

    def node_point(self, nid: str):
        """The viewport point on a node's title bar."""
        cv = self.w.canvas
        r = cv.view_node(nid).view.sceneBoundingRect()
        from PySide6.QtCore import QPointF
        return cv.view.mapFromScene(QPointF(r.center().x(), r.top() + 10))

    def shot(self, name: str, note: str = "") -> str:
        self.wait(400)
        self.n += 1
        path = os.path.join(self.out, f"walk-{self.n:02d}-{name}.png")
        sh("import", "-window", "root", path)  # the screen, with dialogs and menus
        self.w.grab().save(path[:-4] + "-window.png")  # the window alone, at its size
        status = self.w.statusBar().currentMessage()
        run = self.w.runs.run_label
        print(f"[{self.n:02d}] {name}: {note} | status: {status!r} | run: {run.text().strip() if run else ''!r}",
              flush=True)
        return path

    def run_and_wait(self, timeout_s: float = 120) -> None:
        done = []
        self.w.run_finished.connect(lambda *a: done.append(a))
        self.key("F5")
        end = time.perf_counter() + timeout_s
        while not done and time.perf_counter() < end:
            self.wait(100)
        self.w.run_finished.disconnect()
        self.wait(500)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    out = argv[0] if argv else "docs"
    if len(argv) > 1 and argv[1] == "--recover":
        return recover(out)
    os.makedirs(out, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="studio-walk-")
    os.environ.setdefault("STUDIO_PROJECT_DIR", os.path.join(tmp, "project"))
    os.environ.setdefault("STUDIO_DATA_DIR", os.path.join(tmp, "data"))
    from PySide6.QtCore import QPoint, QSettings
    from PySide6.QtWidgets import QApplication

    from studio.ui.window.main_window import DEMO_GRAPH, MainWindow
    from studio.ui.theme import apply_theme
    app = QApplication.instance() or QApplication([])
    apply_theme(app)
    w = MainWindow(settings=QSettings(os.path.join(tmp, "s.ini"), QSettings.IniFormat),
                   data_dir=os.environ["STUDIO_DATA_DIR"], autosave_ms=1500)
    w.move(0, 0)
    w.resize(1600, 1000)
    w.show()
    walk = Walk(out, w, app)
    walk.wait(800)
    w.files.open_path(str(DEMO_GRAPH), ask=False)
    g = w.doc.graph
    save = next(n for n in g.nodes if g.nodes[n].type_id == "io.save_video")
    colour = next(n for n in g.nodes if g.nodes[n].type_id == "transform.color")
    src = next(n for n in g.nodes if g.nodes[n].type_id == "source.shapes")
    from studio.core.confine import allow_for_session
    allow_for_session(tmp)  # the walk writes into its temp folder (else the window asks, and waits)
    w.doc.set_param(save, "path", os.path.join(tmp, "demo.mp4"))
    walk.wait(500)
    walk.shot("opened-1600x1000", "the demo graph, untitled (a shipped template)")

    # 1. run
    walk.run_and_wait()
    walk.click(w.canvas.view.viewport(), walk.node_point(save))
    walk.shot("run-1600x1000", "F5 on the demo; Save Video selected")

    # 2. scrub: click in the timeline, then arrows
    tl = w.preview.timeline
    walk.click(tl, QPoint(int(tl.width() * 0.6), 40))
    walk.key("Right", "Right", "Right", "i")
    walk.key("End", "Left", "Left", "o")
    walk.shot("scrub-in-out", f"in/out {w.preview.in_out()}")

    # 3. a refused wire: Shapes' caption (Text) onto Colour Adjust's video input
    cv = w.canvas
    vp = cv.view.viewport()
    a = cv.view.mapFromScene(cv.port_scene_center(src, "caption", "out"))
    b = cv.view.mapFromScene(cv.port_scene_center(colour, "video", "in"))
    walk.drag(vp, a, b)
    walk.shot("refused-wire", "caption (Text) dropped on a Video input")

    # 4. mute mid-chain: Save Video is skipped, the run ends amber
    walk.click(vp, walk.node_point(colour))
    walk.key("m")
    walk.run_and_wait()
    walk.shot("muted-skip", f"Colour Adjust muted; Save Video says: {cv.status_text(save)!r}")
    walk.click(vp, walk.node_point(colour))
    walk.key("m")

    # 5. bypass, then Tab-add a node and Delete it (focus back on the canvas)
    walk.key("b")
    walk.click(vp, QPoint(vp.width() // 2, vp.height() - 60))
    walk.key("Tab")
    walk.type("save")
    walk.key("Return")
    walk.shot("tab-add", f"Tab, 'save', Enter: added {[w.doc.graph.nodes[n].label for n in w.doc.graph.nodes][-1]}")
    walk.key("Delete")
    walk.shot("deleted", f"Delete right after: {len(w.doc.graph.nodes)} nodes")

    # 6. save as (the dialog opens in the project folder), reopen
    target = os.path.join(tmp, "project", "walk.json")
    w.files.ask_save_path = lambda start: (print(f"     Save As opened at {start}"), target)[1]
    walk.key("ctrl+shift+s")
    w.files.new_graph()
    w.files.open_path(target, ask=False)
    walk.shot("reopened", f"saved and reopened {target}; in/out {w.preview.in_out()}")

    # 7. a template
    w.doc.undo_stack.setClean()
    from studio.ui.dialogs.templates import TEMPLATES_DIR
    w.files.open_template(str(TEMPLATES_DIR / "audio_image_to_video.json"))
    walk.shot("template", f"audio_image_to_video at zoom {w.canvas.zoom_scale():.2f}")
    w.files.open_template(str(TEMPLATES_DIR / "music_visualiser.json"))
    walk.shot("template-music", f"music visualiser at zoom {w.canvas.zoom_scale():.2f}")

    # 8. a chunked render of the reopened graph (Run > Render in Chunks, Ctrl+Shift+R)
    w.files.open_path(target, ask=False)
    from studio.ui.dialogs.render import RenderDialog
    walk.key("ctrl+shift+r")
    walk.wait(500)
    dlg = next((d for d in app.topLevelWidgets() if isinstance(d, RenderDialog) and d.isVisible()), None)
    if dlg is None:
        print("     the Render dialog did not open", flush=True)
    else:
        dlg.output_edit.setText(os.path.join(tmp, "chunked.mp4"))
        done = []
        dlg.finished_render.connect(lambda *a: done.append(a))
        dlg.start()
        end = time.perf_counter() + 180
        while not done and time.perf_counter() < end:
            walk.wait(100)
        out_mp4 = os.path.join(tmp, "chunked.mp4")
        walk.shot("chunked-render", f"finished={bool(done)} error={done[0][1] if done else None!r} "
                  f"{os.path.getsize(out_mp4) if os.path.exists(out_mp4) else 0} bytes")
        dlg.close()

    # 8. 1024 x 700
    w.files.open_path(target, ask=False)
    sh("xdotool", "windowsize", "--sync", str(int(w.winId())), "1024", "700")
    walk.wait(800)
    walk.click(vp, QPoint(8, vp.height() - 8))  # empty canvas: F fits the graph to the smaller view
    walk.key("f")
    walk.run_and_wait()
    walk.click(vp, walk.node_point(save))
    walk.shot("small-1024x700", f"canvas {cv.widget.width()}x{cv.widget.height()}")

    # 9. crash: leave an autosave behind (edit, wait for the autosave) and die without closing
    w.doc.add_node("transform.resize", (0, 400))
    walk.wait(2500)
    print(f"     autosaved: {os.listdir(os.path.join(os.environ['STUDIO_DATA_DIR'], 'autosave'))}", flush=True)
    sys.stdout.flush()
    os._exit(0)  # no close event: the autosave stays, as after a crash


def recover(out: str) -> int:
    """The second launch after the crash: the recovery question, then the recovered graph."""
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    from studio.ui.window.main_window import MainWindow
    from studio.ui.theme import apply_theme
    app = QApplication.instance() or QApplication([])
    apply_theme(app)
    w = MainWindow(settings=QSettings(os.path.join(os.environ["STUDIO_DATA_DIR"], "s2.ini"), QSettings.IniFormat),
                   data_dir=os.environ["STUDIO_DATA_DIR"])
    w.move(0, 0)
    w.resize(1024, 700)
    w.show()
    walk = Walk(out, w, app)
    walk.n = 20
    walk.wait(800)

    def answer():
        box = next((b for b in app.topLevelWidgets() if isinstance(b, QMessageBox) and b.isVisible()), None)
        if box is not None:
            walk.shot("recovery-question", box.text())
            sh("xdotool", "key", "Return")
    QTimer.singleShot(1500, answer)
    got = w.files.offer_recovery()
    walk.wait(500)
    walk.shot("recovered", f"recovered={got}, {len(w.doc.graph.nodes)} nodes")
    w.files.ask_unsaved = lambda: "discard"
    w.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
