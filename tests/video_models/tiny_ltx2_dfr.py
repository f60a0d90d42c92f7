"""Tiny stand-ins for the files LTX-2.5's DFR render reads beside the model (tiny_ltx2_parts' LTX-2.5, 8 latent
channels, a transformer of 2 blocks with one head of 128): its spatial x2 and temporal x2 latent upsamplers
(diffusers' LTX2LatentUpsamplerModel folders, as ``latent_upscale_models/`` holds them) and the detailing IC-LoRA
(Lightricks' LTX-2.5-22b-IC-LoRA-Pixel-Spatial-Upscaler) in Lightricks' own names, small random weights."""
from __future__ import annotations

TINY = {"ltx2-dfr-files": ("build_dfr_files", {})}  # its builder, found by tests/tiny_models.py

CHANNELS, WIDTH, BLOCKS, RANK = 8, 128, 2, 2  # tiny_ltx2_parts' LTX-2.5: its latents and transformer
SPATIAL, TEMPORAL, LORA = "latent_upscale_models/spatial-x2", "latent_upscale_models/temporal-x2", \
    "loras/ltx-2.5-ic-lora-detailing.safetensors"


def build_dfr_files(path: str) -> str:
    """``path`` with the two upsampler folders and the LoRA file (SPATIAL, TEMPORAL, LORA beneath it)."""
    import os

    import torch
    from diffusers.pipelines.ltx2.latent_upsampler import LTX2LatentUpsamplerModel
    from safetensors.torch import save_file
    for seed, (sub, spatial) in enumerate(((SPATIAL, True), (TEMPORAL, False))):
        torch.manual_seed(seed)
        LTX2LatentUpsamplerModel(in_channels=CHANNELS, mid_channels=64, num_blocks_per_stage=1, dims=3,
                                 spatial_upsample=spatial, temporal_upsample=not spatial,
                                 use_rational_resampler=False).save_pretrained(os.path.join(path, sub),
                                                                               safe_serialization=True)
    g, sd = torch.Generator().manual_seed(0), {}
    for i in range(BLOCKS):
        for c in ("to_q", "to_k", "to_v", "to_out.0"):
            name = f"diffusion_model.transformer_blocks.{i}.attn1.{c}"
            sd[name + ".lora_A.weight"] = torch.randn(RANK, WIDTH, generator=g) * 0.05
            sd[name + ".lora_B.weight"] = torch.randn(WIDTH, RANK, generator=g) * 0.05
    os.makedirs(os.path.join(path, "loras"), exist_ok=True)
    save_file(sd, os.path.join(path, LORA), metadata={"reference_downscale_factor": "2"})
    return path
