"""FLUX.1's transformer from Black Forest Labs' names (ComfyUI's files) to diffusers' FluxTransformer2DModel's, its
own converter: diffusers' (loaders/single_file_utils.py, convert_flux_transformer_checkpoint_to_diffusers, 0.42.1)
fixes the width at the released 3072, so a model of another width (a distilled or pruned one; a small one) would be
split wrong there; here the width is the file's own (img_in's rows). The facts of the layout: each joint block's q, k
and v stored as one 'qkv' per stream; a single block's q, k, v and MLP input as one 'linear1', its attention output
and MLP output as one 'linear2'; the final modulation stored shift first where diffusers' AdaLayerNormContinuous reads
scale first. Scaled fp8 (ComfyUI's per-tensor scales) travels with each split: a part keeps its whole's scale.
Works on real or meta tensors (shapes alone). torch imported inside functions."""
from __future__ import annotations

from .recognise import PREFIX

PLAIN = {"img_in": "x_embedder", "txt_in": "context_embedder",
         "time_in.in_layer": "time_text_embed.timestep_embedder.linear_1",
         "time_in.out_layer": "time_text_embed.timestep_embedder.linear_2",
         "vector_in.in_layer": "time_text_embed.text_embedder.linear_1",
         "vector_in.out_layer": "time_text_embed.text_embedder.linear_2",
         "guidance_in.in_layer": "time_text_embed.guidance_embedder.linear_1",
         "guidance_in.out_layer": "time_text_embed.guidance_embedder.linear_2",
         "final_layer.linear": "proj_out"}
DOUBLE = {"img_mod.lin": "norm1.linear", "txt_mod.lin": "norm1_context.linear",
          "img_attn.norm.query_norm": "attn.norm_q", "img_attn.norm.key_norm": "attn.norm_k",
          "txt_attn.norm.query_norm": "attn.norm_added_q", "txt_attn.norm.key_norm": "attn.norm_added_k",
          "img_attn.proj": "attn.to_out.0", "txt_attn.proj": "attn.to_add_out",
          "img_mlp.0": "ff.net.0.proj", "img_mlp.2": "ff.net.2",
          "txt_mlp.0": "ff_context.net.0.proj", "txt_mlp.2": "ff_context.net.2"}
QKV = {"img_attn.qkv": ("attn.to_q", "attn.to_k", "attn.to_v"),
       "txt_attn.qkv": ("attn.add_q_proj", "attn.add_k_proj", "attn.add_v_proj")}
SINGLE = {"modulation.lin": "norm.linear", "linear2": "proj_out", "norm.query_norm": "attn.norm_q",
          "norm.key_norm": "attn.norm_k"}
SINGLE_IN = ("attn.to_q", "attn.to_k", "attn.to_v", "proj_mlp")  # linear1: q, k, v (the width each), the MLP's input
FINAL_MOD = "final_layer.adaLN_modulation.1"


def _param(rest: str) -> tuple[str, str]:
    """('img_attn.norm.query_norm', 'weight') of 'img_attn.norm.query_norm.scale' (an RMSNorm's 'scale' is diffusers'
    'weight')."""
    module, _, kind = rest.rpartition(".")
    return module, "weight" if kind == "scale" else kind


def _name(key: str) -> tuple[str, tuple[str, ...] | None]:
    """(diffusers' name, or its block's names of the parts for a tensor split; None where it has no place)."""
    if key.startswith("double_blocks."):
        _, i, rest = key.split(".", 2)
        module, kind = _param(rest)
        if module in QKV:
            return "", tuple(f"transformer_blocks.{i}.{m}.{kind}" for m in QKV[module])
        return (f"transformer_blocks.{i}.{DOUBLE[module]}.{kind}", None) if module in DOUBLE else ("", None)
    if key.startswith("single_blocks."):
        _, i, rest = key.split(".", 2)
        module, kind = _param(rest)
        if module == "linear1":
            return "", tuple(f"single_transformer_blocks.{i}.{m}.{kind}" for m in SINGLE_IN)
        return (f"single_transformer_blocks.{i}.{SINGLE[module]}.{kind}", None) if module in SINGLE else ("", None)
    module, kind = _param(key)
    if module == FINAL_MOD:
        return f"norm_out.linear.{kind}", None
    return (f"{PLAIN[module]}.{kind}", None) if module in PLAIN else ("", None)


def to_diffusers(state: dict, scales: dict | None = None) -> tuple[dict, dict, list[str]]:
    """(the tensors under diffusers' names, their fp8 scales by the new names, the names with no place in
    FluxTransformer2DModel) of a FLUX.1 model's tensors ``state`` (Black Forest Labs' names, with or without
    ComfyUI's 'model.diffusion_model.'; ``scales``: weight name -> its scale). Each tensor is taken out of
    ``state`` as it is converted."""
    import torch
    scales = scales or {}
    strip = {k: k[len(PREFIX):] if k.startswith(PREFIX) else k for k in state}
    width = next(state[k].shape[0] for k, s in strip.items() if s == "img_in.weight")
    out, out_scales, unplaced = {}, {}, []
    for key in list(state):
        t, bare = state.pop(key), strip[key]
        name, split = _name(bare)
        if split is not None:
            sizes = [width] * 3 if len(split) == 3 else [width] * 3 + [t.shape[0] - 3 * width]
            for new, part in zip(split, torch.split(t, sizes, dim=0)):
                out[new] = part
                if key in scales:
                    out_scales[new] = scales[key]
        elif name:
            if bare.startswith(FINAL_MOD):  # (shift, scale) -> (scale, shift)
                shift, scale = t.chunk(2, dim=0)
                t = torch.cat([scale, shift], dim=0)
            out[name] = t
            if key in scales:
                out_scales[name] = scales[key]
        else:
            unplaced.append(key)
    return out, out_scales, unplaced
