"""Helios through Studio's nodes against HeliosPipeline called directly (issue 72's aim:
node time / direct time <= 1.02), in the same run, interleaved, median of ``--reps``; the node's frames
are checked equal to the direct call's first. A tiny random Helios folder built from configs
(tests/video_models/tiny_helios.py; ``--wide`` widens its transformer so the steps, not the node's own
work, take the time). Text to video, one 33-frame chunk by default.

    .venv/bin/python benchmarks/bench_helios.py [--size 32x32x33] [--steps 8] [--reps 5] [--device cpu|cuda]
        [--wide 4]
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


def _build(path: str, wide: int) -> str:
    from tests.video_models.tiny_helios import build_helios
    build_helios(path)
    if wide:  # the same folder with more heads (its config and random weights replaced)
        import torch
        from diffusers import HeliosTransformer3DModel
        cfg = dict(HeliosTransformer3DModel.load_config(os.path.join(path, "transformer")))
        cfg = {k: v for k, v in cfg.items() if not k.startswith("_")}
        cfg.update(num_attention_heads=2 * wide, ffn_dim=32 * wide, num_layers=4)
        torch.manual_seed(0)
        HeliosTransformer3DModel(**cfg).save_pretrained(os.path.join(path, "transformer"))
    return path


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="32x32x33", help="WxHxT (T: whole 33-frame chunks)")
    ap.add_argument("--steps", type=int, default=8)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--wide", type=int, default=0, help="heads x2 (0: the test builder's two)")
    args = ap.parse_args()
    import numpy as np
    import pytest  # its MonkeyPatch: the pipeline's call spied on for the warm run, then put back
    import torch
    import diffusers
    from studio.engine.executor import Executor
    from tests.video_models.graphs import model_graph, spy_call
    w, h, t = (int(v) for v in args.size.split("x"))
    folder = _build(os.path.join(tempfile.mkdtemp(), "tiny-helios"), args.wide)
    cls = diffusers.HeliosPipeline
    params = {"frames": t, "width": w, "height": h, "steps": args.steps, "guidance": 5.0, "seed": 1,
              "prompt": "a red fox running", "negative_prompt": "static", "previews": False, "preview_size": "off"}
    g = model_graph(folder, "video_models.text_to_video", params)
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
    own_memory(pipe.components.values())
    pipe.set_progress_bar_config(disable=True)

    def direct():
        sync()
        t0 = time.perf_counter()
        out = pipe(**dict(kw, output_type="np", generator=torch.Generator(args.device).manual_seed(seed))).frames[0]
        sync()
        return time.perf_counter() - t0, out
    _, want = direct()
    same = bool(np.array_equal(frames, np.clip(np.asarray(want, np.float32), 0, 1)))
    node_t, direct_t = [], []
    for _ in range(args.reps):
        node_t.append(node()[0])
        direct_t.append(direct()[0])
    med = lambda x: sorted(x)[len(x) // 2]  # noqa: E731
    out = {"size": args.size, "steps": args.steps, "device": args.device, "wide": args.wide, "frames_equal": same,
           "node_s": round(med(node_t), 4), "direct_s": round(med(direct_t), 4),
           "node_over_direct": round(med(node_t) / med(direct_t), 3), "reps": args.reps,
           "node_each": [round(v, 3) for v in node_t], "direct_each": [round(v, 3) for v in direct_t]}
    print(json.dumps(out))
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
