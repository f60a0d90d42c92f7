"""How a Qwen-Image DiT file is told: ComfyUI's diffusion_models/qwen_image_*.safetensors (diffusers' names, under
'model.diffusion_model.' or bare), by its tensors: the text states' norm and projection ('txt_norm', 'txt_in'), the
picture patches' embedder ('img_in') and the modulated double-stream blocks ('transformer_blocks.0.img_mod.1',
'.txt_mod.1'). Qwen-Image 2.1's ('txt_in.text_norm') is another model. Its text encoder (Qwen2.5-VL 7B) and VAE (a
Wan 2.1-shaped VAE) are other files (base/recognise.py tells those)."""
from __future__ import annotations

from ...base.recognise import Recognised

PREFIXES = ("model.diffusion_model.", "")
MARKS = ("txt_norm.weight", "txt_in.weight", "img_in.weight", "transformer_blocks.0.img_mod.1.weight",
         "transformer_blocks.0.txt_mod.1.weight", "time_text_embed.timestep_embedder.linear_1.weight")


def prefix_of(names) -> str | None:
    """The prefix under which ``names`` hold a Qwen-Image DiT ('' bare), else None."""
    return next((p for p in PREFIXES if all(p + m in names for m in MARKS)
                 and p + "txt_in.text_norm.weight" not in names), None)


def recognise(t, filename: str = "") -> Recognised | None:
    if prefix_of(t.raw) is None:
        return None
    return Recognised("denoiser", "qwenimage", "Qwen-Image",
                      "a still picture a run (a one-frame take); its Qwen2.5-VL text encoder and VAE are other files")
