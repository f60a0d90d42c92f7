"""A tiny random HunyuanVideo (the original 13B's architecture) pipeline built from configs
(diffusers' own test sizes; word-level tokenizers made locally, no download), and its transformer
written in Tencent's original key names: the inverse of diffusers'
convert_hunyuan_video_transformer_to_diffusers."""
from __future__ import annotations

import os
import re
import shutil

TRANSFORMER = dict(in_channels=4, out_channels=4, num_attention_heads=2, attention_head_dim=10, num_layers=1,
                   num_single_layers=2, num_refiner_layers=1, patch_size=1, patch_size_t=1, guidance_embeds=True,
                   text_embed_dim=16, pooled_projection_dim=8, rope_axes_dim=(2, 4, 4))


def hunyuan_vae(width: int = 8, groups: int = 4):
    """HunyuanVideo's VAE (8 x / 4 x compression, 4 latent channels) at ``width`` channels a level, seeded
    here: the tiny HunyuanVideo's and Kandinsky 5's (which uses HunyuanVideo's VAE)."""
    import torch
    from diffusers import AutoencoderKLHunyuanVideo
    torch.manual_seed(0)
    return AutoencoderKLHunyuanVideo(
        in_channels=3, out_channels=3, latent_channels=4, down_block_types=("HunyuanVideoDownBlock3D",) * 4,
        up_block_types=("HunyuanVideoUpBlock3D",) * 4, block_out_channels=(width,) * 4, layers_per_block=1,
        act_fn="silu", norm_num_groups=groups, scaling_factor=0.476986, spatial_compression_ratio=8,
        temporal_compression_ratio=4, mid_block_add_attention=True)


def hunyuan_text_encoders(vocab: int):
    """HunyuanVideo's two tiny text encoders (Llama, CLIP-L), each from seed 0: the HunyuanVideo, SkyReels V1
    and Framepack builders' alike."""
    import torch
    from transformers import CLIPTextConfig, CLIPTextModel, LlamaConfig, LlamaModel
    torch.manual_seed(0)
    text_encoder = LlamaModel(LlamaConfig(bos_token_id=0, eos_token_id=1, hidden_size=16, intermediate_size=37,
                                          num_attention_heads=4, num_hidden_layers=3, pad_token_id=0,
                                          vocab_size=vocab, hidden_act="gelu"))
    torch.manual_seed(0)
    text_encoder_2 = CLIPTextModel(CLIPTextConfig(bos_token_id=0, eos_token_id=1, hidden_size=8, intermediate_size=37,
                                                  num_attention_heads=4, num_hidden_layers=2, pad_token_id=0,
                                                  vocab_size=vocab, hidden_act="gelu", projection_dim=32))
    return text_encoder, text_encoder_2


def build_hunyuan(path: str) -> str:
    """A tiny HunyuanVideoPipeline (Llama and CLIP text encoders, the 3D VAE, flow-match Euler)."""
    import torch
    from diffusers import FlowMatchEulerDiscreteScheduler, HunyuanVideoPipeline, HunyuanVideoTransformer3DModel

    from .tiny import build_tokenizer
    tmp = os.path.join(path, "_tok")
    tok = build_tokenizer(tmp)
    shutil.rmtree(tmp, ignore_errors=True)
    torch.manual_seed(0)
    transformer = HunyuanVideoTransformer3DModel(**TRANSFORMER)
    vae = hunyuan_vae()
    text_encoder, text_encoder_2 = hunyuan_text_encoders(len(tok))
    with torch.no_grad():
        for p in transformer.parameters():
            p.add_(torch.randn_like(p) * 0.02)  # the zero-initialised output layers made to matter
    HunyuanVideoPipeline(text_encoder=text_encoder, tokenizer=tok, transformer=transformer, vae=vae,
                         scheduler=FlowMatchEulerDiscreteScheduler(shift=7.0), text_encoder_2=text_encoder_2,
                         tokenizer_2=tok).save_pretrained(path, safe_serialization=True)
    return path


