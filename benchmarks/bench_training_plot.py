"""GUI stall while the Training dock plots 10,000 steps, against baselines in the same process.

A 5 ms QTimer probe (benchmarks/bench_gui_stall.py) records the gaps between its ticks in the
studio window (text-to-video template open) while a thread sends NodeProgress events of the
'train' node (loss, two loss parts, val_loss every 250 steps, a 32x256 sample filmstrip every
250 steps) through the window's run controller, as a worker does:

  idle          the window doing nothing
  no panel      the feed with the Training dock's hook replaced by a no-op (the rest of the
                window's event handling: canvas progress, viewer previews)
  panel         the same feed with the dock plotting
  flood         the 10,000 events queued as fast as the thread can emit them, without and with
                the panel

A real run sends far fewer: the engine passes a node's progress on at most every 50 ms (and
every preview), so 2,000 steps/s is a 100x stress of the event path.

and, without the probe, the cost of one redraw and of a smoothing change at N points.

    .venv/bin/python benchmarks/bench_training_plot.py [STEPS] [RATE_PER_S]
"""
from __future__ import annotations

import os
import sys
import tempfile
import threading
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import studio.ui  # noqa: E402,F401 - installs the PySide6 refcount guard first
import numpy as np  # noqa: E402
from PySide6.QtCore import QEventLoop, QObject, QSettings, QTimer, Signal  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from benchmarks.bench_gui_stall import Probe  # noqa: E402


class Feeder(QObject):
    event = Signal(object)


def events(n: int):
    from studio.engine.events import NodeProgress
    rng = np.random.default_rng(0)
    strip = rng.random((32, 256, 3)).astype(np.float32)
    for s in range(1, n + 1):
        v = {"loss": 1.0 / np.sqrt(s) + 0.05 * rng.random(), "diffusion": 0.5 / np.sqrt(s), "velocity": 0.4 / s}
        prev = None
        if s % 250 == 0:
            v["val_loss"] = 1.1 / np.sqrt(s)
            prev = strip
        yield NodeProgress("train", s, n, None, prev, None, {k: float(x) for k, x in v.items()})


def feed(w, probe, n: int, rate: float | None, loop: QEventLoop) -> tuple[float, float, float, int]:
    from studio.engine.events import NodeStarted, RunStarted
    f = Feeder()
    f.event.connect(w.runner.event)  # emitted from another thread: queued to the GUI thread, as a run's are
    evs = list(events(n))
    got = [0]

    def count(e):
        got[0] += 1
        if got[0] == n + 2:
            QTimer.singleShot(300, loop.quit)  # let the last redraw happen
    w.runner.event.connect(count)

    def run():
        f.event.emit(RunStarted(["train"], "cpu"))
        f.event.emit(NodeStarted("train", "Train Generator"))
        t0 = time.perf_counter()
        for i, e in enumerate(evs):
            f.event.emit(e)
            if rate:
                due = t0 + (i + 1) / rate
                d = due - time.perf_counter()
                if d > 0:
                    time.sleep(d)
    probe.start()
    t0 = time.perf_counter()
    th = threading.Thread(target=run)
    th.start()
    QTimer.singleShot(600_000, loop.quit)
    loop.exec()
    th.join()
    probe.stop()
    w.runner.event.disconnect(count)
    f.event.disconnect(w.runner.event)
    mx, p99, ticks = probe.summary()
    return mx, p99, time.perf_counter() - t0, ticks


def main() -> int:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    rate = float(sys.argv[2]) if len(sys.argv) > 2 else 2000.0
    app = QApplication.instance() or QApplication([])
    from studio.ui.app import configure_gil
    from studio.ui.window.main_window import MainWindow
    from studio.ui.dialogs.templates import TEMPLATES_DIR
    from studio.ui.panels.training import TrainingPanel
    configure_gil()
    tmp = tempfile.mkdtemp(prefix="studio-bench-")
    w = MainWindow(settings=QSettings(os.path.join(tmp, "s.ini"), QSettings.IniFormat), data_dir=tmp)
    w.resize(1400, 900)
    w.show()
    w.files.open_template(str(TEMPLATES_DIR / "text_to_video.json"))
    probe = Probe()
    loop = QEventLoop()
    probe.start()
    QTimer.singleShot(1500, loop.quit)
    loop.exec()
    probe.stop()
    idle = probe.summary()

    real = w.training.on_event
    w.training.on_event = lambda e: None
    base = feed(w, probe, n, rate, loop)
    base_flood = feed(w, probe, n, None, loop)
    w.training.on_event = real
    w.training.clear_all()
    with_panel = feed(w, probe, n, rate, loop)
    redraws = w.training.redraws
    points = w.training.points_drawn
    w.training.clear_all()
    flood = feed(w, probe, n, None, loop)

    print(f"{n} steps at {rate:.0f} steps/s (4 values a step, val_loss and a filmstrip every 250)")
    print(f"idle        : longest gap {idle[0]:6.1f} ms, p99 {idle[1]:5.1f} ms")
    print(f"no panel    : longest gap {base[0]:6.1f} ms, p99 {base[1]:5.1f} ms ({base[2]:.2f} s)")
    print(f"panel       : longest gap {with_panel[0]:6.1f} ms, p99 {with_panel[1]:5.1f} ms ({with_panel[2]:.2f} s), "
          f"{redraws} redraws ({redraws / with_panel[2]:.1f}/s), {points} points drawn at the end")
    print(f"flood, none : longest gap {base_flood[0]:6.1f} ms, p99 {base_flood[1]:5.1f} ms "
          f"({base_flood[2]:.2f} s to handle all)")
    print(f"flood, panel: longest gap {flood[0]:6.1f} ms, p99 {flood[1]:5.1f} ms ({flood[2]:.2f} s to handle all)")
    print(f"ratio panel/no panel longest gap: {with_panel[0] / max(base[0], 1e-9):.2f}x, "
          f"p99: {with_panel[1] / max(base[1], 1e-9):.2f}x; panel/idle: {with_panel[0] / max(idle[0], 1e-9):.2f}x")

    # one redraw and one smoothing change at growing sizes (the panel alone)
    p = TrainingPanel()
    p.resize(460, 220)
    p.show()
    from studio.engine.events import NodeProgress
    for size in (1_000, 10_000, 100_000):
        p.clear_all()
        t0 = time.perf_counter()
        for s in range(1, size + 1):
            p.on_progress(NodeProgress("t", s, size, None, None, None, {"loss": 1.0 / s, "aux": 0.5, "val": 0.2}))
        add_us = (time.perf_counter() - t0) / size * 1e6
        p.flush()
        app.processEvents()
        ts = []
        for k in range(10):
            p.on_progress(NodeProgress("t", size + k + 1, size, None, None, None, {"loss": 0.1, "aux": 0.5, "val": 0.2}))
            t0 = time.perf_counter()
            p.redraw()
            app.processEvents()  # the paint
            ts.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        p.set_smoothing(0.5 if p.smoothing != 0.5 else 0.7)
        app.processEvents()
        sm = time.perf_counter() - t0
        print(f"{size:>7} points x 3 curves: append {add_us:.1f} us/event, redraw+paint median "
              f"{np.median(ts) * 1e3:.1f} ms (max {max(ts) * 1e3:.1f}), smoothing change {sm * 1e3:.1f} ms")
    p.close()
    w.files.ask_unsaved = lambda: "discard"
    w.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
