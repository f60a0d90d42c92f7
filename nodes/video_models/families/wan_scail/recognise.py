"""How a SCAIL denoiser file is told from its tensors: Wan 2.1 14B I2V's blocks (CLIP image tokens) beside
SCAIL's pose embedding (``patch_embedding_pose``), in the original layout (Wan-Video's names, as ComfyUI's and
the WanVideoWrapper's files have them). With SCAIL-2's 28-channel identity-mask embedding
(``patch_embedding_mask``: zai-org/SCAIL-2's SCAIL2Model; ComfyUI's wan2.1_14B_SCAIL_2_*.safetensors under
'model.diffusion_model.') it is SCAIL-2; without it, SCAIL-Preview (zai-org/SCAIL; kijai's
Wan21-14B-SCAIL-preview_*.safetensors, converted from the release's SAT checkpoint, whose ``proj_pose`` is this
``patch_embedding_pose``). Tried before Wan's own recogniser, which would otherwise take SCAIL-Preview for a
plain Wan 2.1 14B I2V file (its other names and shapes are one's)."""
from __future__ import annotations

from ...base.recognise import Recognised

POSE, MASK, HEAD = "patch_embedding_pose.weight", "patch_embedding_mask.weight", "head.modulation"


def recognise(t, filename: str = "") -> Recognised | None:
    if not t.has(POSE, HEAD):
        return None
    name = "SCAIL-2" if t.has(MASK) else "SCAIL-Preview"
    width = t.shape(HEAD, -1)
    if width == 5120 and t.blocks("blocks") == 40:
        return Recognised("denoiser", "wan_scail", f"Wan 2.1 {name} 14B")
    return Recognised("denoiser", "wan_scail", f"Wan 2.1 {name} (width {width}, {t.blocks('blocks')} blocks)",
                      f"an unusual size: not the released {name} 14B")
