"""HunyuanVideo Framepack through Studio's Framepack Long Image to Video against
HunyuanVideoFramepackPipeline called directly (issue 72's aim: node time / direct time <= 1.02), in
the same run, interleaved, median of ``--reps``; the node's frames are checked equal to the direct
call's first frames first. A tiny random folder built from configs (tests/video_models/tiny_framepack.py).

    .venv/bin/python benchmarks/bench_framepack.py [--size 32x32x24] [--window 2] [--steps 4] [--reps 5]
        [--device cpu|cuda]
"""
from __future__ import annotations

import json
import os
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks.cli import settings  # noqa: E402


def main() -> int:
    args = settings(size="32x32x24", window=2, steps=4, reps=5, device="cpu")
    from diffusers import HunyuanVideoFramepackPipeline as FP

    from benchmarks.bench_video_models import node_against_direct
    from studio.engine.executor import Executor
    from tests.video_models.graphs import model_graph
    from tests.video_models.test_framepack import FIRST, PARAMS
    from tests.video_models.tiny_framepack import build_framepack
    w, h, t = (int(v) for v in args.size.split("x"))
    folder = build_framepack(os.path.join(tempfile.mkdtemp(), "tiny-framepack"))
    g = model_graph(folder, "video_models.framepack", dict(PARAMS, width=w, height=h, frames=t, window=args.window,
                                                           steps=args.steps), image=(FIRST, "image"))
    g.nodes["load"].params["dtype"] = "fp32"
    # the pipeline makes whole sections: the node keeps the first frames asked
    out = node_against_direct(Executor(), g, FP, args.reps, args.device, t)
    out = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in out.items() if k not in ("kwargs", "call")}
    print(json.dumps({"size": args.size, "window": args.window, "steps": args.steps,
                      "device": args.device, "reps": args.reps, **out}))
    return 0 if out["identical_frames"] and out["checked"] is not False else 1


if __name__ == "__main__":
    raise SystemExit(main())
