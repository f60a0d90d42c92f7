"""How a SCAIL-2 denoiser file is told from its tensors: Wan 2.1 14B I2V's blocks (CLIP image tokens)
beside SCAIL's pose embedding (``patch_embedding_pose``) and SCAIL-2's 28-channel identity-mask embedding
(``patch_embedding_mask``), in the original layout (zai-org/SCAIL-2's SCAIL2Model; ComfyUI's
wan2.1_14B_SCAIL_2_*.safetensors under 'model.diffusion_model.'). Tried before Wan's own recogniser,
which tells SCAIL (without the mask embedding) and refuses it."""
from __future__ import annotations

from ...base.recognise import Recognised

MARKS = ("patch_embedding_pose.weight", "patch_embedding_mask.weight", "head.modulation")


def recognise(t, filename: str = "") -> Recognised | None:
    if not t.has(*MARKS):
        return None
    width = t.shape("head.modulation", -1)
    if width == 5120 and t.blocks("blocks") == 40:
        return Recognised("denoiser", "wan_scail", "Wan 2.1 SCAIL-2 14B")
    return Recognised("denoiser", "wan_scail", f"Wan 2.1 SCAIL-2 (width {width}, {t.blocks('blocks')} blocks)",
                      "an unusual size: not the released SCAIL-2 14B")
