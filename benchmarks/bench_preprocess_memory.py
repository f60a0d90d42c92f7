"""Host memory of long clips through Pose Estimate and Segment (issue 46): growth <= 300 MB.

    .venv/bin/python benchmarks/bench_preprocess_memory.py [--frames 1000] [--size 128] [--threads 1]

Tiny random models built from configs (tests/preprocess: RT-DETR, ViTPose, SAM 2 video with the
published window of 16 object pointers and 7 memories, so the session's window is the real one).
The graph, run by the Executor with frame caching off as a long render has it: Synthetic Shapes ->
Detect People -> Pose Estimate, and Synthetic Shapes -> Segment (a click on frame 0). Pose Estimate
runs in the graph; Segment's mask clip is then pulled frame by frame to the end, as Save Video
pulls it. The resident set size (RSS, /proc/self/statm) is sampled every 50 ms by a thread; growth
is its peak over a phase minus its value when the phase starts (models loaded, first frames made
so torch's allocator and the modules are warm). Prints figures, asserts nothing."""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import torch  # noqa: E402

from studio.core.graph import Graph  # noqa: E402
from studio.engine.executor import Executor  # noqa: E402
from tests.preprocess.tiny_models import build_rtdetr, build_vitpose  # noqa: E402
from tests.preprocess.tiny_sam2 import build_sam2_video  # noqa: E402
from benchmarks.host_memory import Peak, rss  # noqa: E402


def pose_graph(rt: str, vp: str, frames: int, size: int) -> tuple[Graph, str]:
    g = Graph()
    src = g.add_node("source.shapes", {"frames": frames, "width": size, "height": size, "sound": False, "count": 2})
    lr = g.add_node("preprocess.load", {"kind": "people", "model": rt})
    lp = g.add_node("preprocess.load", {"kind": "pose", "model": vp})
    det = g.add_node("preprocess.detect_people", {"threshold": 0.0, "max_people": 2, "batch": 8})
    pe = g.add_node("preprocess.pose_estimate", {"batch": 8})
    g.connect(src.id, "video", det.id, "video")
    g.connect(lr.id, "model", det.id, "model")
    g.connect(src.id, "video", pe.id, "video")
    g.connect(det.id, "people", pe.id, "people")
    g.connect(lp.id, "model", pe.id, "model")
    return g, pe.id


def segment_graph(sam: str, frames: int, size: int, prompt: dict | None = None) -> tuple[Graph, str]:
    """Synthetic Shapes -> Segment; ``prompt``: Segment's prompt (SAM 2 clicks by default, a phrase for SAM 3)."""
    g = Graph()
    src = g.add_node("source.shapes", {"frames": frames, "width": size, "height": size, "sound": False, "count": 2})
    ls = g.add_node("preprocess.load", {"kind": "segment", "model": sam})
    seg = g.add_node("preprocess.segment", prompt or {"prompts": "0: +0.5 0.5"})
    g.connect(src.id, "video", seg.id, "video")
    g.connect(ls.id, "model", seg.id, "model")
    return g, seg.id


def mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--frames", type=int, default=1000)
    ap.add_argument("--size", type=int, default=128)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--only", choices=("pose", "segment", "both"), default="both")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; {a.frames} frames {a.size}x{a.size}")
    peak = Peak()
    with tempfile.TemporaryDirectory() as d:
        rt, vp = build_rtdetr(os.path.join(d, "rtdetr")), build_vitpose(os.path.join(d, "vitpose"))
        sam = build_sam2_video(os.path.join(d, "sam2"), pointers=16)
        ex = Executor(frame_caching=False)
        if a.only in ("pose", "both"):
            g, pe = pose_graph(rt, vp, 16, a.size)
            ex.run(g, device="cpu")  # loads the models, warms up
            g, pe = pose_graph(rt, vp, a.frames, a.size)
            base = peak.reset()
            t0 = time.perf_counter()
            r = ex.run(g, device="cpu")
            dt = time.perf_counter() - t0
            kp = r.value(pe)
            print(f"Pose Estimate (Detect People -> Pose Estimate), {a.frames} frames in {dt:.1f} s: RSS at start "
                  f"{mb(base)}, peak {mb(peak.peak)}, growth {mb(peak.peak - base)} (target <= 300 MB); "
                  f"keypoints {kp.points.shape}, {mb(kp.points.nbytes + kp.scores.nbytes)}")
            del r, kp
        if a.only in ("segment", "both"):
            g, seg = segment_graph(sam, a.frames, a.size)
            r = ex.run(g, device="cpu")
            mask = r.value(seg)
            for i in range(8):  # warm: the model's first frames, torch's allocator
                mask.frame(i)
            base = peak.reset()
            t0 = time.perf_counter()
            marks = []
            for i in range(8, len(mask)):
                m = mask.frame(i)
                if (i + 1) % max(1, a.frames // 5) == 0:
                    marks.append(f"{i + 1}: {mb(rss() - base)}")
            dt = time.perf_counter() - t0
            tr = mask.track
            print(f"Segment (SAM 2 tiny, published window {tr.window} frames), frames 8..{len(mask) - 1} pulled in "
                  f"{dt:.1f} s: RSS at start {mb(base)}, peak {mb(peak.peak)}, growth {mb(peak.peak - base)} "
                  f"(target <= 300 MB); masks kept compressed: {mb(tr.kept_bytes())}; model state kept: "
                  f"{len(tr.passes[False]['outputs'])} frames; mean mask {float(m.mean()):.3f}")
            print("RSS growth by frame: " + ", ".join(marks))
        peak.stop = True


if __name__ == "__main__":
    main()
