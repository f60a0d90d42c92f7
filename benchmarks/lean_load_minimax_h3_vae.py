"""Peak host memory of reading ComfyUI's MiniMax H3 video VAE file (minimax_h3_video_vae_int8_convrot:
families/minimax_h3/comfy_vae.py) against the file's size (issue 56: lean loads <= 1.15x the file).

The file has the released sizes (diffusers' default AutoencoderKLMiniMaxH3: a causal CNN encoder 128 to 1024
channels over 6 levels, a ViT decoder 2048 wide, 32 heads of 64, ffn x4) with ``--blocks`` of its 36 decoder
blocks, in ComfyUI's layout (encoder.down.N.block.M, fused per-head to_qkv, w1 [gate; value]): each decoder
block's to_qkv, to_out, w1 and w2 int8 (random values) with a float32 scale per row and a ``comfy_quant``
marker (convrot, group 256), the rest 16-bit (bf16 here: the size of the fp16 ComfyUI keeps); streamed. In a
fresh subprocess it is read as Load Video Model reads it (comfy_vae.load, bf16): header checked against the
class built on meta, tensors read, to_qkv split and w1 swapped on the int8 rows and scales, assigned. The
encoder and quant_conv are fp32 modules in diffusers (_keep_in_fp32_modules: the reference runs them in fp32);
Studio keeps their convolutions in the file's 16 bits, cast up to fp32 as each runs (the same outputs:
single_file.lean_load's hold_16bit), the decoder's norms and residual scales in fp32. The load's own peak
resident memory (VmHWM reset after the imports) is reported with its ratio to the file's size.

    .venv/bin/python -m benchmarks.lean_load_minimax_h3_vae [--blocks N] [--dir DIR]

Measured (this machine, CPU, 24 GB, 2 shared cores, 2026-11-26, the machine loaded by other work): all 36
decoder blocks (216 int8 layers kept), file 2.80 GB: the model holds 2.80 GB, load peak 3.08 GB = 1.10x the file
(23.2 s). Before the encoder was held in 16 bits (2026-11-25): the model held 3.16 GB, peak 3.23 GB = 1.16x the
file (the 0.37 GB of 16-bit encoder weights held as 0.74 GB in fp32)."""
from __future__ import annotations

import argparse
import os

from .lean_load import comfy_int8_tensors, run_child, work_folder, _write_tensors

INT8 = (".attn.to_qkv.weight", ".attn.to_out.weight", ".ff.w1.weight", ".ff.w2.weight")


def write_file(path: str, blocks: int) -> int:
    """The file (ComfyUI's names and layout, made from diffusers' class on the meta device); its size."""
    import torch
    from accelerate import init_empty_weights
    from diffusers import AutoencoderKLMiniMaxH3

    from nodes.video_models.families.minimax_h3.comfy_vae import LATENTS_MEAN, LATENTS_STD
    from tests.video_models.test_minimax_h3_vae_files import video_layout
    with init_empty_weights(include_buffers=True):
        vae = AutoencoderKLMiniMaxH3(decoder_num_layers=blocks, latents_mean=LATENTS_MEAN, latents_std=LATENTS_STD)
    shapes = {k: tuple(v.shape) for k, v in video_layout(vae).items() if k not in ("latents_mean", "latents_std")}
    tensors = [(k, "F32", [24], lambda v=v: torch.tensor(v)) for k, v in (("latents_mean", LATENTS_MEAN),
                                                                         ("latents_std", LATENTS_STD))]
    return _write_tensors(tensors + comfy_int8_tensors(shapes, lambda k, s: k.endswith(INT8)), path)


CHILD = r"""
import json, sys, time
import torch
from nodes.video_models.families.minimax_h3 import comfy_vae
from nodes.video_models.files.comfy_int8 import Int8Linear
base = reset_peak()
t = time.perf_counter()
model = comfy_vae.load(sys.argv[1], "video", torch.bfloat16)
secs = time.perf_counter() - t
peak = peak_rss()
int8 = sum(isinstance(m, Int8Linear) for m in model.modules())
held = sum(p.numel() * p.element_size() for p in model.parameters()) + sum(
    b.numel() * b.element_size() for b in model.buffers())
print(json.dumps({"baseline": base, "peak": peak, "seconds": secs, "int8_layers": int8, "held": held}))
"""


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--blocks", type=int, default=36, help="decoder blocks of the released 36 (default 36)")
    ap.add_argument("--dir", help="where to write the file (default: a temporary folder, removed after)")
    args = ap.parse_args(argv)
    with work_folder(args.dir, "lean-mmh3-vae-") as d:
        path = os.path.join(d, "minimax_h3_video_vae_int8_convrot.safetensors")
        size = write_file(path, args.blocks)
        r = run_child(CHILD, path)
        used = r["peak"] - r["baseline"]
        print(f"MiniMax H3 video VAE int8 convrot ({args.blocks} of 36 decoder blocks, {r['int8_layers']} int8 layers "
              f"kept), file {size / 1e9:.2f} GB: model holds {r['held'] / 1e9:.2f} GB (encoder in 16 bits), load peak "
              f"{used / 1e9:.2f} GB = {used / size:.2f}x the file, {used / r['held']:.2f}x what it holds "
              f"({r['seconds']:.1f} s)")


if __name__ == "__main__":
    main()
