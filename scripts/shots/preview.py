"""``python -m scripts.shots.preview [--encoders] [--screenshot PATH]``: the preview area on its own, with
synthetic shapes and sound (the timeline picture of the README) or with encoder outputs (the
prompt-similarity and fusion-dominance picture)."""
from __future__ import annotations

import sys
import time

import numpy as np
from PySide6.QtCore import Qt

from studio.ui.preview.area import PreviewArea


def _demo(argv: list[str] | None = None) -> int:
    """``python -m scripts.shots.preview [--screenshot PATH]``: synthetic shapes with sound, their
    optical flow in the viewer (colour wheel and arrows) wiped against the video, the timeline
    below with thumbnails and the waveform."""
    import argparse
    import sys

    from PySide6.QtWidgets import QApplication, QMainWindow, QSplitter

    from studio.core.graph import Graph
    from studio.engine.executor import Executor

    ap = argparse.ArgumentParser(description=_demo.__doc__)
    ap.add_argument("--screenshot", help="save a PNG of the window and quit")
    ap.add_argument("--frames", type=int, default=96)
    args = ap.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    ex = Executor()
    g = Graph()
    src = g.add_node("source.shapes", {"frames": args.frames, "width": 320, "height": 180, "count": 3,
                                       "speed": 3.0, "size": 22.0, "shape": "random", "color": "random"})
    try:
        flow = g.add_node("motion.optical_flow", {})
        g.connect(src.id, "video", flow.id, "video")
        targets = [src.id, flow.id]
    except Exception:  # noqa: BLE001 - the motion package is optional here
        flow, targets = None, [src.id]
    res = ex.run(g, targets=targets)
    video = res.value(src.id, "video")
    if flow is not None:
        flow_clip = res.value(flow.id, next(iter(res.outputs[flow.id])))
    else:  # a swirl as a stand-in
        yy, xx = np.mgrid[0:180, 0:320].astype(np.float32)
        swirl = np.stack([-(yy - 90) / 12, (xx - 160) / 12], -1)
        flow_clip = video.map(lambda f: swirl, channels=2)

    win = QMainWindow()
    win.setWindowTitle("Studio: preview and timeline")
    area = PreviewArea(ex.frame_cache, win)
    split = QSplitter(Qt.Vertical)
    split.addWidget(area.viewer_widget)
    split.addWidget(area.timeline_widget)
    split.setSizes([560, 200])
    win.setCentralWidget(split)
    win.resize(1280, 820)
    area.show_value(src.id, "Synthetic Shapes", video, res.signatures[src.id] + ":video")
    win.show()
    area.seek(args.frames // 3)
    app.processEvents()
    t_end = time.time() + 5
    while time.time() < t_end and len(area.timeline.thumbs) < len(area.timeline.thumb_slots()):
        app.processEvents()
        time.sleep(0.01)
    area.set_compare(src.id, "Synthetic Shapes", video, res.signatures[src.id] + ":video")
    fkey = (res.signatures[flow.id] + ":flow") if flow is not None else "demo-flow"
    area.show_value(flow.id if flow else "flow", "Optical Flow", flow_clip, fkey)
    area.arrows_button.setChecked(True)
    area.stack.image.wipe = 0.62
    area.seek(args.frames // 3)
    area.timeline.set_in(8)
    area.timeline.set_out(args.frames - 12)
    area.seek(args.frames // 3)
    if args.screenshot:
        t_end = time.time() + 8
        while time.time() < t_end and (area.shown_frame != args.frames // 3 or not area.fetcher.idle()
                                       or len(area.timeline.thumbs) < len(area.timeline.thumb_slots())):
            app.processEvents()
            time.sleep(0.01)
        for _ in range(5):
            app.processEvents()
        ok = win.grab().save(args.screenshot)
        area.close()
        print(("saved " if ok else "could not save ") + args.screenshot)
        return 0 if ok else 1
    app.aboutToQuit.connect(area.close)
    return app.exec()


def _demo_encoders(argv: list[str] | None = None) -> int:
    """``python -m scripts.shots.preview --encoders [--screenshot PATH]``: a prompt-similarity matrix,
    a gated fusion of image, audio and text features with its "which input dominates" plot, and
    the clip's timeline with loudness, onsets and beats under the thumbnails."""
    import argparse
    import sys

    from PySide6.QtWidgets import QApplication, QMainWindow, QSplitter

    from studio.core.graph import Graph
    from studio.engine.executor import Executor

    ap = argparse.ArgumentParser(description=_demo_encoders.__doc__)
    ap.add_argument("--encoders", action="store_true")
    ap.add_argument("--screenshot", help="save a PNG of the window and quit")
    args = ap.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    ex = Executor()
    g = Graph()
    src = g.add_node("source.shapes", {"frames": 72, "width": 160, "height": 120, "count": 3, "shape": "random",
                                       "color": "random", "speed": 3.0, "sound": True})
    img = g.add_node("encode.image", {"size": 64, "dim": 32})
    aud = g.add_node("encode.audio", {"mels": 32, "mfcc": 13})
    txt = g.add_node("encode.text", {"prompt": "shapes bouncing to a beat"})
    fuse = g.add_node("fusion.gated", {"dim": 32})
    sim = g.add_node("encode.text_similarity", {"prompts": "a red circle moving left\n"
                                                          "a red ball going to the left\n"
                                                          "a blue square moving up\n"
                                                          "shapes bouncing to a beat\n"
                                                          "a quiet empty room"})
    g.connect(src.id, "video", img.id, "video")
    g.connect(src.id, "video", aud.id, "video")
    g.connect(img.id, "features", fuse.id, "a")
    g.connect(aud.id, "features", fuse.id, "b")
    g.connect(txt.id, "pooled", fuse.id, "c")
    res = ex.run(g, targets=[fuse.id, sim.id])

    win = QMainWindow()
    win.setWindowTitle("Studio: encoder and fusion viewers")
    left = PreviewArea(ex.frame_cache, win)
    right = PreviewArea(ex.frame_cache, win)
    clip_area = PreviewArea(ex.frame_cache, win)
    for a in (left, right, clip_area):
        a.auto_thumbnails = a is clip_area
    top = QSplitter(Qt.Horizontal)
    top.addWidget(left.viewer_widget)
    top.addWidget(right.viewer_widget)
    top.setSizes([560, 720])
    split = QSplitter(Qt.Vertical)
    split.addWidget(top)
    split.addWidget(right.timeline_widget)
    split.addWidget(clip_area.timeline_widget)
    split.setSizes([560, 120, 190])
    win.setCentralWidget(split)
    win.resize(1280, 900)
    sig = res.signatures
    left.show_value(sim.id, "Prompt Similarity", res.value(sim.id, "matrix"), sig[sim.id] + ":matrix")
    clip_area.show_value(src.id, "Synthetic Shapes", res.value(src.id, "video"), sig[src.id] + ":video")
    right.show_value(fuse.id, "Gated Fusion", res.value(fuse.id, "features"), sig[fuse.id] + ":features")
    win.show()
    for a in (right, clip_area):
        a.seek(30)
    sv = left.stack.similarity
    app.processEvents()
    from PySide6.QtCore import QPointF as _P
    from PySide6.QtGui import QMouseEvent
    c = sv.cell_rect(0, 1).center()
    QApplication.sendEvent(sv, QMouseEvent(QMouseEvent.MouseMove, _P(c), _P(sv.mapToGlobal(c.toPoint())),
                                           Qt.NoButton, Qt.NoButton, Qt.NoModifier))
    if args.screenshot:
        t_end = time.time() + 10
        tl = clip_area.timeline
        while time.time() < t_end and (not tl.has_audio_features or not clip_area.fetcher.idle()
                                       or len(tl.thumbs) < len(tl.thumb_slots())):
            app.processEvents()
            time.sleep(0.01)
        for _ in range(5):
            app.processEvents()
        ok = win.grab().save(args.screenshot)
        for a in (left, right, clip_area):
            a.close()
        print(("saved " if ok else "could not save ") + args.screenshot)
        return 0 if ok else 1
    for a in (left, right, clip_area):
        app.aboutToQuit.connect(a.close)
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(_demo_encoders(sys.argv[1:]) if "--encoders" in sys.argv else _demo())
