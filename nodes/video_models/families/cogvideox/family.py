"""CogVideoX: text, image and video to video at 49 frames a call."""
from __future__ import annotations

from ...base.family import Family
from ...base.recognise import Recognised


def recognise(t, filename: str = "") -> Recognised | None:
    if {"patch_embed", "transformer_blocks", "norm_final"} <= t.tops:
        n = t.blocks("transformer_blocks")
        return Recognised("denoiser", "cogvideox", "CogVideoX" + (" 5B" if n == 42 else " 2B" if n == 30 else ""))
    return None


FAMILY = Family(
    "cogvideox", "CogVideoX", ("CogVideoXPipeline", "CogVideoXImageToVideoPipeline", "CogVideoXVideoToVideoPipeline"),
    i2v="CogVideoXImageToVideoPipeline", t2v="CogVideoXPipeline", v2v="CogVideoXVideoToVideoPipeline",
    latent_layout="BTCHW", frames=49, fixed_frames=49, frame_multiple=(4, 1), size_multiple=16, fps=8.0, key_rank=7, recogniser=recognise,
    lora_targets=("to_q", "to_k", "to_v", "to_out.0"), train_loss="cogvideox",
    key_patterns=(("patch_embed.text_proj", "transformer_blocks."),
                  ("patch_embed.proj", "norm_final", "transformer_blocks.")))
