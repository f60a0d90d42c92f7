"""Peak host memory of loading ComfyUI's SVD-XT checkpoint with no folder (Stability's sgm layout:
the UNet, the temporal VAE and the OpenCLIP ViT-H image encoder in one file), against the file's
size (issue 45, items 2 and 4).

The file has the released svd_xt's configs (stabilityai/stable-video-diffusion-img2vid-xt: unet/,
vae/, image_encoder/config.json; the values are tests/video_models/test_svd_comfy_checkpoint.py's
REAL_*), its names written by tests/video_models/tiny_svd.py's diffusers -> sgm map, and random bf16
weights, streamed to disk (benchmarks/lean_load.write_shapes). In a fresh subprocess it is loaded as
Load Video Model loads it (svd/pipeline.py: the header converted and checked on the meta device,
then each part's tensors read straight into its meta-built model), as bf16; the load's own peak
resident memory (VmHWM reset after the imports) is reported with its ratio to the file's size. The
aim: <= 1.15x.

    .venv/bin/python -m benchmarks.lean_load_svd [--dir DIR]

Measured (this machine, CPU, 24 GB, 2 shared cores): a 4.51 GB file of 2.25 B weights; peak 4.65 GB =
1.03x the file (12.9 s; 73 s with writing the file)."""
from __future__ import annotations

import argparse
import os

from .lean_load import peak, run_child, work_folder, write_shapes

CHILD = r"""
import json, sys, time
import torch
from nodes.video_models.loading.load import load_video_model, weight_count
import diffusers, transformers  # imported before the reset: their own memory is not the load's
base = reset_peak()
t = time.perf_counter()
said = []
ref = load_video_model(sys.argv[1], base=None, device=torch.device("cpu"), dtype_name="bf16", info=said.append)
secs = time.perf_counter() - t
peak = peak_rss()
n = sum(weight_count(p) for c in ("unet", "vae", "image_encoder") for p in getattr(ref.module, c).parameters())
print(json.dumps({"baseline": base, "peak": peak, "seconds": secs, "params": n, "how": said[0]}))
"""


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dir", help="where to write the file (default: a temporary folder, removed after)")
    a = ap.parse_args(argv)
    from tests.video_models.test_svd_comfy_checkpoint import _real_shapes
    with work_folder(a.dir, "lean-svd-") as d:
        file = os.path.join(d, "svd_xt.safetensors")
        size = write_shapes(_real_shapes(), file)
        r = run_child(CHILD, file, timeout=1800)
        print(f"SVD-XT checkpoint (released configs, Stability's names, bf16): file {size / 1e9:.2f} GB, "
              f"{r['params'] / 1e9:.2f} B weights; load with no folder: {peak(r, size)}\n  {r['how']}")


if __name__ == "__main__":
    main()
