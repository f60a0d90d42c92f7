"""Cosmos through Studio's nodes against the diffusers Cosmos pipeline called directly (issue 72's aim:
node time / direct time <= 1.02), in the same run, interleaved, median of ``--reps``; the node's frames
are checked equal to the direct call's first. A tiny random Cosmos Predict2 Video2World folder built
from configs (tests/video_models/tiny_cosmos.py; ``--wide`` widens its transformer so the steps, not the
node's own work, take the time).

    .venv/bin/python benchmarks/bench_cosmos.py [--size 64x64x17] [--steps 8] [--reps 5] [--device cpu|cuda]
        [--wide 256]
"""
from __future__ import annotations

import json
import os
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks.cli import settings  # noqa: E402


def _build(path: str, wide: int) -> str:
    from tests.video_models.tiny_cosmos import build_cosmos2, tiny_cosmos_transformer
    build_cosmos2(path)
    if wide:  # the same folder with a wider transformer (its config and random weights replaced)
        import torch
        torch.manual_seed(0)
        tiny_cosmos_transformer(attention_head_dim=wide // 2, num_layers=4).save_pretrained(
            os.path.join(path, "transformer"))
    return path


def main() -> int:
    from benchmarks.child_env import own_tiny_cosmos
    own_tiny_cosmos()  # its Cosmos models are its own tiny, random ones
    args = settings(size="64x64x17", steps=8, reps=5, device="cpu", wide=0)
    import diffusers
    from benchmarks.bench_video_models import node_against_direct
    from studio.engine.executor import Executor
    from tests.video_models.graphs import model_graph
    from tests.video_models.test_cosmos import STILL
    w, h, t = (int(v) for v in args.size.split("x"))
    folder = _build(os.path.join(tempfile.mkdtemp(), "tiny-cosmos2"), args.wide)
    params = {"frames": t, "width": w, "height": h, "steps": args.steps, "guidance": 5.0, "seed": 1,
              "prompt": "a red fox running", "negative_prompt": "static", "previews": False, "preview_size": "off"}
    g = model_graph(folder, "video_models.image_to_video", params, image=(STILL, "image"))
    g.nodes["load"].params["dtype"] = "fp32"
    out = node_against_direct(Executor(), g, diffusers.Cosmos2VideoToWorldPipeline, args.reps, args.device, t)
    out = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in out.items() if k not in ("kwargs", "call")}
    print(json.dumps({"size": args.size, "steps": args.steps, "wide": args.wide,
                      "device": args.device, "reps": args.reps, **out}))
    return 0 if out["identical_frames"] and out["checked"] is not False else 1


if __name__ == "__main__":
    raise SystemExit(main())
