"""SCAIL-2 Character through its node against SCAIL2Pipeline called directly with the same conditioning
(issue 57's aim: node time / plain call <= 1.02), in the same run, interleaved, median of ``--reps``; the
node's frames are checked equal to the plain call's first. The tiny SCAIL-2 of
tests/video_models/tiny_wan_scail.py (ComfyUI's four files), on the CPU; two segments by default.

    .venv/bin/python benchmarks/bench_wan_scail2.py [--frames 13] [--window 9] [--steps 2] [--reps 3] [--size 32]
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
    args = settings(frames=13, window=9, steps=2, reps=3, size=32)
    import numpy as np
    import torch

    from nodes.video_models.families.wan_scail.conditioning import paint
    from nodes.video_models.families.wan_scail.node import SCAIL2Character, cover
    from nodes.video_models.loading.load import load_video_model
    from studio.engine.clip import ArrayClip
    from studio.engine.context import Context
    from tests.node_run import Recorder, run_node
    from tests.video_models.tiny_wan_scail import build_wan_scail
    files = build_wan_scail(tempfile.mkdtemp())
    ref = load_video_model(files["denoiser"], base=None, device=torch.device("cpu"), dtype_name="fp32",
                           parts={"text_encoder": files["text_encoder"], "vae": files["vae"],
                                  "image_encoder": files["clip_vision"]})
    s, n = args.size, args.frames
    rng = np.random.default_rng(0)
    clip = ArrayClip(rng.random((n, s, s, 3), dtype=np.float32), 16.0)
    m = np.zeros((n, s, s, 1), np.float32)
    m[:, s // 4:3 * s // 4, s // 3:2 * s // 3] = 1.0
    mask = ArrayClip(m, 16.0)
    image = rng.random((s, s, 3), dtype=np.float32)
    params = {"prompt": "a red fox", "frames": n, "window": args.window, "overlap": 5, "steps": args.steps,
              "guidance": 2.0, "width": s, "height": s, "mode": "replace"}
    still = torch.from_numpy(cover(image, s, s)).permute(2, 0, 1)[None] * 2 - 1
    driving = torch.from_numpy(np.array(clip.frames)).permute(3, 0, 1, 2)[None] * 2 - 1
    dmask = torch.from_numpy(paint(m[..., 0], 1.0)).permute(0, 3, 1, 2)

    def node():
        return np.asarray(run_node(SCAIL2Character, params, model=ref, reference=image, driving=clip,
                                   driving_mask=mask)["video"].frames)

    def plain():
        gen = Context("n1", "t", {}, 1234, torch.device("cpu"), Recorder()).torch_generator(device="cpu")
        v = ref.module(still, driving, dmask, None, replace=True, prompt="a red fox", window=args.window, overlap=5,
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
    print(json.dumps({"frames": n, "window": args.window, "steps": args.steps, "size": s, "reps": args.reps,
                      "node_s": round(med["node"], 3), "plain_s": round(med["plain"], 3),
                      "ratio": round(med["node"] / med["plain"], 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
