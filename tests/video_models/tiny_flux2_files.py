"""A tiny FLUX.2 [klein] written as ComfyUI holds it, three files: the diffusion model (diffusion_models/, Black Forest
Labs' names, bare: joint blocks' q/k/v joined into 'qkv', single blocks' fused 'linear1' / 'linear2', norms'
'scale', the final modulation shift first: the inverse of diffusers' single-file converter, checked by a round trip
in test_flux2_still.py), the Qwen3 text encoder (text_encoders/, the language model under 'model.', 28 layers so that
klein's layers 9, 18 and 27 exist) with a word-level tokenizer and chat template in a tokenizer/ folder beside it
(tiny_zimage_files.py's), and FLUX.2's VAE (vae/, the ldm names with quant convs and the latents' batch norm 'bn.*').
Built from configs at tiny widths with the release's values where no shape says them (configs.py)."""
from __future__ import annotations

import os

from .tiny_animatediff_files import vae_ldm
from .tiny_parts import comfy_folders, seeded
from .tiny_zimage_files import qwen3_config as zimage_qwen3, tokenizer

TEXT_WIDTH = 16
DIT_CFG = dict(patch_size=1, in_channels=16, num_layers=1, num_single_layers=2, attention_head_dim=16,
               num_attention_heads=2, joint_attention_dim=3 * TEXT_WIDTH, timestep_guidance_channels=256,
               mlp_ratio=3.0, axes_dims_rope=(4, 4, 4, 4), rope_theta=2000, eps=1e-6, guidance_embeds=False)
VAE_CFG = dict(in_channels=3, out_channels=3, latent_channels=4, block_out_channels=(32, 64), layers_per_block=1,
               down_block_types=("DownEncoderBlock2D",) * 2, up_block_types=("UpDecoderBlock2D",) * 2,
               norm_num_groups=32, use_quant_conv=True, use_post_quant_conv=True, patch_size=(2, 2))
PLAIN = (("x_embedder.", "img_in."), ("context_embedder.", "txt_in."),
         ("time_guidance_embed.timestep_embedder.linear_1.", "time_in.in_layer."),
         ("time_guidance_embed.timestep_embedder.linear_2.", "time_in.out_layer."),
         ("time_guidance_embed.guidance_embedder.linear_1.", "guidance_in.in_layer."),
         ("time_guidance_embed.guidance_embedder.linear_2.", "guidance_in.out_layer."),
         ("double_stream_modulation_img.linear.", "double_stream_modulation_img.lin."),
         ("double_stream_modulation_txt.linear.", "double_stream_modulation_txt.lin."),
         ("single_stream_modulation.linear.", "single_stream_modulation.lin."), ("proj_out.", "final_layer.linear."))
DOUBLE = {"attn.norm_q": "img_attn.norm.query_norm", "attn.norm_k": "img_attn.norm.key_norm",
          "attn.to_out.0": "img_attn.proj", "ff.linear_in": "img_mlp.0", "ff.linear_out": "img_mlp.2",
          "attn.norm_added_q": "txt_attn.norm.query_norm", "attn.norm_added_k": "txt_attn.norm.key_norm",
          "attn.to_add_out": "txt_attn.proj", "ff_context.linear_in": "txt_mlp.0", "ff_context.linear_out": "txt_mlp.2"}
QKV = {"img_attn.qkv": ("attn.to_q", "attn.to_k", "attn.to_v"),
       "txt_attn.qkv": ("attn.add_q_proj", "attn.add_k_proj", "attn.add_v_proj")}
SINGLE = {"attn.to_qkv_mlp_proj": "linear1", "attn.to_out": "linear2", "attn.norm_q": "norm.query_norm",
          "attn.norm_k": "norm.key_norm"}


def qwen3_config(tok, width: int = TEXT_WIDTH, layers: int = 28):
    """tiny_zimage_files' Qwen3 with 28 layers (klein reads the states after layers 9, 18 and 27)."""
    return zimage_qwen3(tok, width, layers)


