"""MiniMax H3 Reference to Video through Studio's node against diffusers' modular pipeline called
directly with the same references (issue 56's aim: node time / direct time <= 1.02), in the same run,
interleaved, median of ``--reps``; the node's frames are checked equal to the direct call's first. A
tiny random folder built from configs (tests/video_models/tiny_minimax_h3.py; ``--wide`` widens its
transformer_ref so the steps, not the node's own work, take the time). Two pictures and a voice.

    .venv/bin/python benchmarks/bench_minimax_h3_reference.py [--size 64x64x124] [--steps 4] [--reps 5]
        [--device cpu|cuda] [--wide 128]
"""
from __future__ import annotations

import argparse
import functools
import json
import os
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
import benchmarks  # noqa: E402,F401  (allows the temporary folder it works in: benchmarks/__init__.py)


def _build(path: str, wide: int) -> str:
    from tests.video_models.tiny_minimax_h3 import build_minimax_h3
    build_minimax_h3(path)
    if wide:  # the same folder with a wider reference transformer (its config and random weights replaced)
        import torch
        from diffusers import MiniMaxH3Transformer3DModel
        cfg = dict(MiniMaxH3Transformer3DModel.load_config(os.path.join(path, "transformer_ref")))
        cfg.update(hidden_size=wide, attention_head_dim=wide // 2, ffn_dim=wide * 4, num_layers=4)
        cfg = {k: v for k, v in cfg.items() if not k.startswith("_")}
        torch.manual_seed(0)
        MiniMaxH3Transformer3DModel(**cfg).save_pretrained(os.path.join(path, "transformer_ref"))
    return path


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="64x64x124", help="WxHxT")
    ap.add_argument("--steps", type=int, default=4)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--wide", type=int, default=0, help="transformer_ref's hidden size (0: the test builder's 32)")
    args = ap.parse_args()
    import numpy as np
    import torch
    from diffusers import ModularPipeline
    from diffusers.modular_pipelines import MiniMaxH3ModularPipeline
    from diffusers.modular_pipelines.minimax_h3 import MiniMaxH3AudioReference, MiniMaxH3ImageReference
    from PIL import Image

    from studio.engine.executor import Executor
    from tests.video_models.test_minimax_h3_reference import _graph, _sound, _still
    w, h, t = (int(v) for v in args.size.split("x"))
    folder = _build(os.path.join(tempfile.mkdtemp(), "tiny-minimax-h3"), args.wide)
    g = _graph(folder, {"image_1": ("test.minimax_ref_still", {"seed": 3}),
                        "image_2": ("test.minimax_ref_still", {"seed": 4}), "audio_1": ("test.minimax_ref_sound", {})},
               width=w, height=h, frames=t, steps=args.steps)
    g.set_param("load", "dtype", "fp32")
    calls, orig = [], MiniMaxH3ModularPipeline.__call__

    @functools.wraps(orig)
    def spy(this, *a, **k):
        calls.append(dict(k, short_edge=this.config["reference_image_short_edge"]))
        return orig(this, *a, **k)
    MiniMaxH3ModularPipeline.__call__ = spy
    ex = Executor()
    sync = torch.cuda.synchronize if args.device == "cuda" else (lambda: None)

    def node():
        sync()
        t0 = time.perf_counter()
        clip = ex.run(g, targets=["gen"], device=args.device, use_cache=False).value("gen")
        sync()
        return time.perf_counter() - t0, clip.frames
    _, frames = node()  # warm: the model and its transformer_ref load
    kw = calls[0]
    MiniMaxH3ModularPipeline.__call__ = orig
    pipe = ModularPipeline.from_pretrained(folder)
    pipe.load_components(torch_dtype=torch.float32)
    from nodes.video_models.families.minimax_h3.processor import text_processor  # (transformers' own without
    pipe.update_components(processor=text_processor(os.path.join(folder, "processor")))  # torchvision: none)
    pipe.to(args.device)
    from nodes.video_models.base.own_memory import own_memory  # its weights in aligned memory, as Load Video Model
    own_memory(pipe.components.values())  # holds them (safetensors 0.8's unaligned views sum otherwise on AVX-512)
    pipe.update_components(reference_image_short_edge=kw["short_edge"])
    refs = [MiniMaxH3ImageReference(image=Image.fromarray(np.round(_still(s) * 255).astype(np.uint8))) for s in (3, 4)]
    refs.append(MiniMaxH3AudioReference(audio=torch.from_numpy(_sound().T.copy()), sample_rate=160))
    seed = kw["generator"].initial_seed()

    def direct():
        sync()
        t0 = time.perf_counter()
        out = pipe(prompt=kw["prompt"], references=refs, generator=torch.Generator().manual_seed(seed),
                   num_inference_steps=kw["num_inference_steps"], height=h, width=w, num_frames=t,
                   output_type="np").get("videos")[0]
        sync()
        return time.perf_counter() - t0, np.clip(np.asarray(out, np.float32), 0, 1)
    _, want = direct()
    same = bool(np.array_equal(frames, want))
    node_t, direct_t = [], []
    for _ in range(args.reps):
        node_t.append(node()[0])
        direct_t.append(direct()[0])
    med = lambda x: sorted(x)[len(x) // 2]  # noqa: E731
    out = {"size": args.size, "steps": args.steps, "device": args.device, "wide": args.wide,
           "frames_equal": same, "node_s": round(med(node_t), 4), "direct_s": round(med(direct_t), 4),
           "node_over_direct": round(med(node_t) / med(direct_t), 3), "reps": args.reps,
           "node_each": [round(v, 3) for v in node_t], "direct_each": [round(v, 3) for v in direct_t]}
    print(json.dumps(out))
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
