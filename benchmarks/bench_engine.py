"""Engine benchmarks (run on demand: `.venv/bin/python benchmarks/bench_engine.py`).

1. Overhead: a chain of 100 cheap frame-wise nodes pulled through the engine, against calling
   the same node functions directly on the same frames. Aim: ratio <= 1.10.
2. Re-run after changing a parameter of the last node, against the cold run. Aim: < 5 %.
3. Peak memory of rendering a 10,000-frame 640x360 synthetic clip through a frame-wise chain
   to H.264, in a fresh child process that reports its own peak (VmHWM of its own address space).
   Not ru_maxrss: Linux carries the forked parent's high-water mark across exec into it, so a
   child started from a large benchmark process reported the parent's size. Aim: < 500 MB.
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
import benchmarks  # noqa: E402,F401  (allows the temporary folder it works in: benchmarks/__init__.py)

import numpy as np  # noqa: E402

from studio.core.graph import Graph  # noqa: E402
from studio.engine.context import Context, Runtime  # noqa: E402
from studio.engine.executor import Executor  # noqa: E402
from nodes.transform import ColorAdjust  # noqa: E402
from studio.engine.clip import ArrayClip  # noqa: E402


def bench_overhead(n_nodes=100, n_frames=30, w=320, h=180, repeats=5):
    g = Graph()
    src = g.add_node("source.shapes", {"frames": n_frames, "width": w, "height": h, "sound": False})
    prev = src.id
    for k in range(n_nodes):
        n = g.add_node("transform.color", {"exposure": 0.001 * ((-1) ** k)})
        g.connect(prev, "video", n.id, "video")
        prev = n.id
    # the source frames, computed once, shared by both measurements
    src_clip = Executor(frame_caching=False).run(g, targets=[src.id]).value(src.id)
    frames = [src_clip.frame(i) for i in range(n_frames)]

    def direct():
        node = ColorAdjust()
        ctxs = [Context(f"n{k}", "c", {"exposure": 0.001 * ((-1) ** k), "contrast": 1.0, "saturation": 1.0,
                                       "gamma": 1.0}, 0, None, Runtime()) for k in range(n_nodes)]
        t = time.perf_counter()
        for i, f in enumerate(frames):
            x = f
            for ctx in ctxs:
                x = node.frame(ctx, i, video=x)
        return time.perf_counter() - t

    src_sig = Executor(frame_caching=False).compile(g).steps[0].signature
    src_frames = ArrayClip(np.stack(frames), 24)  # the same frames, made once

    def engine():
        ex = Executor(frame_caching=False)
        ex.cache.put(src_sig, {"video": src_frames}, 0, 1e9)  # the source is not what we time
        t = time.perf_counter()
        clip = ex.run(g, targets=[prev]).value(prev)  # compile, signatures, events: all timed
        for i in range(n_frames):
            clip.frame(i)
        return time.perf_counter() - t

    ds, es = [], []
    for _ in range(repeats):  # interleaved, so load from other processes hits both alike
        ds.append(direct())
        es.append(engine())
    d, e = min(ds), min(es)
    print(f"[overhead] {n_nodes} frame-wise nodes x {n_frames} frames {w}x{h}: direct {d * 1000:.1f} ms, "
          f"engine {e * 1000:.1f} ms, ratio {e / d:.3f} (aim <= 1.10); "
          f"{(e - d) / (n_nodes * n_frames) * 1e6:.1f} us per node per frame")
    return e / d


def bench_rerun(n_frames=60, w=640, h=360):
    """source -> resize -> 8 colour nodes -> colour (changed)."""
    g = Graph()
    src = g.add_node("source.shapes", {"frames": n_frames, "width": w, "height": h, "sound": False,
                                       "background": "texture"})
    rs = g.add_node("transform.resize", {"width": 480, "height": 270, "interpolation": "lanczos"})
    g.connect(src.id, "video", rs.id, "video")
    prev = rs.id
    for k in range(8):
        n = g.add_node("transform.color", {"contrast": 1.0 + 0.01 * k})
        g.connect(prev, "video", n.id, "video")
        prev = n.id
    last = g.add_node("transform.color", {"exposure": 0.1})
    g.connect(prev, "video", last.id, "video")
    ex = Executor()

    def pull():
        t = time.perf_counter()
        clip = ex.run(g, targets=[last.id]).value(last.id)
        for i in range(n_frames):
            clip.frame(i)
        return time.perf_counter() - t

    cold = pull()
    g.set_param(last.id, "exposure", 0.2)
    warm = pull()
    print(f"[rerun] cold {cold * 1000:.1f} ms, re-run after changing the last node {warm * 1000:.1f} ms, "
          f"ratio {warm / cold * 100:.1f} % (aim < 5 %)")
    return warm / cold


# a child's peak_mb: host_memory's (VmHWM, its own high-water mark from its exec), imported from the repository
PEAK_MB = f"import sys; sys.path.insert(0, {ROOT!r}); from benchmarks.host_memory import peak_mb\n"

RENDER_CHILD = PEAK_MB + r"""
import sys, time
sys.path.insert(0, {root!r})
from studio.core.graph import Graph
from studio.engine.executor import Executor
g = Graph()
s = g.add_node("source.shapes", {{"frames": {n}, "width": 640, "height": 360, "count": 3, "speed": 3.0}})
c = g.add_node("transform.color", {{"saturation": 1.2}})
r = g.add_node("transform.resize", {{"width": 640, "height": 360, "interpolation": "linear"}})
o = g.add_node("io.save_video", {{"path": {out!r}, "preset": "ultrafast", "crf": 28}})
g.connect(s.id, "video", c.id, "video"); g.connect(c.id, "video", r.id, "video"); g.connect(r.id, "video", o.id, "video")
g.connect(s.id, "audio", o.id, "audio")
t = time.perf_counter()
Executor(frame_caching=False).run(g)
print(time.perf_counter() - t, peak_mb())
"""


def bench_memory(n_frames=10_000):
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "long.mp4")
        base = subprocess.run([sys.executable, "-c", PEAK_MB + f"import sys; sys.path.insert(0, {ROOT!r}); "
                               "import torch, av, cv2, numpy; from studio.core.registry import default_registry; "
                               "default_registry(); print(peak_mb())"],
                              capture_output=True, text=True, check=True)
        base_mb = float(base.stdout.split()[-1])
        r = {}
        for n in (500, n_frames):
            p = subprocess.run([sys.executable, "-c", RENDER_CHILD.format(root=ROOT, n=n, out=out)],
                               capture_output=True, text=True)
            if p.returncode != 0:
                print(p.stderr)
                raise SystemExit(1)
            secs, peak = map(float, p.stdout.split())
            r[n] = (secs, peak)
            print(f"[memory] render {n} frames 640x360 -> H.264: {secs:.1f} s "
                  f"({n / secs:.0f} frames/s), peak RSS {peak:.0f} MB (imports alone: {base_mb:.0f} MB)")
        print(f"[memory] peak for {n_frames} frames / peak for 500 frames: {r[n_frames][1] / r[500][1]:.2f} "
              f"(aim: peak < 500 MB: {'yes' if r[n_frames][1] < 500 else 'NO'})")


if __name__ == "__main__":
    import torch
    torch.set_num_threads(1)
    which = sys.argv[1:] or ["overhead", "rerun", "memory"]
    if "overhead" in which:
        bench_overhead(w=320, h=180)
        bench_overhead(w=640, h=360, n_frames=12)
    if "rerun" in which:
        bench_rerun()
    if "memory" in which:
        bench_memory()
