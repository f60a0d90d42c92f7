"""A tiny Wan pipeline whose denoiser is wide enough for GGUF's blocks (256 values), and writers
of its denoiser as single files in every format Studio reads: safetensors in bf16 / fp16 / fp32,
fp8 e4m3fn / e5m2 (plain, and ComfyUI's scaled fp8 with per-tensor ``scale_weight``), and GGUF
written with the gguf package (gguf.GGUFWriter + gguf.quants.quantize). Built from configs,
random weights, no download."""
from __future__ import annotations

import math
import os
import shutil

WIDE = dict(patch_size=(1, 2, 2), num_attention_heads=2, attention_head_dim=128, in_channels=16, out_channels=16,
            text_dim=32, freq_dim=256, ffn_dim=256, num_layers=1, cross_attn_norm=True,
            qk_norm="rms_norm_across_heads", rope_max_seq_len=32)


def build_wide_wan(path: str) -> str:
    """A tiny Wan 2.1 pipeline (the test VAE, T5 and tokenizer) with a 256-wide, one-block denoiser."""
    import torch
    from diffusers import FlowMatchEulerDiscreteScheduler, WanPipeline, WanTransformer3DModel

    from .tiny import wan_parts
    vae, tokenizer, text_encoder, tmp_tok = wan_parts(path)
    torch.manual_seed(0)
    transformer = WanTransformer3DModel(**WIDE)
    with torch.no_grad():  # weights of a trained model's scale (a random init's are near 0 in places)
        for p in transformer.parameters():
            p.add_(torch.randn_like(p) * 0.02)
    WanPipeline(tokenizer=tokenizer, text_encoder=text_encoder, vae=vae, transformer=transformer,
                scheduler=FlowMatchEulerDiscreteScheduler(shift=7.0)).save_pretrained(path, safe_serialization=True)
    shutil.rmtree(tmp_tok, ignore_errors=True)
    return path


def _quantisable(name: str, t) -> bool:
    """What ComfyUI's fp8 files and city96's GGUF files quantise: the 2-D weights of the blocks."""
    return t.dim() == 2 and name.endswith(".weight") and name.startswith(("blocks.", "transformer_blocks."))


def write_safetensors(state: dict, path: str, dtype) -> str:
    from safetensors.torch import save_file
    save_file({k: v.to(dtype).contiguous() for k, v in state.items()}, path)
    return path


def write_fp8(state: dict, path: str, fp8, scaled: bool = False, pick=None) -> str:
    """The blocks' 2-D weights in ``fp8`` (scaled: each divided by a per-tensor scale that maps its
    largest value to fp8's largest, ``<name>.scale_weight`` beside it and a ``scaled_fp8`` marker,
    as ComfyUI writes them); everything else in bf16. ``pick(name, tensor)``: which tensors are
    stored in 8 bits (default: the blocks' 2-D weights)."""
    import torch
    from safetensors.torch import save_file
    top = torch.finfo(fp8).max
    out = {}
    for k, v in state.items():
        if not (pick or _quantisable)(k, v):
            out[k] = v.to(torch.bfloat16).contiguous()
            continue
        if scaled:
            s = (v.abs().max() / top).clamp(min=1e-12).float()
            out[k] = (v.float() / s).to(fp8).contiguous()
            out[k[: -len(".weight")] + ".scale_weight"] = s.reshape(())
        else:
            out[k] = v.to(fp8).contiguous()
    if scaled:
        out["scaled_fp8"] = torch.empty(0, dtype=fp8)
    save_file(out, path)
    return path


def dequantised_fp8(state: dict, fp8, scaled: bool = False) -> dict:
    """The weights a model reading ``write_fp8``'s file computes with (fp32; the quantised blocks'
    biases go through fp8 too, as layerwise casting stores the whole layer in 8 bits)."""
    import torch
    top = torch.finfo(fp8).max
    out = {k: v.to(torch.bfloat16).float() for k, v in state.items()}
    for k, v in state.items():
        if _quantisable(k, v):
            s = (v.abs().max() / top).clamp(min=1e-12).float() if scaled else torch.tensor(1.0)
            out[k] = (v.float() / s).to(fp8).float() * s
            b = k[: -len(".weight")] + ".bias"
            if b in state:
                out[b] = state[b].to(torch.bfloat16).to(fp8).float()
    return out


