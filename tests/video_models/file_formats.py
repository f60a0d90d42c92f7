"""Quantised files the part-loading tests write from a tiny model's weights, as ComfyUI's users hold
them: the ``*_fp8_scaled`` layout (per-tensor ``scale_weight``) and a GGUF with one tensor in a
quantisation diffusers cannot read."""
from __future__ import annotations

from collections.abc import Callable


def t5_blocks(name: str, t) -> bool:
    """The weights a T5 / UMT5 ``*_fp8_scaled`` file holds in fp8: its blocks' matrices."""
    return name.startswith("encoder.block.") and t.dim() == 2 and "relative_attention_bias" not in name


def llm_layers(name: str, t) -> bool:
    """The weights a Qwen2.5-VL ``*_fp8_scaled`` file holds in fp8: its layers' matrices."""
    return name.startswith("model.layers.") and t.dim() == 2


def scaled_fp8(state: dict, scaled: Callable) -> dict:
    """ComfyUI's scaled fp8 layout of ``state``: each weight ``scaled(name, tensor)`` picks in fp8
    e4m3fn beside its per-tensor ``scale_weight``, a ``scaled_fp8`` marker; the rest as it was."""
    import torch
    top = torch.finfo(torch.float8_e4m3fn).max
    out = {}
    for k, v in state.items():
        if scaled(k, v):
            s = (v.abs().max() / top).clamp(min=1e-12).float()
            out[k] = (v.float() / s).to(torch.float8_e4m3fn).contiguous()
            out[k[: -len(".weight")] + ".scale_weight"] = s.reshape(())
        else:
            out[k] = v
    out["scaled_fp8"] = torch.empty(0, dtype=torch.float8_e4m3fn)
    return out


def gguf_with_tq2(path: str, arch: str, state: dict, tq2: str) -> str:
    """``state`` as a GGUF file at ``path``, every tensor in fp32 but ``tq2`` (256 values a row: one
    TQ2_0 block), a quantisation diffusers' GGUF loader cannot read."""
    import gguf
    import numpy as np
    w = gguf.GGUFWriter(path, arch=arch)
    for k, v in state.items():
        a = v.float().numpy()
        if k == tq2:
            w.add_tensor(k, gguf.quants.quantize(a, gguf.GGMLQuantizationType.TQ2_0),
                         raw_dtype=gguf.GGMLQuantizationType.TQ2_0)
        else:
            w.add_tensor(k, np.ascontiguousarray(a))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


def wan_lora(path, den, seed: int = 1, scale: float = 0.1) -> str:
    """A ComfyUI-format Wan LoRA (``diffusion_model.blocks.N.self_attn.q.lora_A``) of rank 4 on every
    attention projection of ``den``: random (``seed``), its factors ``scale`` times a standard normal."""
    import torch
    from safetensors.torch import save_file
    g = torch.Generator().manual_seed(seed)
    sd = {}
    for i, _ in enumerate(den.blocks):
        for ours, theirs in (("attn1", "self_attn"), ("attn2", "cross_attn")):
            for p, q in (("to_q", "q"), ("to_k", "k"), ("to_v", "v"), ("to_out.0", "o")):
                out_f, in_f = den.get_submodule(f"blocks.{i}.{ours}.{p}").weight.shape
                k = f"diffusion_model.blocks.{i}.{theirs}.{q}"
                sd[f"{k}.lora_A.weight"] = torch.randn(4, in_f, generator=g) * scale
                sd[f"{k}.lora_B.weight"] = torch.randn(out_f, 4, generator=g) * scale
    save_file(sd, str(path))
    return str(path)
