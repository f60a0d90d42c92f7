"""How a ReCamMaster denoiser file is told from its tensors: Wan 2.1 T2V's blocks (no image tokens) with
ReCamMaster's camera encoder and projector in every block (``blocks.N.cam_encoder``, ``blocks.N.projector``), in the
original layout (KwaiVGI/ReCamMaster's checkpoint; Kijai's Wan2_1_kwai_recammaster_1_3B_step20000_bf16.safetensors,
which keeps its names). Tried before Wan's own recogniser, which would tell it a plain Wan 2.1 T2V 1.3B."""
from __future__ import annotations

from ...base.recognise import Recognised

MARKS = ("blocks.0.cam_encoder.weight", "blocks.0.projector.weight", "head.modulation")


def recognise(t, filename: str = "") -> Recognised | None:
    if not t.has(*MARKS):
        return None
    width = t.shape("head.modulation", -1)
    if width == 1536 and t.blocks("blocks") == 30:
        return Recognised("denoiser", "wan_recam", "Wan 2.1 ReCamMaster 1.3B")
    return Recognised("denoiser", "wan_recam", f"Wan 2.1 ReCamMaster (width {width}, {t.blocks('blocks')} blocks)",
                      "an unusual size: not the released ReCamMaster 1.3B")
