"""Host memory of a long clip through Segment with a SAM 3 phrase (issue 46): growth <= 300 MB.

    .venv/bin/python benchmarks/bench_segment_phrase_memory.py [--frames 1000] [--size 128] [--threads 1]

A tiny random SAM 3 video model built from a config (tests/preprocess/tiny_sam3.py) with the
published look-back (7 memories, 16 object pointers, hotstart delay 15, re-conditioning every 16
frames) and a detection threshold of 0 (every query a detection, so objects are found, removed and
re-conditioned). The graph, run by the Executor with frame caching off: Synthetic Shapes -> Segment
(phrase 'the red car'); the mask clip is pulled frame by frame to the end, as Save Video pulls it.
The resident set size is sampled every 50 ms; growth is its peak over the pull minus its value after
the first frames. Also printed: what the session holds at the end. Prints figures, asserts nothing."""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import torch  # noqa: E402

from benchmarks.bench_preprocess_memory import Peak, mb, segment_graph  # noqa: E402
from studio.engine.executor import Executor  # noqa: E402
from tests.preprocess.tiny_sam3 import build_sam3_video  # noqa: E402


def tensors_bytes(x) -> int:
    if isinstance(x, torch.Tensor):
        return x.numel() * x.element_size()
    if isinstance(x, dict):
        return sum(tensors_bytes(v) for v in x.values())
    if isinstance(x, (list, tuple)):
        return sum(tensors_bytes(v) for v in x)
    return 0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--frames", type=int, default=1000)
    ap.add_argument("--size", type=int, default=128)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads; {a.frames} frames {a.size}x{a.size}")
    peak = Peak()
    with tempfile.TemporaryDirectory() as d:
        sam = build_sam3_video(os.path.join(d, "sam3"), detect_threshold=0.0, maskmem=7, pointers=16)
        ex = Executor(frame_caching=False)
        g, seg = segment_graph(sam, a.frames, a.size, {"phrase": "the red car"})
        mask = ex.run(g, device="cpu").value(seg)
        for i in range(20):  # warm: the model's first frames, torch's allocator
            mask.frame(i)
        base = peak.reset()
        t0 = time.perf_counter()
        for i in range(len(mask)):
            mask.frame(i)
        dt = time.perf_counter() - t0
        t = mask.track
        s = t.session
        od = s.output_dict_per_obj.values()
        print(f"Segment (SAM 3, a phrase), {a.frames} frames in {dt:.1f} s: RSS at start {mb(base)}, peak "
              f"{mb(peak.peak)}, growth {mb(peak.peak - base)} (target <= 300 MB)")
        print(f"  session at the end: {len(s.obj_ids)} objects (ids up to {s.max_obj_id}), window W={t.window}; "
              f"non-conditioning outputs kept {sum(len(o['non_cond_frame_outputs']) for o in od)} "
              f"({mb(sum(tensors_bytes(o['non_cond_frame_outputs']) for o in od))}), conditioning "
              f"{sum(len(o['cond_frame_outputs']) for o in od)} ({mb(sum(tensors_bytes(o['cond_frame_outputs']) for o in od))}); "
              f"frame-wise score dicts {len(s.obj_id_to_tracker_score_frame_wise)}; masks kept {mb(t.kept_bytes())}")


if __name__ == "__main__":
    main()