def quantize_q4_k(a):
    """Q4_K blocks of a float array whose last dimension is a multiple of 256 (ggml's block_q4_K:
    fp16 d and dmin, twelve bytes of 6-bit sub-block scales and mins, 128 bytes of 4-bit values),
    by the simple rule (each sub-block of 32 spans its own min..max). gguf-py dequantises Q4_K but
    does not quantise it; this is checked against its dequantize in the tests."""
    import numpy as np
    rows = a.reshape(-1, 8, 32).astype(np.float32)  # super-blocks of 8 sub-blocks
    lo = np.minimum(rows.min(-1), 0.0)
    scale = (rows.max(-1) - lo) / 15.0
    d = np.maximum(scale.max(-1), 1e-12) / 63.0
    dmin = np.maximum((-lo).max(-1), 1e-12) / 63.0
    d16, dmin16 = d.astype(np.float16), dmin.astype(np.float16)
    sc = np.clip(np.rint(scale / d16.astype(np.float32)[:, None]), 0, 63).astype(np.uint8)
    mn = np.clip(np.rint(-lo / dmin16.astype(np.float32)[:, None]), 0, 63).astype(np.uint8)
    step = np.maximum(sc * d16.astype(np.float32)[:, None], 1e-12)
    q = np.clip(np.rint((rows + (mn * dmin16.astype(np.float32)[:, None])[..., None]) / step[..., None]), 0, 15)
    q = q.astype(np.uint8).reshape(-1, 4, 2, 32)
    qs = (q[:, :, 0] | (q[:, :, 1] << 4)).reshape(-1, 128)
    scales = np.zeros((rows.shape[0], 12), np.uint8)
    scales[:, 0:4] = (sc[:, 0:4] & 63) | ((sc[:, 4:8] >> 4) << 6)
    scales[:, 4:8] = (mn[:, 0:4] & 63) | ((mn[:, 4:8] >> 4) << 6)
    scales[:, 8:12] = (sc[:, 4:8] & 0xF) | ((mn[:, 4:8] & 0xF) << 4)
    blocks = np.concatenate([d16.view(np.uint8).reshape(-1, 2), dmin16.view(np.uint8).reshape(-1, 2), scales, qs], 1)
    return blocks.reshape(*a.shape[:-1], a.shape[-1] // 256 * 144)


def write_gguf(state: dict, path: str, qtype_name: str = "Q8_0", pick=None) -> str:
    """The denoiser in GGUF: the blocks' 2-D weights (or those ``pick(name, tensor)`` says) quantised
    (``qtype_name``) where their rows are whole blocks, 1-D tensors and the rest in F32, as city96's
    GGUF files of video models are laid out (the names as ``state`` has them)."""
    import gguf
    import numpy as np
    qtype = gguf.GGMLQuantizationType[qtype_name]
    block, _ = gguf.GGML_QUANT_SIZES[qtype]
    w = gguf.GGUFWriter(path, arch="wan")
    for k, v in state.items():
        a = v.float().numpy()
        if (pick or _quantisable)(k, v) and a.shape[-1] % block == 0:
            q = quantize_q4_k(a) if qtype_name == "Q4_K" else gguf.quants.quantize(a, qtype)
            w.add_tensor(k, q, raw_shape=q.shape, raw_dtype=qtype)
        else:
            w.add_tensor(k, np.ascontiguousarray(a, dtype=np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return path


def psnr(ref, out) -> float:
    """Peak signal-to-noise ratio of ``out`` against ``ref``, the peak being ref's largest magnitude."""
    mse = float(((ref.float() - out.float()) ** 2).mean())
    peak = float(ref.float().abs().max())
    return math.inf if mse == 0 else 10 * math.log10(peak * peak / mse)


def denoiser_input(seed: int = 0):
    """A fixed input of the wide tiny Wan denoiser: (latents, timestep, text states)."""
    import torch
    g = torch.Generator().manual_seed(seed)
    return torch.randn(1, 16, 2, 8, 8, generator=g), torch.tensor([500.0]), torch.randn(1, 8, 32, generator=g)


def run_denoiser(model, inputs):
    import torch
    x, t, e = inputs
    with torch.no_grad():
        return model(x.to(model.dtype), t, e.to(model.dtype)).sample.float()


# diffusers' names of the Wan denoiser -> the Wan repository's (the inverse of diffusers'
# convert_wan_transformer_to_diffusers, in order; norm2 and norm3 trade places)
_WAN_ORIGINAL = (("condition_embedder.time_embedder.linear_1", "time_embedding.0"),
                 ("condition_embedder.time_embedder.linear_2", "time_embedding.2"),
                 ("condition_embedder.text_embedder.linear_1", "text_embedding.0"),
                 ("condition_embedder.text_embedder.linear_2", "text_embedding.2"),
                 ("condition_embedder.time_proj", "time_projection.1"), ("attn2", "cross_attn"), ("attn1", "self_attn"),
                 (".to_out.0.", ".o."), (".to_q.", ".q."), (".to_k.", ".k."), (".to_v.", ".v."),
                 ("ffn.net.0.proj", "ffn.0"), ("ffn.net.2", "ffn.2"), ("norm2", "norm__swap"), ("norm3", "norm2"),
                 ("norm__swap", "norm3"))


def wan_original_names(state: dict) -> dict:
    """``state`` under the Wan repository's tensor names (as ComfyUI's Wan files are written)."""
    out = {}
    for k, v in state.items():
        n = k
        for a, b in _WAN_ORIGINAL:
            n = n.replace(a, b)
        if n == "scale_shift_table":
            n = "head.modulation"
        elif n.endswith(".scale_shift_table"):
            n = n[: -len("scale_shift_table")] + "modulation"
        elif n.startswith("proj_out."):
            n = "head.head." + n[len("proj_out."):]
        out[n] = v
    return out
