"""A motion LoRA in AnimateDiff's original names (the files ComfyUI-AnimateDiff-Evolved loads from
animatediff_motion_lora/: ``down_blocks.0.motion_modules.0.temporal_transformer.transformer_blocks.0.attention_blocks.0
.processor.to_q_lora.down.weight``, as its model_injection.py documents the layout, read for facts) renamed to the
names diffusers' UNetMotionModel gives the same layers (``unet.down_blocks.0.motion_modules.0.transformer_blocks.0.attn1
.to_q.lora_A.weight``), so the pipeline's load_lora_weights puts it on the motion modules. Any other file is given
back as it is. Plain data: the tensors are not touched."""
from __future__ import annotations

import re

KEY = re.compile(r"^(?P<base>.+)\.processor\.(?P<proj>to_q|to_k|to_v|to_out)_lora\.(?P<side>down|up)\.weight$")
# the original motion module's layer names -> diffusers' (as diffusers' convert_animatediff_checkpoint_to_diffusers)
NAMES = ((".temporal_transformer.", "."), (".attention_blocks.0.", ".attn1."), (".attention_blocks.1.", ".attn2."),
         (".norms.0.", ".norm1."), (".norms.1.", ".norm2."), (".ff_norm.", ".norm3."))


def is_original(sd: dict) -> bool:
    """The file holds motion-module LoRA keys in AnimateDiff's original names."""
    return any(".motion_modules." in k and KEY.match(k) for k in sd)


def from_original(sd: dict) -> dict:
    """``sd`` with its original motion-LoRA keys under diffusers' names (its other keys kept as they are, for the
    check that says what applies to nothing)."""
    if not is_original(sd):
        return sd
    out = {}
    for k, v in sd.items():
        m = KEY.match(k)
        if m is None:
            out[k] = v
            continue
        name = f".{m['base']}."
        for old, new in NAMES:
            name = name.replace(old, new)
        proj = "to_out.0" if m["proj"] == "to_out" else m["proj"]
        out[f"unet{name}{proj}.lora_{'A' if m['side'] == 'down' else 'B'}.weight"] = v
    return out
