"""How a Stable Diffusion XL checkpoint is told: ComfyUI's checkpoints/*.safetensors in Stability's (sgm) layout,
its UNet (with the 'text_time' embedding of the picture's size: label_emb), its VAE and its two text encoders (CLIP
ViT-L and OpenCLIP ViT-bigG) in one file. The refiner (one text encoder) is not read."""
from __future__ import annotations

from ...base.recognise import Recognised

UNET, VAE = "model.diffusion_model.", "first_stage_model."
CLIP_L, CLIP_G = "conditioner.embedders.0.transformer.", "conditioner.embedders.1.model."
MARKS = (UNET + "label_emb.0.0.weight", CLIP_L + "text_model.embeddings.token_embedding.weight",
         CLIP_G + "text_projection")


def recognise(t, filename: str = "") -> Recognised | None:
    if not all(m in t.raw for m in MARKS):
        return None
    vae = any(k.startswith(VAE) for k in t.raw)
    return Recognised("checkpoint", "sdxl", "Stable Diffusion XL",
                      "UNet, two text encoders (CLIP ViT-L, OpenCLIP ViT-bigG)" + (" and VAE" if vae else "")
                      + " in Stability's layout: makes a still picture (a one-frame take)"
                      + ("" if vae else "; this file holds no VAE, which Studio reads from the checkpoint"))
