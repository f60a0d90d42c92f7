"""The disk cache across processes (issue 48, item 5): `main.py render` of a generator graph (Load
Video Model + Text to Video + Save Video, a tiny random Wan built from its config here: nothing is
downloaded) twice, each in a new process with the same cache folder, then once with --no-cache.

Reports each process's wall time and the render's own time (its "rendered ... in X s" line), the
second's share of the first (aim <= 50 %), and whether the frames written are identical.

    .venv/bin/python benchmarks/bench_disk_cache.py [--size 64] [--frames 33] [--steps 8]

JSON to benchmarks/results/disk_cache/cpu.json (or --out).
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
import benchmarks  # noqa: E402,F401  (allows the temporary folder it works in: benchmarks/__init__.py)
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def frames_of(path: str):
    import av
    import numpy as np
    with av.open(path) as c:
        return np.stack([f.to_ndarray(format="rgb24") for f in c.decode(c.streams.video[0])])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", type=int, default=64)
    ap.add_argument("--frames", type=int, default=33)
    ap.add_argument("--steps", type=int, default=8)
    ap.add_argument("--out", default=os.path.join(ROOT, "benchmarks", "results", "disk_cache", "cpu.json"))
    a = ap.parse_args()
    import numpy as np

    from benchmarks.child_env import extend_pythonpath
    from studio.core.fileformat import save_graph
    from studio.core.graph import Graph
    from tests.video_models.tiny import build_wan
    work = tempfile.mkdtemp(prefix="bench-disk-cache-")
    wan = build_wan(os.path.join(work, "tiny-wan"))
    g = Graph()
    g.add_node("video_models.load", {"model": wan}, node_id="load")
    g.add_node("video_models.text_to_video", {"frames": a.frames, "width": a.size, "height": a.size,
                                              "steps": a.steps, "guidance": 1.0, "previews": False,
                                              "preview_size": "off"}, node_id="gen")
    g.add_node("io.save_video", {"path": "out.mp4"}, node_id="save")
    g.connect("load", "model", "gen", "model")
    g.connect("gen", "video", "save", "video")
    g.settings["device"] = "cpu"
    gp = os.path.join(work, "g.json")
    save_graph(g, gp)
    env = {**extend_pythonpath(ROOT), "STUDIO_CACHE_DIR": os.path.join(work, "cache"), "STUDIO_DISK_CACHE_GB": "5"}
    runs = []
    for name, extra in (("first", []), ("second", []), ("no_cache", ["--no-cache"])):
        t0 = time.perf_counter()
        r = subprocess.run([sys.executable, os.path.join(ROOT, "main.py"), "render", gp, *extra], cwd=work, env=env,
                           capture_output=True, text=True)
        wall = time.perf_counter() - t0
        if r.returncode != 0:
            print(r.stderr, file=sys.stderr)
            return 1
        m = re.search(r"rendered .* in ([0-9.]+) s", r.stdout)
        runs.append({"run": name, "wall_s": round(wall, 2), "render_s": float(m.group(1)) if m else None,
                     "cached_disk": "cached (disk)" in r.stderr,
                     "frames": frames_of(os.path.join(work, "out.mp4"))})
        print(f"{name:9s} process {wall:6.2f} s, render {runs[-1]['render_s']} s, "
              f"cached (disk): {runs[-1]['cached_disk']}")
    first, second, plain = runs
    same = bool(np.array_equal(first["frames"], second["frames"]) and np.array_equal(first["frames"], plain["frames"]))
    res = {"size": a.size, "frames": a.frames, "steps": a.steps, "device": "cpu",
           "runs": [{k: v for k, v in r.items() if k != "frames"} for r in runs],
           "second_over_first_process": round(second["wall_s"] / first["wall_s"], 3),
           "second_over_first_render": (round(second["render_s"] / first["render_s"], 3)
                                        if first["render_s"] and second["render_s"] is not None else None),
           "identical_frames": same, "n_frames": int(first["frames"].shape[0])}
    print(f"second / first: process {res['second_over_first_process']:.0%}, render "
          f"{res['second_over_first_render']:.0%} (aim <= 50 %); identical frames: {same}")
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    with open(a.out, "w") as f:
        json.dump(res, f, indent=1)
    print(f"wrote {a.out}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
