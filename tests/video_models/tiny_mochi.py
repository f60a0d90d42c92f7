"""A tiny random Mochi 1 folder built from configs (never downloaded): diffusers' MochiPipeline with
MochiTransformer3DModel at a few channels (12 latent channels in and out, two blocks), AutoencoderKLMochi at
32 channels a level, the tiny T5 and tokenizer of tiny.py, flow matching."""
from __future__ import annotations

import shutil
import os


def build_mochi(path: str) -> str:
    import torch
    from diffusers import AutoencoderKLMochi, FlowMatchEulerDiscreteScheduler, MochiPipeline, MochiTransformer3DModel

    from .tiny import build_tokenizer, tiny_t5
    tmp = os.path.join(path, "_tok")
    tok = build_tokenizer(tmp)
    torch.manual_seed(0)
    text_encoder = tiny_t5(tok)
    torch.manual_seed(0)
    transformer = MochiTransformer3DModel(patch_size=2, num_attention_heads=2, attention_head_dim=8, num_layers=2,
                                          pooled_projection_dim=16, in_channels=12, text_embed_dim=32,
                                          time_embed_dim=4)
    torch.manual_seed(0)
    vae = AutoencoderKLMochi(latent_channels=12, out_channels=3, encoder_block_out_channels=(32, 32, 32, 32),
                             decoder_block_out_channels=(32, 32, 32, 32), layers_per_block=(1, 1, 1, 1, 1))
    MochiPipeline(scheduler=FlowMatchEulerDiscreteScheduler(), vae=vae, text_encoder=text_encoder, tokenizer=tok,
                  transformer=transformer).save_pretrained(path, safe_serialization=True)
    shutil.rmtree(tmp, ignore_errors=True)
    return path


def release_state(sd: dict, layers: int) -> dict:
    """A diffusers MochiTransformer3DModel state under genmo's release names, as ComfyUI's mochi_preview files keep
    them: the test's own inverse of diffusers' converter (its qkv joined, its gate and its final scale / shift
    halves swapped back), written from the two sets of names."""
    import torch

    def swap(t):
        a, b = t.chunk(2, dim=0)
        return torch.cat([b, a], dim=0)
    out = {"x_embedder.proj.weight": sd["patch_embed.proj.weight"], "x_embedder.proj.bias": sd["patch_embed.proj.bias"],
           "final_layer.mod.weight": swap(sd["norm_out.linear.weight"]), "final_layer.mod.bias": swap(sd["norm_out.linear.bias"]),
           "final_layer.linear.weight": sd["proj_out.weight"], "final_layer.linear.bias": sd["proj_out.bias"],
           "pos_frequencies": sd["pos_frequencies"]}
    for ours, theirs in (("t_embedder.mlp.0", "time_embed.timestep_embedder.linear_1"),
                         ("t_embedder.mlp.2", "time_embed.timestep_embedder.linear_2"),
                         ("t5_y_embedder.to_kv", "time_embed.pooler.to_kv"), ("t5_y_embedder.to_q", "time_embed.pooler.to_q"),
                         ("t5_y_embedder.to_out", "time_embed.pooler.to_out"), ("t5_yproj", "time_embed.caption_proj")):
        for w in ("weight", "bias"):
            out[f"{ours}.{w}"] = sd[f"{theirs}.{w}"]
    for i in range(layers):
        d, o, last = f"transformer_blocks.{i}.", f"blocks.{i}.", i == layers - 1
        ctx = "norm1_context.linear_1" if last else "norm1_context.linear"
        for w in ("weight", "bias"):
            out[o + f"mod_x.{w}"] = sd[d + f"norm1.linear.{w}"]
            out[o + f"mod_y.{w}"] = sd[d + f"{ctx}.{w}"]
            out[o + f"attn.proj_x.{w}"] = sd[d + f"attn1.to_out.0.{w}"]
            if not last:
                out[o + f"attn.proj_y.{w}"] = sd[d + f"attn1.to_add_out.{w}"]
        out[o + "attn.qkv_x.weight"] = torch.cat([sd[d + f"attn1.to_{x}.weight"] for x in "qkv"])
        out[o + "attn.qkv_y.weight"] = torch.cat([sd[d + f"attn1.add_{x}_proj.weight"] for x in "qkv"])
        for ours, theirs in (("q_norm_x", "norm_q"), ("k_norm_x", "norm_k"), ("q_norm_y", "norm_added_q"),
                             ("k_norm_y", "norm_added_k")):
            out[o + f"attn.{ours}.weight"] = sd[d + f"attn1.{theirs}.weight"]
        out[o + "mlp_x.w1.weight"] = swap(sd[d + "ff.net.0.proj.weight"])
        out[o + "mlp_x.w2.weight"] = sd[d + "ff.net.2.weight"]
        if not last:
            out[o + "mlp_y.w1.weight"] = swap(sd[d + "ff_context.net.0.proj.weight"])
            out[o + "mlp_y.w2.weight"] = sd[d + "ff_context.net.2.weight"]
    return out
