"""How a Wan S2V denoiser file is told from its tensors: the causal audio encoder over wav2vec2's
hidden states (``casual_audio_encoder.``, the release's spelling) beside Wan's blocks, in the
original layout (the release's shards, ComfyUI's wan2.2_s2v_14B files). Tried before Wan's own
recogniser, which would take it for a Wan 2.2 A14B expert."""
from __future__ import annotations

from ...base.recognise import Recognised

MARK = "casual_audio_encoder.encoder.conv1_local.conv.weight"


def recognise(t, filename: str = "") -> Recognised | None:
    if not t.has(MARK):
        return None
    width = t.shape("patch_embedding.weight", 0) if t.has("patch_embedding.weight") else 0
    if width == 5120 and t.blocks("blocks") == 40:
        return Recognised("denoiser", "wan_s2v", "Wan 2.2 S2V 14B")
    return Recognised("denoiser", "wan_s2v", f"Wan S2V (width {width}, {t.blocks('blocks')} blocks)",
                      "an unusual size: not the released Wan 2.2 S2V 14B")
