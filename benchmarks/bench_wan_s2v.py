"""Speech to Video (S2V) through its node against WanS2VPipeline called directly with the same
conditioning (issue 58's aim: node time / plain call <= 1.02), in the same run, interleaved, median
of ``--reps``; the node's frames are checked equal to the plain call's first. The tiny S2V of
tests/video_models/tiny_wan_s2v.py (ComfyUI's three files), on the CPU.

    .venv/bin/python benchmarks/bench_wan_s2v.py [--frames 5] [--window 8] [--steps 4] [--reps 5]
"""
from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks.cli import settings  # noqa: E402


def main() -> int:
    args = settings(frames=5, window=8, steps=4, reps=5)
    import numpy as np
    import torch

    from nodes.video_models.families.wan_s2v.node import SpeechToVideo, covered
    from nodes.video_models.families.wan_s2v.pipeline import audio_buckets
    from nodes.video_models.loading.load import load_video_model
    from studio.core.values import Features
    from studio.engine.context import Context
    from tests.node_run import Recorder, run_node
    from tests.video_models.tiny_wan_s2v import build_wan_s2v
    files = build_wan_s2v(tempfile.mkdtemp())
    ref = load_video_model(files["denoiser"], base=None, device=torch.device("cpu"), dtype_name="fp32",
                           parts={"text_encoder": files["text_encoder"], "vae": files["vae"]})
    n_feat = args.frames + args.window
    speech = Features(torch.randn(n_feat, 96, generator=torch.Generator().manual_seed(0)), per_frame=True, fps=16.0,
                      extras={"layers": 3, "width": 32, "silent": False})
    image = np.random.default_rng(0).random((64, 64, 3), dtype=np.float32)
    params = {"prompt": "a red fox", "frames": args.frames, "window": args.window, "steps": args.steps,
              "guidance": 2.0, "width": 64, "height": 64}
    still = torch.from_numpy(covered(image, 64, 64)).permute(2, 0, 1)[None] * 2 - 1
    from nodes.video_models.families.wan_s2v.pipeline import take_plan
    windows, _ = take_plan(args.frames, args.window)
    feats = audio_buckets(speech.data.reshape(n_feat, 3, 32), 16.0, windows * args.window)

    def node():
        return run_node(SpeechToVideo, params, model=ref, image=image, speech=speech)["video"].frames

    def plain():
        gen = Context("n1", "t", {}, 1234, torch.device("cpu"), Recorder()).torch_generator(device="cpu")
        v = ref.module(still, feats, prompt="a red fox", num_frames=args.frames, window=args.window,
                       num_inference_steps=args.steps, guidance_scale=2.0, generator=gen)
        return ((v[0].permute(1, 2, 3, 0).numpy() + 1) / 2).clip(0, 1).astype(np.float32)
    assert np.array_equal(node(), plain()), "the node's frames are not the plain call's"
    times = {"node": [], "plain": []}
    for r in range(args.reps):  # each first in turn: neither pays for the other's leftovers
        for name, fn in ((("node", node), ("plain", plain)) if r % 2 else (("plain", plain), ("node", node))):
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    med = {k: statistics.median(v) for k, v in times.items()}
    print(json.dumps({"frames": args.frames, "window": args.window, "steps": args.steps, "reps": args.reps,
                      "node_s": round(med["node"], 3), "plain_s": round(med["plain"], 3),
                      "ratio": round(med["node"] / med["plain"], 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
