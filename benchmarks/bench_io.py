"""Footage I/O: image-sequence read speed against plain library reads of the same files (aim:
Studio at >= 0.9x their speed), ProRes write speed (H.264 in the same run for reference), and
scrub latency in the viewer on a 1080p EXR sequence at 1/2 proxy, uncached (aim: < 40 ms).

Baselines: PNG is read by plain OpenCV (cv2.imread, then to float RGB in [0, 1]: the same result
Studio hands out). EXR: the opencv-python wheels are built without OpenEXR (cv2 neither reads nor
writes .exr), so the EXR baseline is the plain OpenEXR package (one read, RGB to float32), the
library Studio reads EXR with.

    .venv/bin/python benchmarks/bench_io.py [--frames 12] [--width 1920 --height 1080]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("STUDIO_NO_AUDIO_DEVICE", "1")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import benchmarks  # noqa: E402,F401  (allows the temporary folder it works in: benchmarks/__init__.py)

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from studio.engine import sequence as S  # noqa: E402
from studio.engine.clip import ArrayClip, Clip  # noqa: E402


def med(xs) -> float:
    return statistics.median(xs)


def ms(xs) -> str:
    return f"median {med(xs) * 1e3:7.2f} ms   p90 {sorted(xs)[int(len(xs) * 0.9)] * 1e3:7.2f} ms"


def plate(n: int, w: int, h: int) -> np.ndarray:
    """Frames like a graded plate: smooth gradients, detail and grain (compresses like footage)."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    rng = np.random.default_rng(0)
    out = np.empty((n, h, w, 3), np.float32)
    for i in range(n):
        base = np.stack([xx / w, yy / h, 0.5 + 0.4 * np.sin((xx + 7 * i) / 40) * np.cos(yy / 30)], -1)
        out[i] = np.clip(base + rng.normal(0, 0.01, base.shape).astype(np.float32), 0, 1)
    return out


def baseline_png(path: str) -> np.ndarray:
    img = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    return cv2.cvtColor(img, cv2.COLOR_BGR2RGB).astype(np.float32) * np.float32(1 / 255)


def baseline_exr(path: str) -> np.ndarray:
    import OpenEXR
    with OpenEXR.File(path) as f:
        return f.channels()["RGB"].pixels.astype(np.float32)


def read_speed(label: str, files: list[str], baseline, fps: float = 24.0) -> float:
    seq = S.find_sequence(os.path.join(os.path.dirname(files[0])))
    clip = S.SequenceClip(seq, fps)
    clip.frame(0), baseline(files[0])  # warm-up
    ours, base = [], []
    for i, f in enumerate(files):  # interleaved, so the machine's load hits both alike
        t = time.perf_counter()
        a = baseline(f)
        base.append(time.perf_counter() - t)
        t = time.perf_counter()
        b = clip.frame(i)
        ours.append(time.perf_counter() - t)
        assert np.array_equal(a, b), f"{label}: Studio's frame {i} differs from the baseline's"
    ratio = med(base) / med(ours)
    print(f"  {label:28s} Studio {ms(ours)} | plain {ms(base)} | speed ratio {ratio:.2f} (aim >= 0.90)")
    return ratio


def write_speed(label: str, path: str, clip: Clip, **kw) -> float:
    from studio.engine.media import write_video
    t = time.perf_counter()
    n = write_video(path, clip, **kw)
    dt = time.perf_counter() - t
    print(f"  {label:28s} {n / dt:6.1f} frames/s   ({n} frames in {dt:.2f} s, {os.path.getsize(path) / 1e6:.1f} MB)")
    return n / dt


