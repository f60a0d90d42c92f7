"""How a Kandinsky 5 file is told: its DiT (``Kandinsky5Transformer3DModel``) by its top-level names,
which diffusers' port keeps from the release (ai-forever/Kandinsky-5, kandinsky/models/dit.py at
8dfb7b636152781481e5d1a20abd8b778a80af07: ``DiffusionTransformer3D``), so diffusers' folders and the
release's single files (ComfyUI's ``diffusion_models`` files, under its prefix) read alike. Its VAE is
HunyuanVideo's (that family tells it)."""
from __future__ import annotations

from ...base.recognise import Recognised

TOPS = frozenset({"time_embeddings", "text_embeddings", "pooled_text_embeddings", "visual_embeddings",
                  "text_transformer_blocks", "visual_transformer_blocks", "out_layer"})
LITE_WIDTH, PRO_WIDTH = 1792, 4096  # model_dim of the released Lite (2B) and Pro (19B) DiTs


def width(t) -> int:
    s = t.shapes.get("time_embeddings.in_layer.weight")
    return int(s[1]) if s and len(s) == 2 else 0


def size_title(model_dim: int) -> str:
    return {LITE_WIDTH: " Lite", PRO_WIDTH: " Pro"}.get(model_dim, "")


def recognise(t, filename: str = "") -> Recognised | None:
    if TOPS <= t.tops:
        return Recognised("denoiser", "kandinsky5", "Kandinsky 5" + size_title(width(t)))
    return None
