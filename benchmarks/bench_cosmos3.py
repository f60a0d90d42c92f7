"""Cosmos 3 through Studio's Cosmos 3 Video + Sound node against Cosmos3OmniPipeline called directly (issue 72's
aim: node time / direct time <= 1.02), in the same run, interleaved, median of ``--reps``; the node's frames and
sound are checked equal to the direct call's. A tiny random Cosmos 3 folder built from configs
(tests/video_models/tiny_cosmos3.py; ``--wide`` widens its transformer so the steps, not the node's own work,
take the time). Text to video with sound.

    .venv/bin/python benchmarks/bench_cosmos3.py [--size 32x32x9] [--steps 6] [--reps 5] [--device cpu|cuda]
        [--wide 8]
"""
from __future__ import annotations

import json
import os
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks.cli import settings  # noqa: E402


def _sound_same(pipe, out, res) -> bool:
    """The node's sound is the direct call's, sample for sample."""
    import numpy as np
    sound = res.outputs["gen"]["audio"]
    want = np.clip(out.sound.float().cpu().numpy().T, -1, 1)
    return sound is not None and sound.samples.shape == want.shape and bool(np.array_equal(sound.samples, want))


def main() -> int:
    from benchmarks.child_env import own_tiny_cosmos
    own_tiny_cosmos()  # its Cosmos models are its own tiny, random ones
    args = settings(size="32x32x9", steps=6, reps=5, device="cpu", wide=8)
    import diffusers
    from benchmarks.bench_video_models import node_against_direct
    from studio.engine.executor import Executor
    from tests.video_models.graphs import model_graph
    from tests.video_models.tiny_cosmos3 import build_cosmos3
    w, h, t = (int(v) for v in args.size.split("x"))
    more = {}
    if args.wide:  # more heads and layers: the steps take the time
        more = dict(head_dim=8, hidden_size=8 * args.wide, intermediate_size=32 * args.wide,
                    num_attention_heads=args.wide, num_key_value_heads=args.wide, num_hidden_layers=4,
                    rope_axes_dim=[2, 1, 1])
    folder = build_cosmos3(os.path.join(tempfile.mkdtemp(), "tiny-cosmos3"), **more)
    params = {"frames": t, "width": w, "height": h, "steps": args.steps, "guidance": 3.0, "seed": 1,
              "prompt": "a red fox running", "negative_prompt": "static", "previews": False, "preview_size": "off"}
    g = model_graph(folder, "video_models.cosmos3", params)
    g.nodes["load"].params["dtype"] = "fp32"
    out = node_against_direct(Executor(), g, diffusers.Cosmos3OmniPipeline, args.reps, args.device, t,
                              check=_sound_same)
    out = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in out.items() if k not in ("kwargs", "call")}
    print(json.dumps({"size": args.size, "steps": args.steps, "wide": args.wide, "device": args.device,
                      "reps": args.reps, **out}))
    return 0 if out["identical_frames"] and out["checked"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
