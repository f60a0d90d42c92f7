"""LTX-2 Latent Upscale against diffusers' LTX2LatentUpsamplePipeline called directly (issue 59 item 4).

    .venv/bin/python benchmarks/bench_ltx2_upsample.py [--frames 25] [--size 256] [--repeats 3]

A tiny random LTX-2 with LTX-2's real compression (tests/video_models/tiny_ltx2.py) and a tiny
latent upsampler (diffusers' LTX2LatentUpsamplerModel from a small config) are built here. The node's
own time (the executor's NodeFinished seconds for the upscale node, run again on the model Load Video
Model loaded once) against the pipeline called on the same frames with the same VAE and upsampler
weights, in turn, ``--repeats`` times; the least of each and node / direct (aim <= 1.05). One window:
``--frames`` must be 8k+1. Prints figures, asserts nothing.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
import benchmarks  # noqa: E402,F401  (allows the temporary folder it works in: benchmarks/__init__.py)
os.environ.setdefault("STUDIO_DISK_CACHE_GB", "0")

import numpy as np  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--frames", type=int, default=25)
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    import torch
    from diffusers import LTX2LatentUpsamplePipeline, LTX2Pipeline
    from diffusers.pipelines.ltx2.latent_upsampler import LTX2LatentUpsamplerModel

    from studio.core.graph import Graph
    from studio.core.registry import default_registry
    from studio.core.spec import SOURCE, Node, Out
    from studio.engine.clip import ArrayClip
    from studio.engine.events import NodeFinished
    from studio.engine.executor import Executor
    from tests.video_models.tiny_ltx2 import build_ltx2

    tmp = tempfile.mkdtemp(prefix="bench-ltx2-up-")
    model = build_ltx2(os.path.join(tmp, "ltx2"), real_compression=True)
    torch.manual_seed(0)
    up_dir = os.path.join(tmp, "latent_upsampler")
    LTX2LatentUpsamplerModel(in_channels=4, mid_channels=64, num_blocks_per_stage=2, dims=3, spatial_upsample=True,
                             temporal_upsample=False, use_rational_resampler=False).save_pretrained(up_dir)
    frames = np.random.default_rng(0).random((a.frames, a.size, a.size, 3), dtype=np.float32)

    class Frames(Node):
        id = "bench.ltx2_up_frames"
        timing = SOURCE
        outputs = (Out("video", "Video"),)

        def run(self, ctx):
            return ArrayClip(frames, 24.0)
    if Frames.id not in default_registry():
        default_registry().register(Frames)
    g = Graph()
    g.add_node("video_models.load", {"model": model}, node_id="load")
    g.add_node("bench.ltx2_up_frames", {}, node_id="src")
    g.add_node("video_models.ltx2_latent_upscale", {"upsampler": up_dir, "window": a.frames}, node_id="up")
    g.connect("load", "model", "up", "model")
    g.connect("src", "video", "up", "video")

    vae = LTX2Pipeline.from_pretrained(model).vae
    pipe = LTX2LatentUpsamplePipeline(vae=vae, latent_upsampler=LTX2LatentUpsamplerModel.from_pretrained(up_dir))
    pipe.set_progress_bar_config(disable=True)

    ex, turn = Executor(), [0]

    def node() -> tuple[float, np.ndarray]:
        """The upscale node run again on the loaded model: its window changed (one window all the same)
        so the executor runs it and only it."""
        turn[0] += 1
        g.nodes["up"].params["window"] = a.frames + 8 * turn[0]
        seen = []
        r = ex.run(g, targets=["up"], device="cpu",
                   on_event=lambda e: seen.append(e.seconds) if isinstance(e, NodeFinished) and e.node_id == "up"
                   else None)
        return seen[0], r.value("up").frames

    def direct() -> tuple[float, np.ndarray]:
        t = time.perf_counter()
        with torch.inference_mode():
            out = pipe(video=list(frames), height=a.size, width=a.size, generator=torch.Generator().manual_seed(0),
                       output_type="np", return_dict=False)[0][0]
        return time.perf_counter() - t, np.clip(np.asarray(out, np.float32), 0, 1)
    node()  # warm: imports, allocator
    ns, ds = [], []
    for _ in range(a.repeats):
        t, got = node()
        ns.append(t)
        t, want = direct()
        ds.append(t)
    print(f"{a.frames} frames {a.size}x{a.size} -> {2 * a.size}x{2 * a.size}, tiny LTX-2 (real compression), CPU, "
          f"torch threads {torch.get_num_threads()}")
    print(f"node {min(ns):.3f} s, direct {min(ds):.3f} s (least of {a.repeats}); node / direct {min(ns) / min(ds):.3f} "
          f"(aim <= 1.05); frames max abs difference {float(np.abs(got - want).max()):.2e}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
