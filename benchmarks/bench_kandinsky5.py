"""Kandinsky 5 through Studio's nodes against Kandinsky5T2VPipeline / Kandinsky5I2VPipeline called
directly (issue 56's aim: node time / direct time <= 1.02), in the same run, interleaved, median of
``--reps``; the node's frames are checked equal to the direct call's first. A tiny random folder built
from configs (tests/video_models/tiny_kandinsky5.py; ``--wide`` widens its DiT so the steps, not the
node's own work, take the time).

    .venv/bin/python benchmarks/bench_kandinsky5.py [--task t2v|i2v] [--size 64x64x17] [--steps 8] [--reps 5]
        [--device cpu|cuda] [--wide 256]
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
import benchmarks  # noqa: E402,F401  (allows the temporary folder it works in: benchmarks/__init__.py)


def _build(path: str, i2v: bool, wide: int) -> str:
    from tests.video_models.tiny_kandinsky5 import build_kandinsky5
    build_kandinsky5(path, i2v=i2v)
    if wide:  # the same folder with a wider DiT (its config and random weights replaced)
        import torch
        from diffusers import Kandinsky5Transformer3DModel
        cfg = dict(Kandinsky5Transformer3DModel.load_config(os.path.join(path, "transformer")))
        cfg.update(model_dim=wide, ff_dim=wide * 4, num_visual_blocks=4, axes_dims=(8, 12, 12))
        cfg = {k: v for k, v in cfg.items() if not k.startswith("_")}
        torch.manual_seed(0)
        Kandinsky5Transformer3DModel(**cfg).save_pretrained(os.path.join(path, "transformer"))
    return path


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--task", choices=("t2v", "i2v"), default="t2v")
    ap.add_argument("--size", default="64x64x17", help="WxHxT")
    ap.add_argument("--steps", type=int, default=8)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--wide", type=int, default=0, help="the DiT's model_dim (0: the test builder's 32)")
    args = ap.parse_args()
    import numpy as np
    import pytest  # its MonkeyPatch: the pipeline's call spied on for the warm run, then put back
    import torch
    import diffusers
    from studio.engine.executor import Executor
    from tests.video_models.graphs import model_graph, spy_call
    from tests.video_models.test_kandinsky5 import STILL, _still
    w, h, t = (int(v) for v in args.size.split("x"))
    i2v = args.task == "i2v"
    folder = _build(os.path.join(tempfile.mkdtemp(), "tiny-kandinsky5"), i2v, args.wide)
    cls = diffusers.Kandinsky5I2VPipeline if i2v else diffusers.Kandinsky5T2VPipeline
    params = {"frames": t, "width": w, "height": h, "steps": args.steps, "guidance": 5.0, "seed": 1,
              "prompt": "a red fox running", "negative_prompt": "static cartoon", "previews": False,
              "preview_size": "off"}
    g = model_graph(folder, "video_models.image_to_video" if i2v else "video_models.text_to_video", params,
                    **({"image": (STILL, "image")} if i2v else {}))
    g.nodes["load"].params["dtype"] = "fp32"
    spying = pytest.MonkeyPatch()
    calls, _ = spy_call(spying, cls, dict)
    ex = Executor()
    sync = torch.cuda.synchronize if args.device == "cuda" else (lambda: None)

    def node():
        sync()
        t0 = time.perf_counter()
        clip = ex.run(g, targets=["gen"], device=args.device, use_cache=False).value("gen")
        sync()
        return time.perf_counter() - t0, clip.frames
    _, frames = node()  # warm: the model loads
    kw = {k: v for k, v in calls[0].items() if k not in ("callback_on_step_end", "callback_on_step_end_tensor_inputs")}
    seed = kw.pop("generator").initial_seed()
    spying.undo()
    pipe = cls.from_pretrained(folder).to(args.device)
    from nodes.video_models.base.own_memory import own_memory  # its weights in aligned memory, as Load Video Model
    own_memory(pipe.components.values())  # holds them (safetensors 0.8's unaligned views sum otherwise on AVX-512)
    pipe.set_progress_bar_config(disable=True)
    if i2v:
        from PIL import Image
        kw["image"] = Image.fromarray(np.round(_still() * 255).astype(np.uint8))

    def direct():
        sync()
        t0 = time.perf_counter()
        out = pipe(**dict(kw, output_type="np", generator=torch.Generator(args.device).manual_seed(seed))).frames[0]
        sync()
        return time.perf_counter() - t0, out
    _, want = direct()
    same = bool(np.array_equal(frames, want))
    node_t, direct_t = [], []
    for _ in range(args.reps):
        node_t.append(node()[0])
        direct_t.append(direct()[0])
    med = lambda x: sorted(x)[len(x) // 2]  # noqa: E731
    out = {"task": args.task, "size": args.size, "steps": args.steps, "device": args.device, "wide": args.wide,
           "frames_equal": same, "node_s": round(med(node_t), 4), "direct_s": round(med(direct_t), 4),
           "node_over_direct": round(med(node_t) / med(direct_t), 3), "reps": args.reps,
           "node_each": [round(v, 3) for v in node_t], "direct_each": [round(v, 3) for v in direct_t]}
    print(json.dumps(out))
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
