"""Distributed render benchmarks (run on demand: `.venv/bin/python benchmarks/bench_distributed.py`).

1. Scaling: a CPU-bound graph (shapes -> optical flow shown as colour -> six colour grades, mostly
   single-threaded numpy and OpenCV work) rendered in chunks on 2 local workers against 1 worker
   (which gets both cores' threads), in the same run. Aim: >= 1.7x on 2 cores.
2. Chunking overhead: a cheap graph (shapes -> colour grade, with sound; the encoder dominates)
   rendered in chunks on 2 workers against a single-process render of the same graph.
   Aim: <= 1.10x. Also shown: 1 worker against one process. The fixed cost is starting the worker
   processes (spawn: each imports torch, 2-4 s), so it shrinks as the render gets longer.

Each timing is the best of ``--repeats`` runs (wall clock, spawn of the worker processes and the
collect step included), the configurations compared taking turns. Numbers on a machine shared
with other work are noisy; the CPU seconds (this process and its finished children) shown beside
the cheap graph's times do not depend on the load, and show the work chunking adds.
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
import benchmarks  # noqa: E402,F401  (allows the temporary folder it works in: benchmarks/__init__.py)

from studio.core.graph import Graph  # noqa: E402
from studio.distributed.engines import DEFAULT_CHUNK  # noqa: E402
from studio.distributed.render import RenderOptions, render  # noqa: E402
from studio.engine.device import configure_threads  # noqa: E402
from studio.engine.executor import Executor  # noqa: E402


def heavy_graph(out: str, frames: int) -> Graph:
    g = Graph()
    s = g.add_node("source.shapes", {"frames": frames, "width": 640, "height": 360, "count": 6, "sound": False})
    f = g.add_node("motion.optical_flow", {"method": "dis_fast"})
    c = g.add_node("motion.flow_to_color", {})
    g.connect(s.id, "video", f.id, "video")
    g.connect(f.id, "flow", c.id, "flow")
    prev = c.id
    for k in range(6):
        n = g.add_node("transform.color", {"exposure": 0.05 * (-1) ** k, "saturation": 1.1, "gamma": 1.05})
        g.connect(prev, "video", n.id, "video")
        prev = n.id
    o = g.add_node("io.save_video", {"path": out, "preset": "ultrafast"})
    g.connect(prev, "video", o.id, "video")
    return g


def cheap_graph(out: str, frames: int) -> Graph:
    g = Graph()
    s = g.add_node("source.shapes", {"frames": frames, "width": 320, "height": 240, "count": 3})
    c = g.add_node("transform.color", {"saturation": 1.3})
    o = g.add_node("io.save_video", {"path": out, "preset": "veryfast"})
    g.connect(s.id, "video", c.id, "video")
    g.connect(c.id, "video", o.id, "video")
    g.connect(s.id, "audio", o.id, "audio")
    return g


def _cpu() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def best(fns, repeats: int) -> list[tuple[float, float]]:
    """(wall s, CPU s) of each function's fastest run. The runs are interleaved (a b a b ...), so
    a load that drifts over the benchmark (a shared machine) weighs on each the same."""
    runs: list[list[tuple[float, float]]] = [[] for _ in fns]
    for _ in range(repeats):
        for k, fn in enumerate(fns):
            c, t = _cpu(), time.perf_counter()
            fn()
            runs[k].append((time.perf_counter() - t, _cpu() - c))
    return [min(r) for r in runs]


def chunked(make, frames: int, workers: int, chunk: int, tmp: str):
    def run():
        out = os.path.join(tmp, f"w{workers}.mp4")
        render([(make(out, frames), None)], RenderOptions(workers=workers, chunk=chunk, job_root=os.path.join(tmp, "jobs")))
    return run


def single(make, frames: int, tmp: str):
    def run():
        Executor(frame_caching=False).run(make(os.path.join(tmp, "one.mp4"), frames))
    return run


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--heavy-frames", type=int, default=240)
    ap.add_argument("--heavy-chunk", type=int, default=DEFAULT_CHUNK, help="frames per chunk (the CLI's default)")
    ap.add_argument("--cheap-frames", type=int, default=3000)
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    configure_threads(interactive=False)  # as `main.py render`
    print(f"{os.cpu_count()} CPU(s); best of {a.repeats}")
    with tempfile.TemporaryDirectory() as tmp:
        chunk = a.heavy_chunk
        (t1, c1h), (t2, c2h) = best([chunked(heavy_graph, a.heavy_frames, 1, chunk, tmp),
                                     chunked(heavy_graph, a.heavy_frames, 2, chunk, tmp)], a.repeats)
        u1, u2 = c1h / t1, c2h / t2
        cores = os.cpu_count() or 1
        print(f"1. CPU-bound graph, {a.heavy_frames} frames 640x360, chunks of {chunk}: "
              f"1 worker {t1:.2f} s, 2 workers {t2:.2f} s -> speed-up {t1 / t2:.2f}x (aim >= 1.7x)\n"
              f"   cores busy on average: 1 worker {u1:.2f} (its OpenCV threads and the encoder beside it), "
              f"2 workers {u2:.2f} of {cores}; so at most {cores / u1:.2f}x was there to gain")
        (ts, cs), (c2, cc2), (c1, cc1) = best([single(cheap_graph, a.cheap_frames, tmp),
                                                chunked(cheap_graph, a.cheap_frames, 2, 480, tmp),
                                                chunked(cheap_graph, a.cheap_frames, 1, 480, tmp)], a.repeats)
        print(f"2. cheap graph, {a.cheap_frames} frames 320x240 with sound: one process {ts:.2f} s "
              f"({cs:.1f} CPU s), chunked on 2 workers {c2:.2f} s ({cc2:.1f} CPU s) -> {c2 / ts:.2f}x "
              f"(aim <= 1.10x); on 1 worker {c1:.2f} s ({cc1:.1f} CPU s) -> {c1 / ts:.2f}x")


if __name__ == "__main__":
    main()
