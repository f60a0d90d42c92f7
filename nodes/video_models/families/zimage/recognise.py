"""How a Z-Image DiT file is told: ComfyUI's diffusion_models/z_image_*.safetensors (Tongyi-MAI's layout, under
'model.diffusion_model.' or bare), by its tensors: the caption embedder of a Lumina-style single-stream DiT
('cap_embedder.0.weight'), its noise and context refiners, and the time modulation of its layers read by a
Linear straight from the 256-value time embedding ('layers.0.adaLN_modulation.0.weight'; Lumina 2's puts a SiLU
first: '.adaLN_modulation.1.', as diffusers' single-file detection tells them apart). Its text encoder (Qwen3) and
VAE (Flux's) are other files (base/recognise.py tells those)."""
from __future__ import annotations

from ...base.recognise import Recognised

PREFIXES = ("model.diffusion_model.", "")
MARKS = ("cap_embedder.0.weight", "layers.0.adaLN_modulation.0.weight", "noise_refiner.0.adaLN_modulation.0.weight",
         "context_refiner.0.attention.qkv.weight", "x_pad_token", "cap_pad_token")


def prefix_of(names) -> str | None:
    """The prefix under which ``names`` hold a Z-Image DiT ('' bare), else None."""
    return next((p for p in PREFIXES if all(p + m in names for m in MARKS)), None)


def recognise(t, filename: str = "") -> Recognised | None:
    if prefix_of(t.raw) is None:
        return None
    turbo = "turbo" in filename.lower()
    return Recognised("denoiser", "zimage", "Z-Image Turbo" if turbo else "Z-Image",
                      "a still picture a run (a one-frame take); its Qwen3 text encoder and Flux VAE are other files")
