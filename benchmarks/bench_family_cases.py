"""A family through Studio's nodes against its diffusers pipeline called directly (issue 72's aim: node
time / direct time <= 1.02), in the same run, interleaved, median of ``--reps``; the node's frames are
checked equal to the direct call's first. One table of cases (CASES: the family's tiny builder of
tests/tiny_models.py, the node, the pipeline, the size, the transformer settings ``--wide`` widens so the
steps, not the node's own work, take the time), one way of measuring (bench_video_models.node_against_direct).

    .venv/bin/python benchmarks/bench_family_cases.py --family mochi|sana_video|motif_video|skyreels_v1|latte|i2vgen_xl|modelscope_t2v|...
        [--size WxHxT] [--steps 6] [--reps 5] [--device cpu|cuda] [--wide 8] [--threads 0] [--clock wall|cpu] [--ablate 1]

``--clock cpu`` times this process's CPU time instead of the wall clock (on a CPU shared with other work the
wall clock measures the others); with ``--threads 1`` the two agree on a quiet machine.
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
from dataclasses import dataclass, field
from typing import Callable

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks.cli import settings  # noqa: E402

T2V, I2V = "video_models.text_to_video", "video_models.image_to_video"


@dataclass(frozen=True)
class Case:
    builder: str                                   # tests/tiny_models.py BUILDERS key
    node: str                                      # the generator node's type
    pipe: str                                      # the diffusers pipeline class it calls
    size: str                                      # WxHxT by default
    widen: Callable[[int], dict]                   # --wide -> the transformer's settings replaced
    build: dict = field(default_factory=dict)      # the builder's settings
    params: dict = field(default_factory=dict)     # the node's settings beyond the common ones
    still: bool = False                            # a start image fed to the node's 'image'
    denoiser: str = "transformer"                  # the folder's part that --wide replaces


CASES = {
    "mochi": Case("mochi", T2V, "MochiPipeline", "32x32x13",
                  lambda w: {"num_attention_heads": w, "num_layers": 4}),
    "sana_video": Case("sana-video", "video_models.sana_video", "SanaVideoPipeline", "32x32x9",
                       lambda w: {"num_attention_heads": w, "num_cross_attention_heads": w,
                                  "cross_attention_dim": 8 * w, "num_layers": 4}, params={"binning": False}),
    "sana_video_i2v": Case("sana-video", "video_models.sana_video", "SanaImageToVideoPipeline", "32x32x9",
                           lambda w: {"num_attention_heads": w, "num_cross_attention_heads": w,
                                      "cross_attention_dim": 8 * w, "num_layers": 4},
                           build={"i2v": True}, params={"binning": False}, still=True),
    "motif_video": Case("motif-video", T2V, "MotifVideoPipeline", "32x32x9",
                        lambda w: {"num_attention_heads": w, "num_layers": 2, "num_single_layers": 2}),
    "motif_video_i2v": Case("motif-video", I2V, "MotifVideoImage2VideoPipeline", "32x32x9",
                            lambda w: {"num_attention_heads": w, "num_layers": 2, "num_single_layers": 2},
                            build={"i2v": True}, still=True),
    "latte": Case("latte", T2V, "LattePipeline", "32x32x16",
                  lambda w: {"num_attention_heads": w, "cross_attention_dim": 8 * w, "num_layers": 2}),
    "i2vgen_xl": Case("i2vgen-xl", I2V, "I2VGenXLPipeline", "32x32x8", lambda w: {"block_out_channels": [4 * w, 8 * w]},
                      still=True, denoiser="unet"),
    "modelscope_t2v": Case("modelscope-t2v", T2V, "TextToVideoSDPipeline", "32x32x8",
                           lambda w: {"block_out_channels": [4 * w, 8 * w]}, denoiser="unet"),
    "skyreels_v1": Case("hunyuan-skyreels", I2V, "HunyuanSkyreelsImageToVideoPipeline", "32x32x9",
                        lambda w: {"num_attention_heads": w, "num_layers": 2, "num_single_layers": 2},
                        still=True),
}


def build(case: Case, path: str, wide: int) -> str:
    """The case's tiny folder at ``path``; with ``wide``, its denoiser rebuilt from its own config with
    the case's widened settings (random weights, the zero-initialised layers made to matter)."""
    import diffusers
    import torch

    from tests.tiny_models import _builder
    _builder(case.builder, **case.build)(path)
    if wide:
        part = os.path.join(path, case.denoiser)
        with open(os.path.join(part, "config.json"), encoding="utf-8") as f:
            cfg = json.load(f)
        cls = getattr(diffusers, cfg["_class_name"])
        cfg = {k: v for k, v in cfg.items() if not k.startswith("_")}
        cfg.update(case.widen(wide))
        torch.manual_seed(0)
        model = cls(**cfg)
        with torch.no_grad():
            for p in model.parameters():
                p.add_(torch.randn_like(p) * 0.02)
        model.save_pretrained(part)
    return path


def _still(w: int, h: int) -> str:
    import numpy as np

    from tests.sources import source
    return source(f"bench.still_{w}x{h}", "image", "Image", lambda p: (
        np.random.RandomState(9).randint(0, 256, (h, w, 3)) / 255.0).astype(np.float32))


def measure(family: str, size: str = "", steps: int = 6, reps: int = 5, device: str = "cpu", wide: int = 0,
            clock: str = "wall", ablate: bool = False) -> dict:
    import time

    import diffusers

    from benchmarks.bench_video_models import node_against_direct
    from studio.core.registry import default_registry
    from studio.engine.executor import Executor
    from tests.video_models.graphs import model_graph
    case = CASES[family]
    w, h, t = (int(v) for v in (size or case.size).split("x"))
    folder = build(case, os.path.join(tempfile.mkdtemp(), "tiny-" + family), wide)
    params = {"frames": t, "width": w, "height": h, "steps": steps, "guidance": 5.0, "seed": 1,
              "prompt": "a red fox running", "negative_prompt": "static", "previews": False, "preview_size": "off",
              **case.params}
    declared = {p.name for p in default_registry().get(case.node).params}
    feeds = {"image": (_still(w, h), "image")} if case.still else {}
    g = model_graph(folder, case.node, {k: v for k, v in params.items() if k in declared}, **feeds)
    g.nodes["load"].params["dtype"] = "fp32"
    ex = Executor()
    out = node_against_direct(ex, g, getattr(diffusers, case.pipe), reps, device, t,
                              clock=time.process_time if clock == "cpu" else time.perf_counter)
    if ablate:  # where the node's time beyond the call goes (benchmarks/node_overhead.py)
        from benchmarks.node_overhead import ablation
        pipe, seed = out["call"]
        out["ablation"] = ablation(ex, g, pipe, out["kwargs"], seed, device, reps)
    # the fastest runs' ratio beside the medians': on a shared CPU the others' work only ever adds time
    out["ratio_of_fastest"] = min(out["node_all"]) / min(out["direct_all"])
    out = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in out.items() if k not in ("kwargs", "call")}
    return {"family": family, "size": size or case.size, "steps": steps, "wide": wide, "device": device,
            "reps": reps, "clock": clock, **out}


def main() -> int:
    args = settings(family="mochi", size="", steps=6, reps=5, device="cpu", wide=0, threads=0, clock="wall", ablate=0)
    if args.threads:
        import torch
        torch.set_num_threads(args.threads)
    out = measure(args.family, args.size, args.steps, args.reps, args.device, args.wide, args.clock, bool(args.ablate))
    print(json.dumps(out, default=str))
    return 0 if out["identical_frames"] and out["checked"] is not False else 1


if __name__ == "__main__":
    raise SystemExit(main())
