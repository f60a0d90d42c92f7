"""The price of repeatable files (issue 28): the H.264 writer as it was (x264 free to use its
AVX-512 routines, threads from the app's policy) against the writer today (x264 held to AVX2 on a
CPU with AVX-512; threads from the machine), on the frames of the music_visualiser and demo
templates, interleaved in one run. Each encode is done twice: 'same bytes' says whether the two
files were identical.

    .venv/bin/python benchmarks/bench_repeatable_encode.py [--repeat 5] [--frames 96]

Reports wall seconds (median) and the process's CPU seconds (median: less sensitive to other
programs on the machine) of write_video alone (the graph's frames are made once, before)."""
from __future__ import annotations

import argparse
import hashlib
import os
import resource
import statistics
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import benchmarks  # noqa: E402,F401  (allows the temporary folder it works in: benchmarks/__init__.py)

from studio.core.fileformat import load_graph  # noqa: E402
from studio.engine import device, media  # noqa: E402
from studio.engine import video_formats as vf  # noqa: E402
from studio.engine.clip import ArrayClip  # noqa: E402
from studio.engine.executor import Executor  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def frames_of(name: str, n: int):
    g = load_graph(os.path.join(ROOT, "assets", "graphs", f"{name}.json"))
    out = next(x for x in g.nodes.values() if x.type_id == "io.save_video")
    src = g.input_link(out.id, "video")
    r = Executor().run(g, targets=[src.src], frame_range=(0, n))
    clip = r.value(src.src, "video")
    n = min(n, len(clip))
    return ArrayClip(np.stack([clip.frame(i) for i in range(n)]), clip.fps), out.params


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def encode(clip, params, path, legacy: bool) -> tuple[float, float, str]:
    keep = (vf.encoder_options, device.encoder_threads)
    if legacy:
        vf.encoder_options = lambda enc, base: dict(base)
        device.encoder_threads = device.worker_threads
    try:
        c0, t0 = cpu(), time.perf_counter()
        media.write_video(path, clip, crf=int(params.get("crf", 18)), preset=params.get("preset", "medium"))
        wall, cpus = time.perf_counter() - t0, cpu() - c0
    finally:
        vf.encoder_options, device.encoder_threads = keep
    with open(path, "rb") as f:
        return wall, cpus, hashlib.sha256(f.read()).hexdigest()[:12]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--frames", type=int, default=96)
    args = ap.parse_args()
    device.configure_threads(interactive=False)  # the command line's policy
    print(f"x264 held to AVX2 here: {vf.cpu_has_avx512()}; encoder threads {device.encoder_threads()}, "
          f"policy threads {device.worker_threads()}")
    tmp = tempfile.mkdtemp(prefix="bench-encode-")
    for name in ("music_visualiser", "demo"):
        clip, params = frames_of(name, args.frames)
        res = {True: [], False: []}
        for _ in range(args.repeat):
            for legacy in (True, False):
                res[legacy].append(encode(clip, params, os.path.join(tmp, f"{name}.mp4"), legacy))
        print(f"{name}: {len(clip)} frames {clip.width}x{clip.height}")
        for legacy in (True, False):
            rows = res[legacy]
            wall = statistics.median(r[0] for r in rows)
            cpus = statistics.median(r[1] for r in rows)
            distinct = len({r[2] for r in rows})
            print(f"  {'before' if legacy else 'now   '}: wall {wall:.3f} s, cpu {cpus:.3f} s, "
                  f"{distinct} distinct file(s) of {len(rows)}")
        b = statistics.median(r[1] for r in res[True])
        a = statistics.median(r[1] for r in res[False])
        print(f"  cpu now/before: {a / b:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
