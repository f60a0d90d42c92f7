"""Peak host memory of loading a HunyuanVideo 1.5 denoiser file in Tencent's names (ComfyUI's
``hunyuanvideo1.5_*.safetensors``), against the file's size (issue 45, item 4).

The file has the released 480p model's widths (16 heads of 128, text 3584, byT5 1472, SigLIP 1152,
its two refiner blocks) and ``--blocks`` of its 54 double blocks, random bf16 weights, streamed to
disk in Tencent's names (the inverse of the diffusers conversion script's mapping). In a fresh
subprocess it is loaded as Studio loads it with a base folder's config (benchmarks/lean_load.py's
child: the header checked, the tensors read with plain reads, converted by Studio's converter, the
refiner's qkv chunks being views, and assigned into the meta-built model); the load's own peak
resident memory is reported with its ratio to the file's size. The aim: <= 1.15x.

``--format``: the file as ComfyUI users have it quantised: ``Q8_0`` / ``Q4_0`` (GGUF as city96's
converter lays it out: the 2-D weights of more than 1024 values quantised but those of time_in,
txt_in, img_in and final_layer, the rest F32; loaded through diffusers' GGUF quantizer,
files/gguf_load.py) or ``fp8_scaled`` (ComfyUI's: the double blocks' 2-D weights in fp8 e4m3fn
with a per-tensor ``scale_weight``, the rest bf16).

    .venv/bin/python -m benchmarks.lean_load_hunyuan15 [--blocks N] [--format bf16|Q8_0|Q4_0|fp8_scaled] [--dir DIR]

Measured (this machine, CPU, 24 GB, 2 shared cores): 6 blocks, a 2.15 GB bf16 file of 1.08 B weights:
peak 2.18 GB = 1.01x the file (2.1 s). The same 6 blocks (2026-11-24): bf16 2.15 GB -> 2.17 GB (1.01x,
1.3 s); GGUF Q8_0 1.60 GB -> 1.64 GB (1.03x, 2.1 s); GGUF Q4_0 1.14 GB -> 1.18 GB (1.04x, 1.2 s);
scaled fp8 1.25 GB -> 1.27 GB (1.02x, 1.3 s)."""
from __future__ import annotations

import argparse
import json
import os

from .lean_load import measure, peak, work_folder, write_gguf_shapes, write_shapes

CITY96_F32 = ("time_in.", "txt_in.", "img_in.", "final_layer.", "vector_in.", "guidance_in.")  # kept in F32


def city96_quantised(name: str, shape: tuple) -> bool:
    n = 1
    for d in shape:
        n *= d
    return len(shape) == 2 and n > 1024 and not any(p in name for p in CITY96_F32)


def write_fp8_scaled(shapes: dict, path: str) -> int:
    """ComfyUI's scaled fp8 layout of ``shapes``: the double blocks' 2-D weights in fp8 e4m3fn, each with
    a per-tensor ``scale_weight``, a ``scaled_fp8`` marker, the rest bf16; random weights, streamed."""
    import struct

    import torch
    fp8 = {k for k, s in shapes.items() if len(s) == 2 and ".double_blocks." in k and k.endswith(".weight")}
    header, off, order = {}, 0, []
    for k, s in shapes.items():
        n = (1 if k in fp8 else 2)
        for d in s:
            n *= d
        header[k] = {"dtype": "F8_E4M3" if k in fp8 else "BF16", "shape": list(s), "data_offsets": [off, off + n]}
        off += n
        order.append(k)
        if k in fp8:
            sk = k[: -len(".weight")] + ".scale_weight"
            header[sk] = {"dtype": "F32", "shape": [], "data_offsets": [off, off + 4]}
            off += 4
            order.append(sk)
    header["scaled_fp8"] = {"dtype": "F8_E4M3", "shape": [0], "data_offsets": [off, off]}
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    g = torch.Generator().manual_seed(0)
    top = torch.finfo(torch.float8_e4m3fn).max
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)) + raw)
        for k in order:
            if k.endswith(".scale_weight"):
                continue
            t = torch.randn(shapes[k], generator=g) * 0.02
            if k in fp8:
                scale = (t.abs().max() / top).clamp(min=1e-12).float()
                f.write((t / scale).to(torch.float8_e4m3fn).reshape(-1).view(torch.uint8).numpy().tobytes())
                f.write(scale.reshape(1).numpy().tobytes())
            else:
                f.write(t.to(torch.bfloat16).reshape(-1).view(torch.uint8).numpy().tobytes())
    return os.path.getsize(path)

RELEASED_480P_T2V = dict(in_channels=65, out_channels=32, num_attention_heads=16, attention_head_dim=128,
                         num_layers=54, num_refiner_layers=2, mlp_ratio=4.0, patch_size=1, patch_size_t=1,
                         qk_norm="rms_norm", text_embed_dim=3584, text_embed_2_dim=1472, image_embed_dim=1152,
                         rope_theta=256.0, rope_axes_dim=[16, 56, 56], use_meanflow=False, target_size=640,
                         task_type="t2v")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--blocks", type=int, default=6, help="double blocks of the 54 (default 6: about 1.9 GB)")
    ap.add_argument("--format", default="bf16", choices=("bf16", "Q8_0", "Q4_0", "fp8_scaled"),
                    help="the file's format (default bf16)")
    ap.add_argument("--dir", help="where to write the file (default: a temporary folder, removed after)")
    args = ap.parse_args(argv)
    import torch
    from diffusers import HunyuanVideo15Transformer3DModel

    from tests.video_models.tiny_hunyuan15 import transformer_original_names
    cfg = dict(RELEASED_480P_T2V, num_layers=args.blocks)
    with torch.device("meta"):
        state = HunyuanVideo15Transformer3DModel(**cfg).state_dict()
    shapes = {"model.diffusion_model." + k: tuple(v.shape) for k, v in transformer_original_names(state).items()}
    with work_folder(args.dir, "lean-hy15-") as d:
        base = os.path.join(d, "base")
        os.makedirs(os.path.join(base, "transformer"), exist_ok=True)
        with open(os.path.join(base, "model_index.json"), "w") as f:
            json.dump({"_class_name": "HunyuanVideo15Pipeline",
                       "transformer": ["diffusers", "HunyuanVideo15Transformer3DModel"]}, f)
        with open(os.path.join(base, "transformer", "config.json"), "w") as f:
            json.dump({"_class_name": "HunyuanVideo15Transformer3DModel", **cfg}, f)
        fmt = args.format
        file = os.path.join(d, f"hunyuanvideo1.5_480p_t2v_{fmt}" + (".gguf" if fmt.startswith("Q") else ".safetensors"))
        if fmt.startswith("Q"):  # city96's files have no ComfyUI prefix
            size = write_gguf_shapes({k[len("model.diffusion_model."):]: s for k, s in shapes.items()}, file, fmt,
                                     city96_quantised, arch="hyvid")
        elif fmt == "fp8_scaled":
            size = write_fp8_scaled(shapes, file)
        else:
            size = write_shapes(shapes, file)
        r = measure("lean", file, base)
        print(f"HunyuanVideo 1.5 denoiser, {args.blocks} of 54 double blocks, Tencent's names, {fmt}: file "
              f"{size / 1e9:.2f} GB, {r['params'] / 1e9:.2f} B weights; lean load {peak(r, size)}: {r['how']}")


if __name__ == "__main__":
    main()