def models(tok) -> dict:
    """{transformer, text_encoder, vae}: random, their zero-initialised layers made to matter, the VAE's batch norm
    given running statistics of its own."""
    import torch
    from diffusers import AutoencoderKLFlux2, Flux2Transformer2DModel
    from transformers import Qwen3Model
    makers = {"transformer": lambda: Flux2Transformer2DModel(**DIT_CFG),
              "text_encoder": lambda: Qwen3Model(qwen3_config(tok)), "vae": lambda: AutoencoderKLFlux2(**VAE_CFG)}
    out = {c: seeded(make, i) for i, (c, make) in enumerate(makers.items())}
    with torch.no_grad():
        out["vae"].bn.running_mean.copy_(torch.randn_like(out["vae"].bn.running_mean) * 0.1)
        out["vae"].bn.running_var.copy_(torch.rand_like(out["vae"].bn.running_var) + 0.5)
    return out


def _block(k: str, prefix: str, table: dict) -> str | None:
    """'double_blocks.0.img_attn.proj.weight' of 'transformer_blocks.0.attn.to_out.0.weight' (norms' 'scale')."""
    rest = k[len(prefix):]
    i, _, tail = rest.partition(".")
    module, _, kind = tail.rpartition(".")
    if module not in table:
        return None
    return f"{i}.{table[module]}.{'scale' if 'norm' in table[module] else kind}"


def dit_comfy(state: dict, prefix: str = "") -> dict:
    """A Flux2Transformer2DModel's tensors under the names of ComfyUI's file (Black Forest Labs')."""
    import torch
    out, qkv = {}, {}
    for k, t in state.items():
        if k.startswith("transformer_blocks."):
            _, i, tail = k.split(".", 2)
            module, _, kind = tail.rpartition(".")
            joined = next((q for q, parts in QKV.items() if module in parts), None)
            if joined:
                qkv.setdefault((i, joined, kind), {})[module] = t
                continue
            name = "double_blocks." + _block(k, "transformer_blocks.", DOUBLE)
        elif k.startswith("single_transformer_blocks."):
            name = "single_blocks." + _block(k, "single_transformer_blocks.", SINGLE)
        elif k.startswith("norm_out.linear."):
            scale, shift = t.chunk(2, dim=0)
            name, t = "final_layer.adaLN_modulation.1." + k.rsplit(".", 1)[1], torch.cat([shift, scale])
        else:
            name = next(k.replace(new, old, 1) for new, old in PLAIN + (("", ""),) if k.startswith(new))
        out[prefix + name] = t
    for (i, joined, kind), parts in qkv.items():
        out[f"{prefix}double_blocks.{i}.{joined}.{kind}"] = torch.cat([parts[m] for m in QKV[joined]])
    return out


def vae_comfy(state: dict) -> dict:
    """An AutoencoderKLFlux2's tensors under the names of ComfyUI's flux2-vae.safetensors (ldm names, no prefix)."""
    bn = {k: v for k, v in state.items() if k.startswith("bn.")}
    rest = {k: v for k, v in state.items() if not k.startswith("bn.")}
    return {**{k.removeprefix("first_stage_model."): v for k, v in vae_ldm(rest, 2).items()}, **bn}


def write(root: str, prefix: str = "") -> dict:
    """The three files under ``root``: {'dit', 'text_encoder', 'vae', 'tokenizer', 'parts'}."""
    from safetensors.torch import save_file
    places = comfy_folders(root)
    tok = tokenizer(os.path.join(places["text_encoder"], "tokenizer"))
    parts = models(tok)
    files = {"dit": os.path.join(places["dit"], "flux-2-klein-tiny.safetensors"),
             "text_encoder": os.path.join(places["text_encoder"], "qwen_3_tiny.safetensors"),
             "vae": os.path.join(places["vae"], "flux2-vae-tiny.safetensors")}
    save_file({k: v.contiguous() for k, v in dit_comfy(parts["transformer"].state_dict(), prefix).items()},
              files["dit"])
    save_file({"model." + k: v.contiguous() for k, v in parts["text_encoder"].state_dict().items()},
              files["text_encoder"])
    save_file({k: v.contiguous() for k, v in vae_comfy(parts["vae"].state_dict()).items()}, files["vae"])
    return {**files, "tokenizer": tok, "parts": parts}
