"""Issue 72's later families through Studio's nodes against their diffusers pipeline called directly with the
arguments the node gave it (aim: node time / direct time <= 1.02), in the same run, interleaved, median of
``--reps`` (benchmarks/bench_video_models.node_against_direct); the node's frames are checked equal to the
direct call's. Each family's tiny random folder (its tests/video_models/tiny_<key>.py builder) with ``--wide``
times the heads and four layers, so the steps, not the node's own work, take the time.

    .venv/bin/python benchmarks/bench_families.py --family easyanimate [--task t2v|i2v] [--size 32x32x9]
        [--steps 6] [--reps 5] [--wide 4] [--device cpu|cuda]
"""
from __future__ import annotations

import json
import os
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks.cli import settings  # noqa: E402

# family -> task -> (tiny builder key and settings, node, diffusers pipeline class)
CASES = {
    "easyanimate": {"t2v": (("easyanimate", {}), "video_models.text_to_video", "EasyAnimatePipeline"),
                    "i2v": (("easyanimate", {"kind": "inpaint"}), "video_models.image_to_video",
                            "EasyAnimateInpaintPipeline")},
}


def _build(path: str, key: str, more: dict, wide: int) -> str:
    import importlib

    from tests.tiny_models import BUILDERS
    module, func, kwargs = BUILDERS[key]
    getattr(importlib.import_module(module), func)(path, **{**kwargs, **more})
    if wide:  # the same folder with more heads and layers (its config and random weights replaced)
        import torch
        import diffusers
        sub = os.path.join(path, "transformer")
        cls = getattr(diffusers, json.load(open(os.path.join(sub, "config.json")))["_class_name"])
        cfg = {k: v for k, v in cls.load_config(sub).items() if not k.startswith("_")}
        cfg.update(num_attention_heads=cfg["num_attention_heads"] * wide, num_layers=4)
        torch.manual_seed(0)
        cls(**cfg).save_pretrained(sub)
    return path


def _still(w: int, h: int):
    import numpy as np
    return (np.random.RandomState(11).randint(0, 256, (h, w, 3)) / 255.0).astype(np.float32)


def main() -> int:
    args = settings(family="easyanimate", task="t2v", size="32x32x9", steps=6, reps=5, device="cpu", wide=4)
    import diffusers
    from benchmarks.bench_video_models import node_against_direct
    from studio.engine.executor import Executor
    from tests.sources import source
    from tests.video_models.graphs import model_graph
    w, h, t = (int(v) for v in args.size.split("x"))
    (key, more), node, cls = CASES[args.family][args.task]
    folder = _build(os.path.join(tempfile.mkdtemp(), f"tiny-{args.family}"), key, more, args.wide)
    params = {"frames": t, "width": w, "height": h, "steps": args.steps, "guidance": 5.0, "seed": 1,
              "prompt": "a red fox running", "negative_prompt": "", "previews": False, "preview_size": "off"}
    feeds = {}
    if node == "video_models.image_to_video":
        feeds["image"] = (source("bench.family_still", "image", "Image", lambda p: _still(w, h)), "image")
    g = model_graph(folder, node, params, **feeds)
    g.nodes["load"].params["dtype"] = "fp32"
    out = node_against_direct(Executor(), g, getattr(diffusers, cls), args.reps, args.device, t)
    out = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in out.items() if k not in ("kwargs", "call")}
    print(json.dumps({"family": args.family, "task": args.task, "size": args.size, "steps": args.steps,
                      "wide": args.wide, "device": args.device, "reps": args.reps, **out}))
    return 0 if out["identical_frames"] and out["checked"] is not False else 1


if __name__ == "__main__":
    raise SystemExit(main())
