"""VideoX-Fun's CogVideoX-Fun LoRA files (LoadCogVideoXFunLora's: kohya's ``lora_unet__<module, dots as
underscores>.lora_down / .lora_up / .alpha``) in diffusers' PEFT names, so the InP pipeline's load_lora_weights takes
them (diffusers' CogVideoX loader reads diffusers' names only).

VideoX-Fun merges such a file by walking the transformer's attributes (videox_fun/utils/lora_utils.py merge_lora at
804a4258e2608f855ccaec8fffa279e75a3b89c6, Apache-2.0, read for its layout): each layer's weight gains
``strength * alpha / rank * up @ down``. Here each underscore name is matched against the names diffusers'
CogVideoXTransformer3DModel gives its linear layers, and ``alpha / rank`` is folded into ``lora_B`` (PEFT's own
scale is 1 with no alpha given), which puts on each layer what VideoX-Fun's merge adds. A key naming no such layer
is kept as it is, so the LoRA check says it applies to nothing. Plain Python on the tensors given."""
from __future__ import annotations

import re

PREFIXES = ("lora_unet__", "lora_unet_")
# diffusers' CogVideoX transformer's linear layers: the model's own, and each block's
TOP = ("patch_embed.proj", "patch_embed.text_proj", "time_embedding.linear_1", "time_embedding.linear_2",
       "ofs_embedding.linear_1", "ofs_embedding.linear_2", "norm_out.linear", "proj_out")
BLOCK = ("norm1.linear", "attn1.to_q", "attn1.to_k", "attn1.to_v", "attn1.to_out.0", "norm2.linear", "ff.net.0.proj",
         "ff.net.2")
_TOP = {m.replace(".", "_"): m for m in TOP}
_BLOCK = {m.replace(".", "_"): m for m in BLOCK}
_BLOCK_KEY = re.compile(r"transformer_blocks_(\d+)_(.+)")


def is_videox_fun(sd: dict) -> bool:
    return any(isinstance(k, str) and k.startswith(PREFIXES) for k in sd)


def module(flat: str) -> str | None:
    """A layer's name with underscores (``transformer_blocks_3_attn1_to_out_0``) as diffusers names it, or None."""
    if flat in _TOP:
        return _TOP[flat]
    m = _BLOCK_KEY.fullmatch(flat)
    if m is not None and m[2] in _BLOCK:
        return f"transformer_blocks.{m[1]}.{_BLOCK[m[2]]}"
    return None


def from_videox_fun(sd: dict) -> dict:
    """``sd`` with its ``lora_unet_`` layers as ``transformer.<layer>.lora_A / lora_B.weight``, alpha folded in."""
    layers: dict[str, dict] = {}
    out = {}
    for k, v in sd.items():
        prefix = next((p for p in PREFIXES if k.startswith(p)), None)
        if prefix is None:
            out[k] = v
            continue
        flat, _, part = k[len(prefix):].partition(".")
        layers.setdefault(flat, {})[part] = (k, v)
    for flat, parts in layers.items():
        name = module(flat)
        down, up = parts.get("lora_down.weight"), parts.get("lora_up.weight")
        if name is None or down is None or up is None:
            out.update(dict(parts.values()))  # (said by the check: a key naming no layer)
            continue
        alpha = parts.get("alpha")
        scale = float(alpha[1]) / up[1].shape[1] if alpha is not None else 1.0
        out[f"transformer.{name}.lora_A.weight"] = down[1]
        out[f"transformer.{name}.lora_B.weight"] = up[1] * scale
    return out
