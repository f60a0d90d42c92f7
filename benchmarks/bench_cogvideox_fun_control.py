"""CogVideoX Fun Control through Studio's CogVideoX Fun Control node against CogVideoXFunControlPipeline called
directly (issue 72's aim: node time / direct time <= 1.02), in the same run, interleaved, median of ``--reps``;
the node's frames are checked equal to the direct call's. A tiny random Fun Control folder built from configs
(tests/video_models/tiny_cogvideox_fun.py; ``--wide`` gives its transformer more heads and layers so the steps,
not the node's own work, take the time). A 9-frame control clip of moving edges.

    .venv/bin/python benchmarks/bench_cogvideox_fun_control.py [--size 32x32x9] [--steps 6] [--reps 5]
        [--device cpu|cuda] [--wide 4]
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
    args = settings(size="32x32x9", steps=6, reps=5, device="cpu", wide=4)
    import diffusers
    import numpy as np

    from benchmarks.bench_video_models import node_against_direct
    from studio.engine.clip import ArrayClip
    from studio.engine.executor import Executor
    from tests.sources import source
    from tests.video_models.graphs import model_graph
    from tests.video_models.tiny_cogvideox_fun import build_cogvideox_fun_control
    w, h, t = (int(v) for v in args.size.split("x"))
    wide = max(1, args.wide)
    folder = build_cogvideox_fun_control(os.path.join(tempfile.mkdtemp(), "tiny-fun"), heads=2 * wide,
                                         layers=2 * wide)
    edges = np.zeros((t, h, w, 3), np.float32)
    for i in range(t):
        edges[i, h // 4: 3 * h // 4, (2 + 3 * i) % w] = 1.0
    control = source("bench.fun_control", "video", "Video", lambda p: ArrayClip(edges, 8.0))
    params = {"steps": args.steps, "guidance": 6.0, "seed": 1, "prompt": "a red fox running",
              "negative_prompt": "static"}
    g = model_graph(folder, "video_models.cogvideox_fun_control", params, control=(control, "video"))
    g.nodes["load"].params["dtype"] = "fp32"
    out = node_against_direct(Executor(), g, diffusers.CogVideoXFunControlPipeline, args.reps, args.device, t)
    out = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in out.items() if k not in ("kwargs", "call")}
    print(json.dumps({"size": args.size, "steps": args.steps, "wide": args.wide, "device": args.device,
                      "reps": args.reps, **out}))
    return 0 if out["identical_frames"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
