"""Costs of the encoder/fusion viewers, each against a baseline measured in the same run:

* timeline repaint with the audio-features strip vs without it (fitted and zoomed, long clip);
* analysing a clip's sound for the strip (background thread) vs the waveform envelope the
  timeline already computes for the same sound;
* a fusion output with "which input dominates" vs the same features without it;
* the painted similarity matrix at N = 8, 32, 96 (absolute: one repaint).

    .venv/bin/python benchmarks/bench_encoder_viewers.py [--frames 4320] [--repeat 20]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("STUDIO_NO_AUDIO_DEVICE", "1")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import benchmarks  # noqa: E402,F401  (allows the temporary folder it works in: benchmarks/__init__.py)

import numpy as np  # noqa: E402
import torch  # noqa: E402
from PySide6.QtGui import QImage  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from studio.core.values import Audio, Features  # noqa: E402
from studio.ui.preview.values import analyse_audio  # noqa: E402
from studio.ui.preview.timeline import Timeline  # noqa: E402
from studio.ui.preview.plots import FeaturesView, SimilarityView  # noqa: E402


def timed(fn, repeat: int) -> float:
    fn()  # warm up
    xs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        xs.append(time.perf_counter() - t0)
    return statistics.median(xs)


def painter(widget):
    """Paint ``widget`` into an image (offscreen, repaint() paints nothing)."""
    img = QImage(widget.size(), QImage.Format_RGB32)
    return lambda: widget.render(img)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--frames", type=int, default=4320, help="clip length in frames (3 min at 24 fps)")
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    app = QApplication.instance() or QApplication([])
    n, fps, rate = args.frames, 24.0, 44100
    rng = np.random.default_rng(0)
    t = np.arange(int(n / fps * rate)) / rate
    sound = Audio((0.3 * np.sin(2 * np.pi * 220 * t) * (np.sin(2 * np.pi * 2 * t) > 0)).astype(np.float32), rate)

    print(f"clip: {n} frames, {sound.duration:.0f} s of sound")
    tl = Timeline()
    tl.resize(1600, 200)
    tl.show()
    tl.set_clip(n, fps, 16, 9, sound)
    feats = analyse_audio(sound, n, fps)

    repaint = painter(tl)
    for label, zoom in (("fitted", None), ("zoomed 8 px/frame", 8.0)):
        tl.set_zoom(zoom)
        tl.set_audio_features(None)
        base = timed(repaint, args.repeat)
        tl.set_audio_features(feats["loudness"], feats["onset"], feats["beat"])
        strip = timed(repaint, args.repeat)
        print(f"timeline repaint, {label:18s}: {base * 1e3:6.2f} ms without the strip, {strip * 1e3:6.2f} ms with "
              f"(x{strip / base:.2f})")

    env = timed(lambda: tl.set_audio(sound), max(3, args.repeat // 4))
    ana = timed(lambda: analyse_audio(sound, n, fps), max(3, args.repeat // 4))
    print(f"strip analysis: {ana * 1e3:7.1f} ms ({ana / sound.duration * 60e3:.0f} ms per minute of sound), "
          f"waveform envelope {env * 1e3:.1f} ms (x{ana / env:.1f}); runs on the frame thread")

    fv = FeaturesView()
    fv.resize(700, 600)
    fv.show()
    d = torch.from_numpy(rng.dirichlet(np.ones(4), n).astype(np.float32))
    plain = Features(torch.randn(n, 64), per_frame=True, fps=fps)
    fused = Features(plain.data, per_frame=True, fps=fps, extras={"dominance": d, "present": [True] * 4})

    paint_fv = painter(fv)

    def show(f):
        fv.set_features(f)
        paint_fv()
    base, dom = timed(lambda: show(plain), max(3, args.repeat // 4)), timed(lambda: show(fused), max(3, args.repeat // 4))
    print(f"features viewer, {n} frames: {base * 1e3:6.1f} ms plain, {dom * 1e3:6.1f} ms with dominance (x{dom / base:.2f})")

    sv = SimilarityView()
    sv.resize(700, 600)
    sv.show()
    for k in (8, 32, 96):
        e = rng.normal(size=(k, 16))
        e /= np.linalg.norm(e, axis=1, keepdims=True)
        sv.set_matrix(e @ e.T, [f"prompt number {i}" for i in range(k)])
        print(f"similarity matrix {k:3d} x {k:<3d}: repaint {timed(painter(sv), args.repeat) * 1e3:6.2f} ms")
    app.processEvents()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
