"""Stop on the CPU, as an artist meets it: the image_to_video template in the window, with a small
random SVD (native 25 frames; benchmarks/real_video_models.py --small) in a temporary models folder
under the name the template expects, 'preview size' off (1024x576, 25 frames: minutes a step).
F5, Stop after --after seconds; prints how long the run took to end after Stop, what the status bar
said, and saves screenshots (while running, after it stopped). Run under a display (Xvfb):

    Xvfb :99 -screen 0 1600x1000x24 & openbox &
    DISPLAY=:99 .venv/bin/python benchmarks/demo_stop_video_models.py --after 10 --shots /tmp/shots
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
import benchmarks  # noqa: E402,F401  (allows the temporary folder it works in: benchmarks/__init__.py)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--after", type=float, default=10.0, help="seconds between F5 and Stop")
    ap.add_argument("--shots", default=tempfile.gettempdir())
    a = ap.parse_args()
    models = tempfile.mkdtemp(prefix="studio-stop-demo-")
    from benchmarks.real_video_models import build
    build(models, "svd", small=True, device="cpu")
    os.environ["STUDIO_MODELS"] = models
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import studio.ui  # noqa: F401 - the PySide6 refcount guard first
    from PySide6.QtCore import QEventLoop, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from studio.engine.device import configure_threads
    from studio.ui.app import configure_gil
    from studio.ui.theme import apply_theme
    from studio.ui.window.main_window import MainWindow
    app = QApplication.instance() or QApplication([])
    apply_theme(app)
    configure_threads(interactive=True)
    configure_gil()
    data = tempfile.mkdtemp(prefix="studio-stop-demo-data-")
    w = MainWindow(settings=QSettings(os.path.join(data, "s.ini"), QSettings.IniFormat), data_dir=data)
    w.resize(1500, 900)
    w.move(0, 0)
    w.show()
    w.files.open_template(os.path.join(ROOT, "assets", "graphs", "image_to_video.json"))
    gen = next(n.id for n in w.doc.graph.nodes.values() if n.type_id == "video_models.image_to_video")
    w.doc.set_param(gen, "preview_size", "off")
    loop = QEventLoop()

    def wait(ms: int) -> None:
        QTimer.singleShot(max(0, ms), loop.quit)
        loop.exec()

    def shot(name: str) -> None:
        subprocess.run(["import", "-window", "root", os.path.join(a.shots, name)], check=False)
    wait(1500)
    ended: dict = {}
    w.run_finished.connect(lambda r, e: ended.setdefault("t", time.perf_counter()))
    w.activateWindow()
    w.raise_()
    wait(300)
    how = "F5 (xdotool)"
    subprocess.run(["xdotool", "key", "F5"], check=False)
    t_run = time.perf_counter()
    wait(500)
    if not w.runner.running:
        how = "the Run action"
        w.run_action.trigger()
    wait(int(a.after * 1000 - (time.perf_counter() - t_run) * 1000))
    shot("stop_demo_running.png")
    t_stop = time.perf_counter()
    subprocess.run(["xdotool", "key", "shift+F5"], check=False)
    while not (w.runs.session and w.runs.session.stopping) and time.perf_counter() - t_stop < 2:
        app.processEvents()
        time.sleep(0.002)
    if not (w.runs.session and w.runs.session.stopping):
        w.stop_action.trigger()
    said = (w.runs.run_label.text().strip(), w.node_label.text().strip())
    while "t" not in ended and time.perf_counter() - t_stop < 120:
        app.processEvents()
        time.sleep(0.005)
    took = ended.get("t", float("nan")) - t_stop
    wait(300)
    shot("stop_demo_stopped.png")
    print(json.dumps({"started_by": how, "stop_after_s": round(t_stop - t_run, 2), "stop_to_end_s": took,
                      "status_after_stop": said, "status_at_end": w.runs.run_label.text().strip(),
                      "models_kept": len(w.runner.executor.models), "shots": a.shots}, indent=1), flush=True)
    w.files.ask_unsaved = lambda: "discard"
    shutil.rmtree(models, ignore_errors=True)
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
