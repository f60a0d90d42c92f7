"""Peak host memory of building Kandinsky 5 from ComfyUI's four part files with no folder (issue 56,
item 3: the DiT, the Qwen2.5-VL and CLIP-L text encoders, HunyuanVideo's VAE), against the files' sizes.

The files have the released widths: Kandinsky 5 Lite's DiT (1792 wide, ``--blocks`` of its 32 visual
blocks) under ComfyUI's prefix, Qwen2.5-VL 7B's language model (``--qwen-layers`` of its 28 layers, its
152064-token embedding) under ComfyUI's 'model.' names, CLIP-L's text tower whole and HunyuanVideo's
VAE whole; random bf16 weights, streamed to disk; the tokenizers are tiny word-level ones beside the
text encoders (tokenizer/, tokenizer_2/). In a fresh subprocess they are loaded as Load Video Model
loads them (benchmarks/lean_load.py's child, case 'parts', the prompt cache off so Qwen loads too):
every header checked, then each part built on the meta device and its tensors read into it. The load's
own peak resident memory is reported with its ratio to the four files' size. The aim: <= 1.15x.

    .venv/bin/python -m benchmarks.lean_load_kandinsky5 [--blocks N] [--qwen-layers N] [--dir DIR]

Measured (this machine, CPU, 24 GB, 2 shared cores, 2026-11-25), the defaults: 8 of 32 visual blocks and 2 of
28 Qwen layers, files 3.91 GB (DiT 1.15, Qwen 2.02, CLIP-L 0.25, VAE 0.49): load peak 4.10 GB = 1.05x the
files (5.9 s)."""
from __future__ import annotations

import argparse
import json
import os

from .lean_load import measure, peak, work_folder, write_shapes

QWEN_7B = dict(vocab_size=152064, hidden_size=3584, intermediate_size=18944, num_attention_heads=28,
               num_key_value_heads=4)


def write_files(d: str, blocks: int, qwen_layers: int) -> dict:
    """The four files (component -> path; 'denoiser' the DiT) and their tokenizers."""
    import torch
    from diffusers import AutoencoderKLHunyuanVideo, Kandinsky5Transformer3DModel
    from transformers import CLIPTextConfig, CLIPTextModel, Qwen2_5_VLTextConfig, Qwen2_5_VLTextModel

    from nodes.video_models.files.qwen_parts import QWEN_TEXT
    from tests.video_models.tiny import build_tokenizer
    from tests.video_models.tiny_kandinsky5 import LITE

    def meta(make, prefix=""):
        with torch.device("meta"):
            return {prefix + k: tuple(v.shape) for k, v in make().state_dict().items()}
    te = os.path.join(d, "text_encoders")
    for sub in ("diffusion_models", "text_encoders", "vae"):
        os.makedirs(os.path.join(d, sub), exist_ok=True)
    files = {"denoiser": os.path.join(d, "diffusion_models", "kandinsky5lite_t2v_sft_5s.safetensors"),
             "text_encoder": os.path.join(te, "qwen_2.5_vl_7b.safetensors"),
             "text_encoder_2": os.path.join(te, "clip_l.safetensors"),
             "vae": os.path.join(d, "vae", "hunyuan_video_vae_bf16.safetensors")}
    write_shapes(meta(lambda: Kandinsky5Transformer3DModel(**dict(LITE, num_visual_blocks=blocks)),
                      "model.diffusion_model."), files["denoiser"])
    write_shapes(meta(lambda: Qwen2_5_VLTextModel(Qwen2_5_VLTextConfig(**{
        **QWEN_TEXT, **QWEN_7B, "num_hidden_layers": qwen_layers})), "model."), files["text_encoder"])
    write_shapes(meta(lambda: CLIPTextModel(CLIPTextConfig(hidden_size=768, intermediate_size=3072,
                                                           num_hidden_layers=12, num_attention_heads=12,
                                                           vocab_size=49408, max_position_embeddings=77)),
                      "text_model."), files["text_encoder_2"])
    write_shapes(meta(AutoencoderKLHunyuanVideo), files["vae"])
    for folder in ("tokenizer", "tokenizer_2"):
        build_tokenizer(os.path.join(te, folder))
    return files


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--blocks", type=int, default=8, help="visual blocks of the DiT's 32 (default 8)")
    ap.add_argument("--qwen-layers", type=int, default=2, help="Qwen2.5-VL layers of its 28 (default 2)")
    ap.add_argument("--dir", help="where to write the files (default: a temporary folder, removed after)")
    args = ap.parse_args(argv)
    with work_folder(args.dir, "lean-k5-") as d:
        files = write_files(d, args.blocks, args.qwen_layers)
        size = sum(os.path.getsize(f) for f in files.values())
        os.environ["STUDIO_PROMPT_CACHE_GB"] = "0"  # Qwen loaded with the rest, not left waiting on disk
        r = measure("parts", files["denoiser"], json.dumps({c: f for c, f in files.items() if c != "denoiser"}))
        sizes = ", ".join(f"{c} {os.path.getsize(f) / 1e9:.2f}" for c, f in files.items())
        print(f"Kandinsky 5 Lite from ComfyUI's files ({args.blocks} of 32 visual blocks, Qwen2.5-VL 7B with "
              f"{args.qwen_layers} of 28 layers; GB: {sizes}): files {size / 1e9:.2f} GB; load "
              f"{peak(r, size, 'the files')}")


if __name__ == "__main__":
    main()
