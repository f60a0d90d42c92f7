"""Issue 33's long-clip aim: 1,000 frames of Wan 1.3B at 480p in overlapping windows, through
Studio's own nodes (Load Video Model -> Text to Video -> Save Video), with peak GPU memory <= 8 GB,
host memory <= 16 GB, and frames going to the output as windows finish.

Two runs of the same graph on the same machine:
  * streamed: the clip goes only to Save Video, so each window's frames reach the encoder as the
    window finishes (studio/engine/streaming.py);
  * whole: a Preview takes the clip too, so it is made whole first and Save Video encodes it after.
Reported per run: seconds, peak GPU memory (allocated and reserved), peak host RSS (sampled every
50 ms), the frames in the file, and the *tail*: seconds from the last window's last step to the
file being written (streamed: one window's encode; whole: the whole clip's). The clip's frames are
compared between the two runs (they must be identical).

Random weights at Wan 2.1 1.3B's real configuration (benchmarks/real_video_models.py). ``--small``
builds narrow layers so the benchmark itself can be checked on a CPU (not a measurement).

    python benchmarks/real_long_clip.py --frames 1000 --steps 4 --out /tmp/gpu_out
    python benchmarks/real_long_clip.py --small --frames 120 --width 64 --height 48 --steps 2
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)


def _rss() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


class PeakRSS:
    """Host memory sampled every 50 ms while the block runs."""

    def __enter__(self):
        self.peak, self._on = _rss(), True
        self._t = threading.Thread(target=self._loop, daemon=True)
        self._t.start()
        return self

    def _loop(self):
        while self._on:
            self.peak = max(self.peak, _rss())
            time.sleep(0.05)

    def __exit__(self, *exc):
        self._on = False
        self._t.join()
        self.peak = max(self.peak, _rss())
        return False


def graph(model: str, folder: str, a) -> "object":
    from studio.core.graph import Graph
    g = Graph()
    g.base_dir = folder
    g.add_node("video_models.load", {"model": model, "dtype": "bfloat16" if a.device == "cuda" else "auto"},
               node_id="load")
    g.add_node("video_models.text_to_video", {
        "frames": a.frames, "window": a.window, "overlap": a.overlap, "width": a.width, "height": a.height,
        "steps": a.steps, "guidance": a.guidance, "preview_size": "off", "previews": True}, node_id="gen")
    g.connect("load", "model", "gen", "model")
    g.add_node("io.save_video", {"path": "long.mp4"}, node_id="save")
    g.connect("gen", "video", "save", "video")
    return g


def frames_in(path: str) -> int:
    import cv2
    cap = cv2.VideoCapture(path)
    n = 0
    while cap.grab():
        n += 1
    cap.release()
    return n


def run(ex, g, device: str, whole: bool) -> tuple[dict, object]:
    from studio.engine.events import NodeFinished, NodeProgress
    if whole:
        g.add_node("io.preview", {}, node_id="look")
        g.connect("gen", "video", "look", "value")
    marks: dict[str, float] = {}

    def on_event(e):
        now = time.perf_counter()
        if isinstance(e, NodeProgress) and e.node_id == "gen" and e.total and e.step >= e.total:
            marks.setdefault("sampled", now)  # the last window's last step
        elif isinstance(e, NodeFinished) and e.node_id == "save":
            marks["written"] = now
    cuda = device == "cuda"
    if cuda:
        import torch
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    t0 = time.perf_counter()
    with PeakRSS() as rss:
        res = ex.run(g, device=device, use_cache=False, on_event=on_event)
    seconds = time.perf_counter() - t0
    out = {"mode": "whole" if whole else "streamed", "seconds": round(seconds, 2),
           "tail_s": round(marks["written"] - marks["sampled"], 3) if "sampled" in marks and "written" in marks
           else None, "host_peak_gb": round(rss.peak / 1e9, 2),
           "frames_in_file": frames_in(os.path.join(g.base_dir, "long.mp4"))}
    if cuda:
        import torch
        out["gpu_peak_allocated_gb"] = round(torch.cuda.max_memory_allocated() / 1e9, 2)
        out["gpu_peak_reserved_gb"] = round(torch.cuda.max_memory_reserved() / 1e9, 2)
    clip = res.value("gen")
    out["clip_type"] = type(clip).__name__
    return out, clip


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--frames", type=int, default=1000)
    ap.add_argument("--window", type=int, default=33)
    ap.add_argument("--overlap", type=int, default=8)
    ap.add_argument("--width", type=int, default=832)
    ap.add_argument("--height", type=int, default=480)
    ap.add_argument("--steps", type=int, default=4)
    ap.add_argument("--guidance", type=float, default=5.0)
    ap.add_argument("--small", action="store_true", help="narrow layers: checks the benchmark on a CPU")
    ap.add_argument("--device", default=None, help="default: cuda when there is one, else cpu")
    ap.add_argument("--modes", default="streamed,whole")
    ap.add_argument("--out", default=None, help="folder for long_clip.json")
    a = ap.parse_args(argv)
    import numpy as np
    import torch
    a.device = a.device or ("cuda" if torch.cuda.is_available() else "cpu")
    from benchmarks.real_video_models import build
    from studio.engine.executor import Executor
    work = tempfile.mkdtemp(prefix="long-clip-")
    os.environ.setdefault("STUDIO_CACHE_DIR", os.path.join(work, "cache"))
    os.environ.setdefault("STUDIO_ALLOWED_DIRS", work)
    t = time.perf_counter()
    model, n_params = build(os.path.join(work, "models"), "wan", a.small, device=a.device)
    print(f"built Wan {'(small) ' if a.small else ''}{n_params / 1e9:.2f} B parameters in {time.perf_counter() - t:.0f} s",
          flush=True)
    ex = Executor(frame_caching=False)
    ex.run(graph(model, work, a), targets=["load"], device=a.device)  # loaded once, outside the timings
    results, clips = [], {}
    for mode in a.modes.split(","):
        r, clip = run(ex, graph(model, work, a), a.device, whole=mode == "whole")
        clips[mode] = clip
        results.append(r)
        print(json.dumps(r), flush=True)
    if len(clips) == 2:
        c = list(clips.values())
        same = bool(np.array_equal(np.asarray(c[0].frames), np.asarray(c[1].frames)))
        print(f"frames identical between the two runs: {same}")
        results.append({"identical_frames": same})
    meta = {"frames": a.frames, "window": a.window, "overlap": a.overlap, "size": [a.width, a.height],
            "steps": a.steps, "small": a.small, "device": a.device,
            "gpu": torch.cuda.get_device_name() if a.device == "cuda" else None,
            "aims": {"gpu_peak_gb": 8, "host_peak_gb": 16}}
    if a.out:
        os.makedirs(a.out, exist_ok=True)
        with open(os.path.join(a.out, "long_clip.json"), "w") as f:
            json.dump({"meta": meta, "results": results}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
