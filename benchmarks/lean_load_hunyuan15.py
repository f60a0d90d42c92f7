"""Peak host memory of loading a HunyuanVideo 1.5 denoiser file in Tencent's names (ComfyUI's
``hunyuanvideo1.5_*.safetensors``), against the file's size (issue 45, item 4).

The file has the released 480p model's widths (16 heads of 128, text 3584, byT5 1472, SigLIP 1152,
its two refiner blocks) and ``--blocks`` of its 54 double blocks, random bf16 weights, streamed to
disk in Tencent's names (the inverse of the diffusers conversion script's mapping). In a fresh
subprocess it is loaded as Studio loads it with a base folder's config (benchmarks/lean_load.py's
child: the header checked, the tensors read with plain reads, converted by Studio's converter, the
refiner's qkv chunks being views, and assigned into the meta-built model); the load's own peak
resident memory is reported with its ratio to the file's size. The aim: <= 1.15x.

    .venv/bin/python -m benchmarks.lean_load_hunyuan15 [--blocks N] [--dir DIR]

Measured (this machine, CPU, 24 GB, 2 shared cores): 6 blocks, a 2.15 GB bf16 file of 1.08 B weights:
peak 2.18 GB = 1.01x the file (2.1 s)."""
from __future__ import annotations

import argparse
import json
import os
import shutil
import tempfile

from .lean_load import measure, write_shapes

RELEASED_480P_T2V = dict(in_channels=65, out_channels=32, num_attention_heads=16, attention_head_dim=128,
                         num_layers=54, num_refiner_layers=2, mlp_ratio=4.0, patch_size=1, patch_size_t=1,
                         qk_norm="rms_norm", text_embed_dim=3584, text_embed_2_dim=1472, image_embed_dim=1152,
                         rope_theta=256.0, rope_axes_dim=[16, 56, 56], use_meanflow=False, target_size=640,
                         task_type="t2v")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--blocks", type=int, default=6, help="double blocks of the 54 (default 6: about 1.9 GB)")
    ap.add_argument("--dir", help="where to write the file (default: a temporary folder, removed after)")
    args = ap.parse_args(argv)
    import torch
    from diffusers import HunyuanVideo15Transformer3DModel

    from tests.video_models.tiny_hunyuan15 import transformer_original_names
    cfg = dict(RELEASED_480P_T2V, num_layers=args.blocks)
    with torch.device("meta"):
        state = HunyuanVideo15Transformer3DModel(**cfg).state_dict()
    shapes = {"model.diffusion_model." + k: tuple(v.shape) for k, v in transformer_original_names(state).items()}
    d = args.dir or tempfile.mkdtemp(prefix="lean-hy15-")
    try:
        base = os.path.join(d, "base")
        os.makedirs(os.path.join(base, "transformer"), exist_ok=True)
        with open(os.path.join(base, "model_index.json"), "w") as f:
            json.dump({"_class_name": "HunyuanVideo15Pipeline",
                       "transformer": ["diffusers", "HunyuanVideo15Transformer3DModel"]}, f)
        with open(os.path.join(base, "transformer", "config.json"), "w") as f:
            json.dump({"_class_name": "HunyuanVideo15Transformer3DModel", **cfg}, f)
        file = os.path.join(d, "hunyuanvideo1.5_480p_t2v_bf16.safetensors")
        size = write_shapes(shapes, file)
        r = measure("lean", file, base)
        used = r["peak"] - r["baseline"]
        print(f"HunyuanVideo 1.5 denoiser, {args.blocks} of 54 double blocks, Tencent's names, bf16: file "
              f"{size / 1e9:.2f} GB, {r['params'] / 1e9:.2f} B weights; lean load peak {used / 1e9:.2f} GB = "
              f"{used / size:.2f}x the file ({r['seconds']:.1f} s): {r['how']}")
    finally:
        if not args.dir:
            shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    main()
