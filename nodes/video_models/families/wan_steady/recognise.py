"""How a SteadyDancer denoiser file is told from its tensors: Wan 2.1 14B I2V's blocks (CLIP image tokens)
beside SteadyDancer's pose modules (``condition_embedding_align``, ``condition_embedding_spatial``,
``condition_embedding_temporal``) and its two embeddings (``patch_embedding_fuse``, ``patch_embedding_ref_c``),
in the original layout (MCG-NJU/SteadyDancer's WanModel; Kijai's Wan21_SteadyDancer_*.safetensors, which keep
its names). Tried before Wan's own recogniser, which would tell it a plain Wan 2.1 14B I2V."""
from __future__ import annotations

from ...base.recognise import Recognised

MARKS = ("patch_embedding_fuse.weight", "patch_embedding_ref_c.weight",
         "condition_embedding_align.cross_attn.in_proj_weight", "head.modulation")


def recognise(t, filename: str = "") -> Recognised | None:
    if not t.has(*MARKS):
        return None
    width = t.shape("head.modulation", -1)
    if width == 5120 and t.blocks("blocks") == 40:
        return Recognised("denoiser", "wan_steady", "Wan 2.1 SteadyDancer 14B")
    return Recognised("denoiser", "wan_steady", f"Wan 2.1 SteadyDancer (width {width}, {t.blocks('blocks')} blocks)",
                      "an unusual size: not the released SteadyDancer 14B")
