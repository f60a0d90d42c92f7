"""A tiny stand-in for LTX-2.3's HDR IC-LoRA file (Lightricks' ltx-2.3-22b-ic-lora-hdr): LoRA pairs in Lightricks'
own names (``diffusion_model.transformer_blocks.N.attn1.to_q.lora_A.weight``, as its released LoRAs are) for
every attention projection of the tiny LTX-2 transformer of tiny_ltx2.py (2 blocks, 2 heads of 8), small
random weights, and the ``reference_downscale_factor`` its metadata carries (1: the clip read at full size)."""
from __future__ import annotations

TINY = {"ltx2-hdr-lora": ("build_hdr_lora", {})}  # its builder, found by tests/tiny_models.py

WIDTH, BLOCKS, RANK = 16, 2, 2  # tiny_ltx2's transformer: 2 heads of 8, 2 blocks


def build_hdr_lora(path: str) -> str:
    import os

    import torch
    from safetensors.torch import save_file
    g, sd = torch.Generator().manual_seed(0), {}
    for i in range(BLOCKS):
        for c in ("to_q", "to_k", "to_v", "to_out.0"):
            name = f"diffusion_model.transformer_blocks.{i}.attn1.{c}"
            sd[name + ".lora_A.weight"] = torch.randn(RANK, WIDTH, generator=g) * 0.05
            sd[name + ".lora_B.weight"] = torch.randn(WIDTH, RANK, generator=g) * 0.05
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    save_file(sd, path, metadata={"reference_downscale_factor": "1"})
    return path
