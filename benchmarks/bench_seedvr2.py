"""SeedVR2 Upscale against its pipeline called directly (issue 59), and host growth streaming a long clip.

    .venv/bin/python benchmarks/bench_seedvr2.py [--frames 13] [--size 64x48] [--window 9] [--overlap 2]
        [--long 120] [--repeats 2] [--device auto]

Tiny random weights in the release's layouts (a reduced 3B DiT, a VAE of 32-wide blocks), saved as
safetensors, as the tests do.

1. Time: the node's lazy clip pulled in chunks of 16 against pipeline.restore called on the same
   windows with the same seeds and cross-faded by hand, in the same run, ``--repeats`` times; the
   least of each and node / direct (aim <= 1.05); the frames compared (max abs difference).
2. Memory: ``--long`` frames made on demand, restored window by window and pulled to the end in
   chunks of 16 and dropped; RSS sampled every 20 ms; growth = its peak minus its value after the
   first chunk. Prints figures, asserts nothing."""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import numpy as np  # noqa: E402
import torch  # noqa: E402

from benchmarks.host_memory import Peak  # noqa: E402
from nodes.finishing.seedvr2 import dit_files, pipeline  # noqa: E402
from nodes.finishing.seedvr2.dit import CONFIG_3B, SeedVR2DiT  # noqa: E402
from nodes.finishing.seedvr2.vae import SeedVR2VAE, load_vae  # noqa: E402
from nodes.finishing.seedvr2_upscale import SeedVR2Upscale  # noqa: E402
from studio.engine.clip import Clip  # noqa: E402
from studio.engine.context import Context, Runtime  # noqa: E402

DIT = dict(CONFIG_3B, vid_dim=128, heads=2, head_dim=64, num_layers=4, mm_layers=2, txt_in_dim=64, rope_dim=64)


class NoiseClip(Clip):
    def _frame(self, i):
        return np.random.default_rng(i).random((self.height, self.width, 3), dtype=np.float32)


def build(folder: str) -> tuple[str, str]:
    from safetensors.torch import save_file
    torch.manual_seed(0)
    dit = SeedVR2DiT(DIT)
    for p in dit.parameters():
        torch.nn.init.normal_(p, std=0.03)
    sd = {k: v.contiguous() for k, v in dit.state_dict().items()}
    save_file(dict(sd, positive_conditioning=torch.randn(58, 64)), os.path.join(folder, "dit.safetensors"))
    vae = SeedVR2VAE(dict(block_out_channels=[32, 32, 32, 32], layers_per_block=1))
    save_file({k: v.contiguous() for k, v in vae.state_dict().items()}, os.path.join(folder, "vae.safetensors"))
    return os.path.join(folder, "dit.safetensors"), os.path.join(folder, "vae.safetensors")


def node_clip(paths, clip, args, device):
    spec = SeedVR2Upscale.spec()
    params = spec.coerce_params({"model": paths[0], "vae": paths[1], "scale": 1.0, "window": args.window,
                                 "overlap": args.overlap, "color_fix": "wavelet"})
    ctx = Context("sv", spec.title, params, 0, device, Runtime())
    return SeedVR2Upscale().run(ctx, video=clip), ctx


def direct(paths, clip, args, device, ctx):
    dtype = torch.float32 if str(device) == "cpu" else torch.bfloat16
    dit, text = dit_files.load_dit(paths[0], dtype, device)
    vae = load_vae(paths[1], dtype, device)
    size = pipeline.work_size(clip.width, clip.height, clip.width, clip.height)
    wins = pipeline.chunks(len(clip), args.window, args.overlap)
    outs = [pipeline.restore(dit, vae, clip.chunk(a, b), size, text["positive"], ctx.torch_generator("cpu", salt=k),
                             "wavelet", device, dtype) for k, (a, b) in enumerate(wins)]
    frames = np.concatenate([outs[0]] + [o[max(0, p[1] - c[0]):] for p, c, o in zip(wins, wins[1:], outs[1:])])
    for k in range(1, len(wins)):  # the cross-fade, as the node makes it
        p, c = wins[k - 1], wins[k]
        w = pipeline.blend_weights(p, c)[:, None, None, None]
        frames[c[0]:p[1]] = (1 - w) * outs[k - 1][c[0] - p[0]:] + w * outs[k][:p[1] - c[0]]
    return frames


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--frames", type=int, default=13)
    ap.add_argument("--size", default="64x48")
    ap.add_argument("--window", type=int, default=9)
    ap.add_argument("--overlap", type=int, default=2)
    ap.add_argument("--long", type=int, default=120)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--device", default="auto")
    args = ap.parse_args()
    device = torch.device("cuda" if args.device == "auto" and torch.cuda.is_available() else
                          ("cpu" if args.device == "auto" else args.device))
    w, h = (int(x) for x in args.size.split("x"))
    with tempfile.TemporaryDirectory() as d:
        paths = build(d)
        clip = NoiseClip(args.frames, 24.0, w, h, 3)
        t_node, t_direct, diff = [], [], 0.0
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            up, ctx = node_clip(paths, clip, args, device)
            a = np.concatenate([up.chunk(s, min(len(up), s + 16)) for s in range(0, len(up), 16)])
            t_node.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            b = direct(paths, clip, args, device, ctx)
            t_direct.append(time.perf_counter() - t0)
            diff = float(np.abs(a - b).max())
        print(f"{args.frames} frames {w}x{h} on {device}, windows of {args.window} overlapping {args.overlap}: "
              f"node {min(t_node):.2f} s, direct {min(t_direct):.2f} s, node / direct {min(t_node) / min(t_direct):.3f}, "
              f"max |diff| {diff:.2e}")
        long = NoiseClip(args.long, 24.0, w, h, 3)
        up, _ = node_clip(paths, long, args, device)
        peak = Peak(0.02)
        up.chunk(0, 16)
        base = peak.reset()
        for s in range(16, len(up), 16):
            up.chunk(s, min(len(up), s + 16))
        peak.stop = True
        print(f"{args.long} frames streamed: host growth {(peak.peak - base) / 2**20:.1f} MB")


if __name__ == "__main__":
    main()
