"""Peak host memory of reading ComfyUI's pruned int8 MiniMax H3 DiT file (minimax_h3_fl2va_pruned_int8_convrot:
families/minimax_h3/comfy_file.py) against the file's size (issue 56, item 4).

The file has the released widths (diffusers' default MiniMax H3 config: 5376 wide, 56 heads of 128, ffn
14336, Qwen3-VL's 5120-wide text, the 2 token-refiner blocks) with ``--blocks`` of its 50 blocks, in
ComfyUI's curve-form layout: ``adaln_t_table`` [1025, 8], AdaLN weights 8 wide, each block's qkv_proj,
out_proj, fc1 and fc2 int8 (random values) with a float32 scale per row and a ``comfy_quant`` marker
(convrot, group 256), the rest bf16 (the patch projections, heads and table fp32); streamed. In a fresh
subprocess it is read as Load Video Model reads it (comfy_file.load, bf16): header checked against the
curve model built on meta, tensors read, names converted ([q; k; v] split and [gate; value] swap on the
int8 rows and scales), assigned; the load's own peak resident memory (VmHWM reset after the imports)
is reported with its ratio to the file's size. The aim: <= 1.15x.

    .venv/bin/python -m benchmarks.lean_load_minimax_h3_pruned [--blocks N] [--dir DIR]

Measured (this machine, CPU, 24 GB, 2 shared cores, 2026-11-25), 4 of 50 blocks (24 int8 layers kept), file
3.15 GB: load peak 3.52 GB = 1.12x the file (9.2 s). Before the [gate; value] swap was made in place (a
concatenated copy of each fc1): 3.68 GB = 1.17x (19.4 s)."""
from __future__ import annotations

import argparse
import os

from .lean_load import comfy_int8_tensors, peak, run_child, work_folder, _write_tensors

INT8 = ("qkv_proj.weight", "out_proj.weight", "fc1.weight", "fc2.weight")
FP32 = ("video_patch_proj.", "audio_patch_proj.", "final_layer.video_out.", "final_layer.audio_out.", "adaln_t_table",
        "rope.")


def write_file(path: str, blocks: int) -> int:
    """The file (ComfyUI's names and layout, made from the curve model's on the meta device); its size."""
    from accelerate import init_empty_weights

    from nodes.video_models.families.minimax_h3.curve import MiniMaxH3CurveTransformer
    from tests.video_models.test_minimax_h3_curve import comfy_layout
    with init_empty_weights(include_buffers=True):
        shapes = {k: tuple(v.shape) for k, v in comfy_layout(MiniMaxH3CurveTransformer(num_layers=blocks)).items()}
    return _write_tensors(comfy_int8_tensors(shapes, lambda k, s: k.startswith("blocks.") and k.endswith(INT8),
                                             lambda k: k.startswith(FP32)), path)


CHILD = r"""
import json, sys, time
import torch
from nodes.video_models.families.minimax_h3 import comfy_file
from nodes.video_models.files.comfy_int8 import Int8Linear
base = reset_peak()
t = time.perf_counter()
model = comfy_file.load(sys.argv[1], torch.bfloat16, info=lambda s: None)
secs = time.perf_counter() - t
peak = peak_rss()
int8 = sum(isinstance(m, Int8Linear) for m in model.modules())
print(json.dumps({"baseline": base, "peak": peak, "seconds": secs, "int8_layers": int8}))
"""


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--blocks", type=int, default=4, help="blocks of the released 50 (default 4)")
    ap.add_argument("--dir", help="where to write the file (default: a temporary folder, removed after)")
    args = ap.parse_args(argv)
    with work_folder(args.dir, "lean-mmh3-") as d:
        path = os.path.join(d, "minimax_h3_fl2va_pruned_int8_convrot.safetensors")
        size = write_file(path, args.blocks)
        r = run_child(CHILD, path)
        print(f"MiniMax H3 pruned int8 convrot ({args.blocks} of 50 blocks, {r['int8_layers']} int8 layers kept), "
              f"file {size / 1e9:.2f} GB: load {peak(r, size)}")


if __name__ == "__main__":
    main()