def scrub(files: list[str], proxy: int, label: str) -> list[float]:
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication, QSplitter

    from studio.core.graph import Graph
    from studio.engine.cache import FrameCache
    from studio.engine.executor import Executor
    from studio.ui.preview.area import PreviewArea
    from studio.ui.preview.view_controls import PROXIES

    app = QApplication.instance() or QApplication([])  # noqa: F841
    ex = Executor(frame_cache=FrameCache(3 << 30))
    g = Graph()
    src = g.add_node("footage.load_sequence", {"path": os.path.dirname(files[0])})
    res = ex.run(g, targets=[src.id])
    clip = res.value(src.id, "video")
    area = PreviewArea(ex.frame_cache)
    area.auto_thumbnails = False
    split = QSplitter()
    split.addWidget(area.viewer_widget)
    split.resize(1280, 720)
    split.show()
    area.view_controls.proxy.setCurrentIndex(PROXIES.index(proxy))
    area.show_value(src.id, "Plate", clip, res.signatures[src.id] + ":video")
    view = area.stack.image

    def seek_and_paint(i: int) -> float:
        t = time.perf_counter()
        area.seek(i)
        if area.shown_frame != i:
            loop = QEventLoop()
            area.frameShown.connect(loop.quit)
            QTimer.singleShot(30_000, loop.quit)
            loop.exec()
            area.frameShown.disconnect(loop.quit)
        view.grab()
        return time.perf_counter() - t

    from studio.ui.preview.view_controls import ViewSettings, apply_view, draw_overlay, proxy_frame
    from studio.ui.preview.pixels import display_rgb, to_bgra
    direct_clip = S.SequenceClip(S.find_sequence(os.path.dirname(files[0])), 24.0)
    vs = ViewSettings(proxy=proxy)

    def direct(i: int) -> float:  # the same work without the viewer: read, proxy, display conversion
        t = time.perf_counter()
        draw_overlay(to_bgra(display_rgb(apply_view(proxy_frame(direct_clip.frame(i), proxy), vs))), vs.overlay)
        return time.perf_counter() - t

    seek_and_paint(len(files) - 1)  # warm-up: imports, first paint (that frame is then cached)
    # every other frame, backwards then forwards: each seek lands on a frame never pulled before;
    # interleaved with the same frame's work done directly, so the machine's load hits both
    order = list(range(len(files) - 2, -1, -2)) + list(range(1, len(files) - 1, 2))
    times, base = [], []
    for i in order:
        base.append(direct(i))
        times.append(seek_and_paint(i))
    cached = [seek_and_paint(i) for i in order]
    shown = view.image.width()
    area.close()
    print(f"  {label:28s} {ms(times)}   (aim < 40 ms; shown {shown} px wide at 1/{proxy})")
    print(f"  {'':28s} {ms(base)}   same frames read + proxied + converted directly")
    print(f"  {'':28s} {ms(cached)}   the same frames again (cached)")
    return times


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--frames", type=int, default=12, help="frames per sequence")
    ap.add_argument("--width", type=int, default=1920)
    ap.add_argument("--height", type=int, default=1080)
    args = ap.parse_args()
    n, w, h = args.frames, args.width, args.height
    frames = plate(n, w, h)
    with tempfile.TemporaryDirectory() as tmp:
        sets = {}
        for name, ext, depth, comp in (("png8", "png", "8", "zip"), ("exr_zip", "exr", "half", "zip"),
                                       ("exr_none", "exr", "half", "none")):
            os.makedirs(os.path.join(tmp, name))
            sets[name] = [os.path.join(tmp, name, f"f.{i:04d}.{ext}") for i in range(n)]
            for i, path in enumerate(sets[name]):
                S.write_frame(path, frames[i], None, depth, compression=comp)
        print(f"footage I/O, {w}x{h}, {n} frames per case (cv2 threads: {cv2.getNumThreads()}; "
              f"a shared machine: compare ratios, not absolute times)")
        print("sequence read (Studio's lazy clip vs a plain read of the same file, same float RGB result)")
        read_speed("PNG 8-bit vs OpenCV", sets["png8"], baseline_png)
        read_speed("EXR half ZIP vs OpenEXR", sets["exr_zip"], baseline_exr)
        read_speed("EXR half uncompressed", sets["exr_none"], baseline_exr)

        print("video write")
        clip = ArrayClip(frames, 24.0)
        write_speed("ProRes 422 HQ (10-bit)", os.path.join(tmp, "p422.mov"), clip, codec="prores_422")
        write_speed("ProRes 4444 + alpha", os.path.join(tmp, "p4444.mov"), clip, codec="prores_4444",
                    alpha=ArrayClip(frames[..., :1], 24.0))
        write_speed("H.264 8-bit (reference)", os.path.join(tmp, "h264.mp4"), clip, codec="h264",
                    preset="medium")

        print("viewer scrub, uncached frames, seek -> painted")
        scrub(sets["exr_zip"], 2, "EXR half ZIP, 1/2 proxy")
        scrub(sets["exr_none"], 2, "EXR half none, 1/2 proxy")
        scrub(sets["exr_zip"], 1, "EXR half ZIP, full size")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
