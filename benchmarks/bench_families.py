"""A family's node against its diffusers pipeline called directly with the arguments the node gave it (issue 72's
aim: node time / direct time <= 1.02), in the same run, interleaved, median of ``--reps``
(benchmarks/bench_video_models.node_against_direct); the node's frames are checked equal to the direct call's.
The family's tiny random folder (``--tiny``: a tests/tiny_models.py BUILDERS key, ``--build`` its settings as
JSON) with ``--wide`` times the heads and four layers, so the steps, not the node's own work, take the time. The
pipeline is the folder's class; the node Image to Video when that class is its family's image-to-video one (a
still given), else Text to Video, unless ``--node`` names one (a family's own node: given the parameters it has,
and a still when it needs one). Nothing here names a family: a new one needs no
line.

    .venv/bin/python benchmarks/bench_families.py --tiny easyanimate [--build '{"kind": "inpaint"}']
        [--size 32x32x9] [--steps 6] [--reps 5] [--wide 4] [--device cpu|cuda] [--node video_models.text_to_video]
    .venv/bin/python benchmarks/bench_families.py --tiny allegro --size 128x128x24
    .venv/bin/python benchmarks/bench_families.py --tiny chronoedit --node video_models.chronoedit --size 16x32x5
"""
from __future__ import annotations

import json
import os
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks.cli import settings  # noqa: E402


def _build(path: str, key: str, more: dict, wide: int) -> str:
    import importlib

    from tests.tiny_models import BUILDERS
    module, func, kwargs = BUILDERS[key]
    getattr(importlib.import_module(module), func)(path, **{**kwargs, **more})
    if wide:  # the same folder with more heads and layers (its config and random weights replaced)
        import torch
        import diffusers
        sub = os.path.join(path, "transformer")
        with open(os.path.join(sub, "config.json"), encoding="utf-8") as f:
            cls = getattr(diffusers, json.load(f)["_class_name"])
        cfg = {k: v for k, v in cls.load_config(sub).items() if not k.startswith("_")}
        inner = cfg["num_attention_heads"] * cfg.get("attention_head_dim", 0)  # widths tied to it widened with it
        cfg.update({k: v * wide for k, v in cfg.items() if type(v) is int and v == inner and inner})
        cfg.update(num_attention_heads=cfg["num_attention_heads"] * wide, num_layers=4)
        torch.manual_seed(0)
        cls(**cfg).save_pretrained(sub)
    return path


def _still(w: int, h: int):
    import numpy as np
    return (np.random.RandomState(11).randint(0, 256, (h, w, 3)) / 255.0).astype(np.float32)


def main() -> int:
    args = settings(tiny="easyanimate", build="{}", size="32x32x9", steps=6, reps=5, device="cpu", wide=4, node="")
    import diffusers
    from benchmarks.bench_video_models import node_against_direct
    import nodes.video_models.families  # noqa: F401  (the registry filled)
    from nodes.video_models.base.registry import family_from_index
    from studio.engine.executor import Executor
    from tests.sources import source
    from tests.video_models.graphs import model_graph
    w, h, t = (int(v) for v in args.size.split("x"))
    folder = _build(os.path.join(tempfile.mkdtemp(), f"tiny-{args.tiny}"), args.tiny, json.loads(args.build), args.wide)
    with open(os.path.join(folder, "model_index.json"), encoding="utf-8") as f:
        index = json.load(f)
    cls, fam = index["_class_name"], family_from_index(index)
    i2v = cls == fam.i2v and cls != fam.t2v
    node = args.node or ("video_models.image_to_video" if i2v else "video_models.text_to_video")
    params = {"frames": t, "width": w, "height": h, "steps": args.steps, "guidance": 5.0, "seed": 1,
              "prompt": "a red fox running", "negative_prompt": "", "previews": False, "preview_size": "off"}
    from studio.core.registry import default_registry
    spec = default_registry().get(node)
    params = {k: v for k, v in params.items() if any(q.name == k for q in spec.params)}  # those the node has
    still = any(i.name == "image" and not i.optional for i in spec.inputs) or i2v  # a family's own node's picture
    feeds = {"image": (source("bench.family_still", "image", "Image", lambda p: _still(w, h)), "image")} if still else {}
    g = model_graph(folder, node, params, **feeds)
    g.nodes["load"].params["dtype"] = "fp32"
    out = node_against_direct(Executor(), g, getattr(diffusers, cls), args.reps, args.device, t)
    out = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in out.items() if k not in ("kwargs", "call")}
    print(json.dumps({"family": fam.key, "pipeline": cls, "node": node, "size": args.size, "steps": args.steps,
                      "wide": args.wide, "device": args.device, "reps": args.reps, **out}))
    return 0 if out["identical_frames"] and out["checked"] is not False else 1


if __name__ == "__main__":
    raise SystemExit(main())
