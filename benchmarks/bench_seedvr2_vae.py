"""SeedVR2's VAE (nodes/finishing/seedvr2/vae.py) at the released config with random weights: time and
peak memory of encode + decode as the clip grows, in the reference's temporal slices and as one
whole clip, and in spatial tiles (issue 59 item 2).

    .venv/bin/python benchmarks/bench_seedvr2_vae.py [--device cuda] [--dtype bf16] [--size 256]
        [--frames 9,25,49] [--tile 0]

Random weights: figures of time and memory, not of quality (no weights are downloaded). On a GPU the
peak is torch.cuda.max_memory_allocated; on the CPU the process's peak resident growth. Sliced, the
peak should not grow with the clip (one slice of 4 frames is worked on at a time); whole, it does.
Prints figures, asserts nothing.
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
import benchmarks  # noqa: E402,F401  (allows the temporary folder it works in: benchmarks/__init__.py)


def peak_mb(device) -> float:
    import torch
    if device.type == "cuda":
        return torch.cuda.max_memory_allocated(device) / 2**20
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(vae, frames: int, size: int, tile: int, device) -> tuple[float, float]:
    """(seconds, peak MB) of encode + decode of ``frames`` random frames: on a GPU the peak of this
    run; on the CPU the process's peak resident size so far (it only grows: run one size per call)."""
    import torch
    x = torch.rand(1, 3, frames, size, size) * 2 - 1  # the clip stays on the host; slices travel
    if device.type == "cuda":
        torch.cuda.synchronize(device)
        torch.cuda.reset_peak_memory_stats(device)
    t = time.perf_counter()
    z = vae.encode(x, sample=False, tile=tile)
    y = vae.decode(z, tile=tile)
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    assert y.shape == x.shape
    return time.perf_counter() - t, peak_mb(device)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--dtype", default="bf16", choices=("bf16", "fp16", "fp32"))
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--frames", default="9,25,49")
    ap.add_argument("--tile", type=int, default=0, help="spatial tiles in pixels (0: whole frames)")
    a = ap.parse_args()
    import torch

    from nodes.finishing.seedvr2.vae import SeedVR2VAE
    from nodes.finishing.seedvr2.vae_config import FULL_CONFIG
    device = torch.device(a.device if a.device != "cuda" or torch.cuda.is_available() else "cpu")
    dtype = {"bf16": torch.bfloat16, "fp16": torch.float16, "fp32": torch.float32}[a.dtype]
    torch.manual_seed(0)
    vae = SeedVR2VAE(FULL_CONFIG).to(device, dtype).eval()
    print(f"SeedVR2 VAE, released config, random weights, {device} {a.dtype}, {a.size}x{a.size}, tile {a.tile}")
    for split, what in ((4, "sliced (4 frames)"), (0, "whole clip")):
        vae.config["slicing_sample_min_size"] = split
        for n in (int(f) for f in a.frames.split(",")):
            secs, mb = run(vae, n, a.size, a.tile, device)
            print(f"  {what:18s} {n:4d} frames: {secs:7.2f} s, peak {mb:8.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
