"""A LoRA trained on Wan in Wan's original names, the layout ComfyUI's Wan model reads: the copy Train
Video LoRA writes beside it (lora/file.py asks Wan's LoraTraining capability for it). Stdlib only."""
from __future__ import annotations

# the original repositories' names of Wan's layers (the keys ComfyUI writes, without its prefix): a LoRA with no
# prefix holding one is in Wan's names (Wan's and SkyReels-V2's LoraNames.original)
ORIGINAL = (".self_attn.", ".cross_attn.", ".ffn.0.", ".ffn.2.")

_WAN_NATIVE = {"attn1.to_q": "self_attn.q", "attn1.to_k": "self_attn.k", "attn1.to_v": "self_attn.v",
               "attn1.to_out.0": "self_attn.o", "attn2.to_q": "cross_attn.q", "attn2.to_k": "cross_attn.k",
               "attn2.to_v": "cross_attn.v", "attn2.to_out.0": "cross_attn.o", "ffn.net.0.proj": "ffn.0",
               "ffn.net.2": "ffn.2"}


def wan_native_keys(weights: dict) -> tuple[dict, list[str]]:
    """Wan LoRA weights (diffusers' names, no 'transformer.') renamed to the original Wan layout ComfyUI's
    Wan model uses
    (``diffusion_model.blocks.0.self_attn.q.lora_A.weight``); also what diffusers reads back with
    its Wan converter. Returns the renamed weights and the modules with no such name (skipped)."""
    out, skipped = {}, []
    for k, v in weights.items():
        parts = k.split(".")
        if parts[0] != "blocks" or ".lora_" not in k:
            skipped.append(k)
            continue
        i, rest = parts[1], ".".join(parts[2:])
        mod, tail = rest.split(".lora_", 1)
        if mod not in _WAN_NATIVE:
            skipped.append(k)
            continue
        out[f"diffusion_model.blocks.{i}.{_WAN_NATIVE[mod]}.lora_{tail}"] = v
    return out, sorted({k.rsplit(".lora_", 1)[0] for k in skipped})
