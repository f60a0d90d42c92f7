"""Wan Animate 2 through Studio's Wan Animate 2 node against diffusers' WanAnimate2ModularPipeline called
directly (issue 56's aim: node time / direct time <= 1.02), in the same run, interleaved, median of
``--reps``; the node's frames are checked equal to the direct call's first. The direct pipeline is made
as diffusers documents it (``ModularPipeline.from_pretrained`` + ``load_components``) from a tiny random
folder built from configs (tests/video_models/tiny_wan_animate2.py; ``--wide`` widens its transformer so
the denoising, not the node's own work, takes the time).

    .venv/bin/python benchmarks/bench_wan_animate2.py [--size 64x64x9] [--window 5] [--steps 4] [--reps 5]
        [--device cpu|cuda] [--wide 256] [--distilled]
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


def _build(path: str, distilled: bool, wide: int) -> str:
    from tests.video_models.tiny_wan_animate2 import build_wan_animate2
    build_wan_animate2(path, distilled=distilled)
    if wide:  # the same folder with a wider transformer (its config and random weights replaced)
        import torch
        from diffusers import WanAnimate2Transformer3DModel
        cfg = dict(WanAnimate2Transformer3DModel.load_config(os.path.join(path, "transformer")))
        cfg.update(dim=wide, ffn_dim=wide * 2, num_heads=max(1, wide // 64), num_layers=4)
        cfg = {k: v for k, v in cfg.items() if not k.startswith("_")}
        torch.manual_seed(0)
        WanAnimate2Transformer3DModel(**cfg).save_pretrained(os.path.join(path, "transformer"))
    return path


def _graph(folder: str, w: int, h: int, t: int, window: int, steps: int):
    from tests.video_models.graphs import model_graph
    from tests.video_models.test_wan_animate2 import DRIVING, REFERENCE
    g = model_graph(folder, "video_models.wan_animate_2", {"prompt": "a red fox dancing", "steps": steps, "seed": 1,
                                                            "window": window, "width": w, "height": h},
                    reference=(REFERENCE, "image"), driving=(DRIVING, "video", {"frames": t}))
    g.nodes["load"].params["dtype"] = "fp32"
    return g


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="64x64x9", help="WxHxT (the area and the driving frames)")
    ap.add_argument("--window", type=int, default=5)
    ap.add_argument("--steps", type=int, default=4)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--wide", type=int, default=0, help="the transformer's dim (0: the test builder's 32)")
    ap.add_argument("--distilled", action="store_true")
    ap.add_argument("--threads", type=int, default=0, help="torch's threads (0: as it starts); 1 makes the CPU-time "
                                                           "ratio a measure of the work alone on a loaded machine")
    args = ap.parse_args()
    import numpy as np
    import pytest  # its MonkeyPatch: the pipeline's call spied on for the warm run, then put back
    import torch
    import diffusers.modular_pipelines as mp
    from diffusers import ModularPipeline
    from studio.engine.executor import Executor
    from tests.video_models.graphs import spy_call
    if args.threads:
        torch.set_num_threads(args.threads)
    w, h, t = (int(v) for v in args.size.split("x"))
    folder = _build(os.path.join(tempfile.mkdtemp(), "tiny-wan-animate-2"), args.distilled, args.wide)
    cls = mp.WanAnimate2DistilledModularPipeline if args.distilled else mp.WanAnimate2ModularPipeline
    g = _graph(folder, w, h, t, args.window, args.steps)
    spying = pytest.MonkeyPatch()
    calls, _ = spy_call(spying, cls, dict)
    ex = Executor()
    sync = torch.cuda.synchronize if args.device == "cuda" else (lambda: None)

    def node():
        sync()
        t0, c0 = time.perf_counter(), time.process_time()
        clip = ex.run(g, targets=["gen"], device=args.device, use_cache=False).value("gen")
        sync()
        return time.perf_counter() - t0, clip.frames, time.process_time() - c0
    _, frames, _ = node()  # warm: the model loads
    kw = dict(calls[0])
    seed = kw.pop("generator").initial_seed()
    spying.undo()
    pipe = ModularPipeline.from_pretrained(folder)
    pipe.load_components(torch_dtype=torch.float32)
    pipe.to(args.device)
    from nodes.video_models.base.own_memory import own_memory  # its weights in aligned memory, as Load Video Model
    own_memory(pipe.components.values())  # holds them (safetensors 0.8's unaligned views sum otherwise on AVX-512)

    def direct():
        sync()
        t0, c0 = time.perf_counter(), time.process_time()
        state = pipe(**dict(kw, generator=torch.Generator("cpu").manual_seed(seed)))
        out = np.clip(np.asarray(state.get("videos")[0], np.float32), 0, 1)
        sync()
        return time.perf_counter() - t0, out, time.process_time() - c0
    _, want, _ = direct()
    same = bool(np.array_equal(frames, want))
    node_t, direct_t, node_c, direct_c = [], [], [], []
    for _ in range(args.reps):
        a, _, ac = node()
        b, _, bc = direct()
        node_t.append(a)
        direct_t.append(b)
        node_c.append(ac)
        direct_c.append(bc)
    med = lambda x: sorted(x)[len(x) // 2]  # noqa: E731
    out = {"size": args.size, "window": args.window, "steps": args.steps, "device": args.device, "wide": args.wide,
           "distilled": args.distilled, "frames_equal": same, "node_s": round(med(node_t), 4),
           "direct_s": round(med(direct_t), 4), "node_over_direct": round(med(node_t) / med(direct_t), 3),
           "cpu_node_s": round(med(node_c), 4), "cpu_direct_s": round(med(direct_c), 4),
           "cpu_node_over_direct": round(med(node_c) / med(direct_c), 3), "threads": torch.get_num_threads(),
           "reps": args.reps, "node_each": [round(v, 3) for v in node_t],
           "direct_each": [round(v, 3) for v in direct_t]}
    print(json.dumps(out))
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
