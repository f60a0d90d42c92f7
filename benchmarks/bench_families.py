"""A family's node against its diffusers pipeline called directly with the arguments the node gave it (issue 72's
aim: node time / direct time <= 1.02), in the same run, interleaved, median of ``--reps``, the fastest runs' ratio
beside it (benchmarks/bench_video_models.node_against_direct); the node's frames are checked equal to the direct
call's. One way of measuring, one command line, for every family.

The family's tiny random folder is ``--tiny``: a tests/tiny_models.py BUILDERS key (``--build`` its settings as
JSON) or a CASES name below. ``--wide`` rebuilds its denoiser with the heads times ``--wide`` (config widths tied
to the heads with them) and four layers, random weights nudged off zero, so the steps, not the node's own work,
take the time. The rest comes from the folder and its family: the pipeline is the folder's class; the node Image
to Video when that class is its family's image-to-video one (a still given), else Text to Video, unless ``--node``
names one (a family's own node: given the parameters it has, and a still when it needs one); the size the
family's smallest valid one from 32x32x8. A new family needs no line here: CASES holds only the families whose
settings cannot be derived that way, each saying why.

    .venv/bin/python benchmarks/bench_families.py --tiny easyanimate [--build '{"kind": "inpaint"}']
        [--size WxHxT] [--steps 6] [--reps 5] [--wide 4] [--device cpu|cuda] [--node video_models.text_to_video]
        [--threads 0] [--clock wall|cpu] [--ablate 1]
    .venv/bin/python benchmarks/bench_families.py --tiny motif-video --build '{"i2v": true}'
    .venv/bin/python benchmarks/bench_families.py --tiny chronoedit --node video_models.chronoedit --size 16x32x5
    .venv/bin/python benchmarks/bench_families.py --tiny sana-video-i2v --clock cpu --threads 1 --wide 24

``--clock cpu`` times this process's CPU time instead of the wall clock (on a CPU shared with other work the wall
clock measures the others); with ``--threads 1`` the two agree on a quiet machine. ``--ablate 1``: where the
node's time beyond the call goes (benchmarks/node_overhead.py).
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
from dataclasses import dataclass, field
from typing import Callable, Optional

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks.cli import settings  # noqa: E402


@dataclass(frozen=True)
class Case:
    """What a family needs beyond what the folder and its family tell (module docstring)."""
    builder: str                                   # tests/tiny_models.py BUILDERS key
    why: str                                       # what the generic path cannot derive for it
    build: dict = field(default_factory=dict)      # the builder's settings
    node: str = ""                                 # the generator node's type ("" derived)
    size: str = ""                                 # WxHxT by default ("" derived)
    params: dict = field(default_factory=dict)     # the node's settings beyond the common ones
    still: bool = False                            # a start image fed to the node's 'image' though it is optional
    denoiser: str = "transformer"                  # the folder's part that --wide replaces
    widen: Optional[Callable[[dict, int], dict]] = None  # (config, wide) -> the settings replaced; None: _widen


def _sana(cfg: dict, w: int) -> dict:
    return {**_widen(cfg, w), "num_cross_attention_heads": cfg["num_cross_attention_heads"] * w}


def _unet(cfg: dict, w: int) -> dict:
    return {"block_out_channels": [4 * w, 8 * w]}


CASES = {
    "allegro": Case("allegro", "its VAE decodes whole tiles of 24 frames x 128 px only (the family checks it in "
                    "code, declaring no such size)", size="128x128x24"),
    "sana-video": Case("sana-video", "its own node (its family declares no text- or image-to-video class); "
                       "binning off (it would resize to its aspect bins); cross-attention heads widened too "
                       "(their own head size, not tied to the heads' width)",
                       node="video_models.sana_video", params={"binning": False}, widen=_sana),
    "sana-video-i2v": Case("sana-video", "as sana-video, with the still its node takes as an optional input",
                           build={"i2v": True}, node="video_models.sana_video", params={"binning": False},
                           still=True, widen=_sana),
    "i2vgen-xl": Case("i2vgen-xl", "a UNet, no transformer: widened by its block widths",
                      denoiser="unet", widen=_unet),
    "modelscope-t2v": Case("modelscope-t2v", "a UNet, no transformer: widened by its block widths",
                           denoiser="unet", widen=_unet),
}


def _widen(cfg: dict, w: int) -> dict:
    """A transformer's heads times ``w`` and the widths tied to them, four layers. Tied: a ``*_dim`` setting equal
    to the heads' width (Allegro's and Latte's cross-attention width); never the text encoder's width
    (``caption_channels``) or a frame count (Latte's ``video_length``), though a tiny model's may be equal to it."""
    inner = cfg["num_attention_heads"] * cfg.get("attention_head_dim", 0)
    out = {k: v * w for k, v in cfg.items() if type(v) is int and v == inner and inner and k.endswith("_dim")}
    return {**out, "num_attention_heads": cfg["num_attention_heads"] * w, "num_layers": 4}


def build(case: Case, path: str, more: dict, wide: int) -> str:
    """The case's tiny folder at ``path``; with ``wide``, its denoiser rebuilt from its own config widened
    (random weights, nudged so the zero-initialised layers matter)."""
    import diffusers
    import torch

    from tests.tiny_models import _builder
    _builder(case.builder, **{**case.build, **more})(path)
    if wide:
        part = os.path.join(path, case.denoiser)
        with open(os.path.join(part, "config.json"), encoding="utf-8") as f:
            cls = getattr(diffusers, json.load(f)["_class_name"])
        cfg = {k: v for k, v in cls.load_config(part).items() if not k.startswith("_")}
        cfg.update((case.widen or _widen)(cfg, wide))
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


def measure(tiny: str, build_settings: dict | None = None, size: str = "", steps: int = 6, reps: int = 5,
            device: str = "cpu", wide: int = 4, node: str = "", clock: str = "wall", ablate: bool = False) -> dict:
    import time

    import diffusers

    import nodes.video_models.families  # noqa: F401  (the registry filled)
    from benchmarks.bench_video_models import node_against_direct
    from nodes.video_models.base.family import valid_frames
    from nodes.video_models.base.registry import family_from_index
    from studio.core.confine import allow_reading_for_session
    from studio.core.registry import default_registry
    from studio.engine.executor import Executor
    from tests.video_models.graphs import model_graph
    case = CASES.get(tiny) or Case(tiny, "")
    tmp = tempfile.mkdtemp()
    allow_reading_for_session(tmp)  # the tiny folder is outside every folder a graph may read
    folder = build(case, os.path.join(tmp, "tiny-" + tiny), build_settings or {}, wide)
    with open(os.path.join(folder, "model_index.json"), encoding="utf-8") as f:
        index = json.load(f)
    cls, fam = index["_class_name"], family_from_index(index)
    i2v = cls == fam.i2v and cls != fam.t2v
    node = node or case.node or ("video_models.image_to_video" if i2v else "video_models.text_to_video")
    size = size or case.size
    if not size:  # the family's smallest valid size from 32x32x8
        side = -(-max(32, fam.size_multiple) // fam.size_multiple) * fam.size_multiple
        size = f"{side}x{side}x{valid_frames(fam, 8)}"
    w, h, t = (int(v) for v in size.split("x"))
    params = {"frames": t, "width": w, "height": h, "steps": steps, "guidance": 5.0, "seed": 1,
              "prompt": "a red fox running", "negative_prompt": "static", "previews": False, "preview_size": "off",
              **case.params}
    spec = default_registry().get(node)
    declared = {p.name for p in spec.params}  # a family's own node: the parameters it has
    still = case.still or i2v or any(i.name == "image" and not i.optional for i in spec.inputs)
    feeds = {"image": (_still(w, h), "image")} if still else {}
    g = model_graph(folder, node, {k: v for k, v in params.items() if k in declared}, **feeds)
    g.nodes["load"].params["dtype"] = "fp32"
    ex = Executor()
    out = node_against_direct(ex, g, getattr(diffusers, cls), reps, device, t,
                              clock=time.process_time if clock == "cpu" else time.perf_counter)
    if ablate:
        from benchmarks.node_overhead import ablation
        pipe, seed = out["call"]
        out["ablation"] = ablation(ex, g, pipe, out["kwargs"], seed, device, reps)
    # the fastest runs' ratio beside the medians': on a shared CPU the others' work only ever adds time
    out["ratio_of_fastest"] = min(out["node_all"]) / min(out["direct_all"])
    out = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in out.items() if k not in ("kwargs", "call")}
    return {"family": fam.key, "tiny": tiny, "pipeline": cls, "node": node, "size": size, "steps": steps,
            "wide": wide, "device": device, "reps": reps, "clock": clock, **out}


def main() -> int:
    args = settings(tiny="allegro", build="{}", size="", steps=6, reps=5, device="cpu", wide=4, node="", threads=0,
                    clock="wall", ablate=0)
    if args.threads:
        import torch
        torch.set_num_threads(args.threads)
    out = measure(args.tiny, json.loads(args.build), args.size, args.steps, args.reps, args.device, args.wide,
                  args.node, args.clock, bool(args.ablate))
    print(json.dumps(out, default=str))
    return 0 if out["identical_frames"] and out["checked"] is not False else 1


if __name__ == "__main__":
    raise SystemExit(main())
