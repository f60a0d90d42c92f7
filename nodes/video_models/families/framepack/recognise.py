"""How a Framepack DiT file is told: HunyuanVideo's transformer in diffusers' names (lllyasviel's
FramePackI2V_HY, saved by kijai's ComfyUI-FramePackWrapper as one file, FramePackI2V_HY_bf16 /
_fp8_e4m3fn) with what only Framepack's has: the clean-latent embedder of the packed history and the
SigLIP image projection. Told before HunyuanVideo's recogniser (key_rank), which would take its shared
names for a plain HunyuanVideo."""
from __future__ import annotations

from ...base.recognise import Recognised

TOPS = frozenset({"clean_x_embedder", "image_projection", "context_embedder", "transformer_blocks",
                  "single_transformer_blocks"})


def recognise(t, filename: str = "") -> Recognised | None:
    if TOPS <= t.tops:
        return Recognised("denoiser", "framepack", "HunyuanVideo Framepack")
    return None
