"""Kandinsky 6 through Studio's nodes against Kandinsky6TI2VAPipeline / Kandinsky6SRPipeline called
directly (issue 72's aim: node time / direct time <= 1.02), in the same run, interleaved, median of
``--reps``; the node's frames (and sound) are checked equal to the direct call's first. Tiny random
folders built from configs (tests/video_models/tiny_kandinsky6.py; ``--wide`` widens the picture-and-
sound DiT so the steps, not the node's own work, take the time).

    .venv/bin/python benchmarks/bench_kandinsky6.py [--task t2va|i2va|sr] [--size 64x64x17] [--steps 8]
        [--reps 5] [--device cpu|cuda] [--wide 256]
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
import benchmarks  # noqa: E402,F401  (allows the temporary folder it works in: benchmarks/__init__.py)


def _build(path: str, task: str, wide: int) -> str:
    from tests.video_models.tiny_kandinsky6 import build_kandinsky6, build_kandinsky6_sr
    if task == "sr":
        return build_kandinsky6_sr(path)
    build_kandinsky6(path)
    if wide:  # the same folder with a wider DiT (its config and random weights replaced)
        import torch
        from diffusers import Kandinsky6Transformer3DModel
        cfg = dict(Kandinsky6Transformer3DModel.load_config(os.path.join(path, "transformer")))
        cfg.update(model_dim=wide, ff_dim=wide * 4, num_visual_blocks=4, axes_dims=(8, 12, 12))
        cfg = {k: v for k, v in cfg.items() if not k.startswith("_")}
        torch.manual_seed(0)
        Kandinsky6Transformer3DModel(**cfg).save_pretrained(os.path.join(path, "transformer"))
    return path


def _graph(folder: str, task: str, w: int, h: int, t: int, steps: int):
    from tests.sources import source
    from tests.video_models.graphs import model_graph
    from tests.video_models.test_kandinsky6 import PARAMS, STILL
    if task == "sr":
        import numpy as np

        from studio.engine.clip import ArrayClip
        frames = (np.random.RandomState(4).randint(0, 256, (t, h, w, 3)) / 255.0).astype(np.float32)
        clip = source("bench.kandinsky6_clip", "video", "Video", lambda p: ArrayClip(frames, 24.0))
        return model_graph(folder, "video_models.kandinsky6_sr", {"scale": "2", "steps": steps, "seed": 1},
                           video=(clip, "video"))
    params = dict(PARAMS, frames=t, width=w, height=h, steps=steps, seed=1)
    return model_graph(folder, "video_models.kandinsky6", params,
                       **({"image": (STILL, "image")} if task == "i2va" else {}))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--task", choices=("t2va", "i2va", "sr"), default="t2va")
    ap.add_argument("--size", default="64x64x17", help="WxHxT (sr: the small clip's)")
    ap.add_argument("--steps", type=int, default=8)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--wide", type=int, default=0, help="the DiT's model_dim (0: the test builder's 32)")
    args = ap.parse_args()
    import numpy as np
    import diffusers

    from benchmarks.bench_video_models import node_against_direct
    from studio.engine.executor import Executor
    w, h, t = (int(v) for v in args.size.split("x"))
    sr = args.task == "sr"
    folder = _build(os.path.join(tempfile.mkdtemp(), "tiny-kandinsky6"), args.task, args.wide)
    cls = diffusers.Kandinsky6SRPipeline if sr else diffusers.Kandinsky6TI2VAPipeline
    g = _graph(folder, args.task, w, h, t, args.steps)
    g.nodes["load"].params["dtype"] = "fp32"

    def sound_equal(pipe, out, res):  # the sound the node made against the direct call's (none from SR)
        return sr or bool(np.array_equal(res.outputs["gen"]["audio"].samples[:, 0],
                                         np.clip(np.asarray(out.audio[0]), -1, 1)))
    out = node_against_direct(Executor(), g, cls, args.reps, args.device, t if not sr else 10 ** 6, check=sound_equal)
    out = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in out.items() if k not in ("kwargs", "call")}
    print(json.dumps({"task": args.task, "size": args.size, "steps": args.steps, "wide": args.wide,
                      "device": args.device, "reps": args.reps, **out}))
    return 0 if out["identical_frames"] and out["checked"] is not False else 1


if __name__ == "__main__":
    raise SystemExit(main())
