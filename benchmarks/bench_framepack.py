"""HunyuanVideo Framepack through Studio's Framepack Long Image to Video against
HunyuanVideoFramepackPipeline called directly (issue 72's aim: node time / direct time <= 1.02), in
the same run, interleaved, median of ``--reps``; the node's frames are checked equal to the direct
call's first frames first. A tiny random folder built from configs (tests/video_models/tiny_framepack.py).

    .venv/bin/python benchmarks/bench_framepack.py [--size 32x32x24] [--window 2] [--steps 4] [--reps 5]
        [--device cpu|cuda]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="32x32x24", help="WxHxT")
    ap.add_argument("--window", type=int, default=2, help="latent frames a section")
    ap.add_argument("--steps", type=int, default=4)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--device", default="cpu")
    args = ap.parse_args()
    import numpy as np
    import pytest  # its MonkeyPatch: the pipeline's call spied on for the warm run, then put back
    import torch
    from diffusers import HunyuanVideoFramepackPipeline as FP
    from studio.engine.executor import Executor
    from tests.video_models.graphs import model_graph, spy_call
    from tests.video_models.test_framepack import FIRST, PARAMS
    from tests.video_models.tiny_framepack import build_framepack
    w, h, t = (int(v) for v in args.size.split("x"))
    folder = build_framepack(os.path.join(tempfile.mkdtemp(), "tiny-framepack"))
    g = model_graph(folder, "video_models.framepack", dict(PARAMS, width=w, height=h, frames=t, window=args.window,
                                                           steps=args.steps), image=(FIRST, "image"))
    g.nodes["load"].params["dtype"] = "fp32"
    spying = pytest.MonkeyPatch()
    calls, _ = spy_call(spying, FP, dict)
    ex = Executor()
    sync = torch.cuda.synchronize if args.device == "cuda" else (lambda: None)

    def node():
        sync()
        t0 = time.perf_counter()
        clip = ex.run(g, targets=["gen"], device=args.device, use_cache=False).value("gen")
        sync()
        return time.perf_counter() - t0, clip.frames
    _, frames = node()  # warm: the model loads
    kw = {k: v for k, v in calls[0].items() if k not in ("callback_on_step_end",)}
    seed = kw.pop("generator").initial_seed()
    spying.undo()
    pipe = FP.from_pretrained(folder).to(args.device)
    from nodes.video_models.base.own_memory import own_memory  # its weights in aligned memory, as Load Video Model
    own_memory(pipe.components.values())
    pipe.set_progress_bar_config(disable=True)

    def direct():
        sync()
        t0 = time.perf_counter()
        out = pipe(**dict(kw, output_type="np", generator=torch.Generator(args.device).manual_seed(seed))).frames[0]
        sync()
        return time.perf_counter() - t0, out
    _, want = direct()
    same = bool(np.array_equal(frames, np.clip(want[:len(frames)], 0, 1)))
    node_t, direct_t = [], []
    for _ in range(args.reps):
        node_t.append(node()[0])
        direct_t.append(direct()[0])
    med = lambda x: sorted(x)[len(x) // 2]  # noqa: E731
    print(json.dumps({"size": args.size, "window": args.window, "steps": args.steps, "device": args.device,
                      "frames_equal": same, "node_s": round(med(node_t), 4), "direct_s": round(med(direct_t), 4),
                      "node_over_direct": round(med(node_t) / med(direct_t), 3), "reps": args.reps,
                      "node_each": [round(v, 3) for v in node_t], "direct_each": [round(v, 3) for v in direct_t]}))
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
