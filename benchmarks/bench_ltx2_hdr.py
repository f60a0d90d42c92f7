"""LTX-2 HDR through Studio's LTX-2 HDR node against LTX2HDRPipeline called directly (issue 72's aim: node time /
direct time <= 1.02), in the same run, interleaved, median of ``--reps``; the node's linear HDR frames are checked
equal, unclipped, to the direct call's (``hdr_identical``: bench_video_models' own frame check compares SDR frames
clipped to [0, 1], so it is reported but not the test here). A tiny random LTX-2 built from configs
(tests/video_models/tiny_ltx2.py, 2x VAE); a 9-frame SDR clip of noise.

    .venv/bin/python benchmarks/bench_ltx2_hdr.py [--size 32x32x9] [--steps 6] [--reps 5] [--device cpu|cuda]
"""
from __future__ import annotations

import json
import os
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks.cli import settings  # noqa: E402


def _hdr_same(pipe, out, res) -> bool:
    import numpy as np
    want = np.asarray(out.frames[0], np.float32)
    got = res.value("gen").frames
    return want.shape == got.shape and bool(np.array_equal(want, got)) and float(got.max()) > 1.0


def main() -> int:
    args = settings(size="32x32x9", steps=6, reps=5, device="cpu")
    import diffusers
    import numpy as np

    from benchmarks.bench_video_models import node_against_direct
    from studio.engine.clip import ArrayClip
    from studio.engine.executor import Executor
    from tests.sources import source
    from tests.video_models.graphs import model_graph
    from tests.video_models.tiny_ltx2 import build_ltx2
    w, h, t = (int(v) for v in args.size.split("x"))
    folder = build_ltx2(os.path.join(tempfile.mkdtemp(), "tiny-ltx2"))
    sdr = (np.random.RandomState(7).randint(0, 256, (t, h, w, 3)) / 255.0).astype(np.float32)
    clip = source("bench.ltx2_hdr_clip", "video", "Video", lambda p: ArrayClip(sdr, 24.0))
    g = model_graph(folder, "video_models.ltx2_hdr", {"prompt": "a red fox running", "steps": args.steps, "seed": 1},
                    video=(clip, "video"))
    g.nodes["load"].params["dtype"] = "fp32"
    out = node_against_direct(Executor(), g, diffusers.LTX2HDRPipeline, args.reps, args.device, t, check=_hdr_same)
    out = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in out.items() if k not in ("kwargs", "call")}
    out["hdr_identical"] = out.pop("checked")
    print(json.dumps({"size": args.size, "steps": args.steps, "device": args.device, "reps": args.reps, **out}))
    return 0 if out["hdr_identical"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
