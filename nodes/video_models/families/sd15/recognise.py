"""How a Stable Diffusion 1.5 checkpoint is told: ComfyUI's checkpoints/*.safetensors in Stability's ldm layout, its
UNet (no size embedding: SDXL's label_emb), its VAE and its CLIP ViT-L text encoder (cond_stage_model.transformer.)
in one file. SD 2.x (an OpenCLIP encoder under cond_stage_model.model.) is not read; the file stays AnimateDiff's
plain "Stable Diffusion checkpoint"."""
from __future__ import annotations

from ...base.recognise import Recognised

UNET, VAE, CLIP = "model.diffusion_model.", "first_stage_model.", "cond_stage_model.transformer."
MARKS = (UNET + "input_blocks.0.0.weight", UNET + "out.2.weight")
TEXT = (CLIP + "text_model.embeddings.token_embedding.weight", CLIP + "embeddings.token_embedding.weight")


def recognise(t, filename: str = "") -> Recognised | None:
    if not all(m in t.raw for m in MARKS) or not any(m in t.raw for m in TEXT) or UNET + "label_emb.0.0.weight" in t.raw:
        return None
    vae = any(k.startswith(VAE) for k in t.raw)
    return Recognised("checkpoint", "sd15", "Stable Diffusion 1.5",
                      "UNet, CLIP ViT-L text encoder" + (" and VAE" if vae else "") + " in Stability's layout: makes a "
                      "still picture (a one-frame take); also the image model an AnimateDiff motion module animates "
                      "('image_model')" + ("" if vae else "; this file holds no VAE, which Studio reads from the "
                                                          "checkpoint"))