_RENAMES = (  # diffusers -> Tencent's names, applied in order to what is left of a name
    ("context_embedder.time_text_embed.timestep_embedder.linear_1", "txt_in.t_embedder.mlp.0"),
    ("context_embedder.time_text_embed.timestep_embedder.linear_2", "txt_in.t_embedder.mlp.2"),
    ("context_embedder.time_text_embed.text_embedder", "txt_in.c_embedder"),
    ("context_embedder.proj_in", "txt_in.input_embedder"),
    ("context_embedder.token_refiner.refiner_blocks", "txt_in.individual_token_refiner.blocks"),
    ("time_text_embed.timestep_embedder.linear_1", "time_in.mlp.0"),
    ("time_text_embed.timestep_embedder.linear_2", "time_in.mlp.2"),
    ("time_text_embed.guidance_embedder.linear_1", "guidance_in.mlp.0"),
    ("time_text_embed.guidance_embedder.linear_2", "guidance_in.mlp.2"),
    ("time_text_embed.text_embedder.linear_1", "vector_in.in_layer"),
    ("time_text_embed.text_embedder.linear_2", "vector_in.out_layer"),
    ("x_embedder", "img_in"), ("norm_out.norm", "final_layer.norm_final"),
)
_DOUBLE = (("attn.norm_q", "img_attn_q_norm"), ("attn.norm_k", "img_attn_k_norm"),
           ("attn.norm_added_q", "txt_attn_q_norm"), ("attn.norm_added_k", "txt_attn_k_norm"),
           ("attn.to_out.0", "img_attn_proj"), ("attn.to_add_out", "txt_attn_proj"),
           ("norm1.linear", "img_mod.linear"), ("norm1_context.linear", "txt_mod.linear"),
           ("ff.net.0.proj", "img_mlp.fc1"), ("ff.net.2", "img_mlp.fc2"),
           ("ff_context.net.0.proj", "txt_mlp.fc1"), ("ff_context.net.2", "txt_mlp.fc2"))
_SINGLE = (("attn.norm_q", "q_norm"), ("attn.norm_k", "k_norm"), ("proj_out", "linear2"),
           ("norm.linear", "modulation.linear"))
_REFINER = (("attn.to_out.0", "self_attn_proj"), ("norm_out.linear", "adaLN_modulation.1"),
            ("ff.net.0.proj", "mlp.fc1"), ("ff.net.2", "mlp.fc2"))


def _swap_halves(t):
    import torch
    a, b = t.chunk(2, dim=0)
    return torch.cat([b, a], dim=0)


def hunyuan_original_names(state: dict) -> dict:
    """A diffusers HunyuanVideoTransformer3DModel's state in Tencent's layout: fused qkv (double
    blocks, the token refiner) and linear1 (single blocks: q, k, v, the MLP's input), the final
    layer's modulation as (shift, scale)."""
    import torch
    out, fused = {}, {}
    for k, v in state.items():
        n = k
        if k.startswith("norm_out.linear."):
            out["final_layer.adaLN_modulation.1." + k.rsplit(".", 1)[1]] = _swap_halves(v)
            continue
        if k.startswith("proj_out."):
            out["final_layer.linear." + k.rsplit(".", 1)[1]] = v
            continue
        for a, b in _RENAMES:
            if n.startswith(a):
                n = b + n[len(a):]
        if m := re.match(r"transformer_blocks\.(\d+)\.(.*)\.(weight|bias)$", n):
            i, rest, wb = m.groups()
            if rest in ("attn.to_q", "attn.to_k", "attn.to_v", "attn.add_q_proj", "attn.add_k_proj", "attn.add_v_proj"):
                fused[(f"double_blocks.{i}.{'txt' if 'add' in rest else 'img'}_attn_qkv.{wb}", rest)] = v
                continue
            n = f"double_blocks.{i}.{dict(_DOUBLE)[rest]}.{wb}"
        elif m := re.match(r"single_transformer_blocks\.(\d+)\.(.*)\.(weight|bias)$", n):
            i, rest, wb = m.groups()
            if rest in ("attn.to_q", "attn.to_k", "attn.to_v", "proj_mlp"):
                fused[(f"single_blocks.{i}.linear1.{wb}", rest)] = v
                continue
            n = f"single_blocks.{i}.{dict(_SINGLE)[rest]}.{wb}"
        elif m := re.match(r"(txt_in\.individual_token_refiner\.blocks\.\d+)\.(.*)\.(weight|bias)$", n):
            pre, rest, wb = m.groups()
            if rest in ("attn.to_q", "attn.to_k", "attn.to_v"):
                fused[(f"{pre}.self_attn_qkv.{wb}", rest)] = v
                continue
            n = f"{pre}.{dict(_REFINER).get(rest, rest)}.{wb}"
        out[n] = v
    order = ("attn.to_q", "attn.add_q_proj", "attn.to_k", "attn.add_k_proj", "attn.to_v", "attn.add_v_proj",
             "proj_mlp")
    for name in dict.fromkeys(k for k, _ in fused):
        parts = sorted(((r, t) for (k, r), t in fused.items() if k == name), key=lambda rt: order.index(rt[0]))
        out[name] = torch.cat([t for _, t in parts], dim=0)
    return out
