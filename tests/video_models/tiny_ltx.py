"""A tiny LTX-Video pipeline whose parts can be written as ComfyUI's files: the transformer (32
heads, as every release), a T5 text encoder with a sentencepiece tokenizer, a VAE in the 0.9.1
release's structure (timestep-conditioned decoder, residual up-sampling) at a tiny width, and
Studio's LTX scheduler. Writers of the files in Lightricks' original names (the inverse of
diffusers' single-file converters, checked against them): an all-in-one checkpoint
(``model.diffusion_model.`` + ``vae.``), or a transformer file and a VAE file; ComfyUI's T5 file
(no tokenizer inside, or with ``spiece_model``)."""
from __future__ import annotations

import os
import re

LATENT = 8


def build(path: str, text_width: int = 32) -> str:
    """The tiny LTX-Video diffusers folder (T5, sentencepiece tokenizer, Studio's scheduler)."""
    import torch
    from diffusers import AutoencoderKLLTXVideo, FlowMatchEulerDiscreteScheduler, LTXPipeline, LTXVideoTransformer3DModel
    from transformers import T5Config, T5EncoderModel

    from nodes.video_models.families.ltx.part_configs import LTX_SCHEDULER

    from .tiny_parts import spiece_bytes, tokenizer_of
    tok = tokenizer_of(spiece_bytes())
    torch.manual_seed(0)
    te = T5EncoderModel(T5Config(vocab_size=len(tok), d_model=text_width, d_kv=8, d_ff=37, num_layers=2, num_heads=4,
                                 relative_attention_num_buckets=8, feed_forward_proj="gated-gelu", pad_token_id=0,
                                 eos_token_id=1, decoder_start_token_id=0))
    torch.manual_seed(0)
    vae = AutoencoderKLLTXVideo(
        latent_channels=LATENT, block_out_channels=(8, 16, 32, 32), decoder_block_out_channels=(16, 32, 64),
        layers_per_block=(1, 1, 1, 1, 1), decoder_layers_per_block=(1, 1, 1, 1),
        spatio_temporal_scaling=(True, True, True, False), decoder_spatio_temporal_scaling=(True, True, True),
        decoder_inject_noise=(True, True, True, False), upsample_residual=(True, True, True),
        upsample_factor=(2, 2, 2), timestep_conditioning=True, patch_size=4, patch_size_t=1)
    torch.manual_seed(0)
    den = LTXVideoTransformer3DModel(in_channels=LATENT, out_channels=LATENT, num_attention_heads=32,
                                     attention_head_dim=2, cross_attention_dim=64, num_layers=2,
                                     caption_channels=text_width)
    with torch.no_grad():
        for m in (den, vae, te):
            for p in m.parameters():
                p.add_(torch.randn_like(p) * 0.02)
        vae.latents_mean.copy_(torch.randn(LATENT) * 0.1)
        vae.latents_std.copy_(1 + torch.rand(LATENT))
    LTXPipeline(tokenizer=tok, text_encoder=te, vae=vae, transformer=den,
                scheduler=FlowMatchEulerDiscreteScheduler.from_config(LTX_SCHEDULER)).save_pretrained(
        path, safe_serialization=True)
    return path


def transformer_original_names(state: dict) -> dict:
    """A diffusers LTXVideoTransformer3DModel's state under Lightricks' names (``model.diffusion_model.``)."""
    out = {}
    for k, v in state.items():
        for a, b in (("proj_in", "patchify_proj"), ("time_embed", "adaln_single"), ("norm_q", "q_norm"),
                     ("norm_k", "k_norm")):
            k = k.replace(a, b)
        out["model.diffusion_model." + k] = v
    return out


_ENCODER = {("0", ""): 0, ("0", "downsamplers.0."): 1, ("0", "conv_out."): 2, ("1", ""): 3,
            ("1", "downsamplers.0."): 4, ("1", "conv_out."): 5, ("2", ""): 6, ("2", "downsamplers.0."): 7,
            ("3", ""): 8, "mid": 9}  # diffusers' (block, part) -> Lightricks' encoder down_blocks (0.9.0 / 0.9.1)
ENCODER_095 = {**{(str(i), ""): 2 * i for i in range(4)}, **{(str(i), "downsamplers.0."): 2 * i + 1 for i in range(4)},
               "mid": 8}  # 0.9.5's and later


def vae_original_names(state: dict, encoder: dict = _ENCODER) -> dict:
    """A diffusers AutoencoderKLLTXVideo's state (0.9.1's structure; ``encoder``: ENCODER_095 for
    0.9.5's) under Lightricks' names, with ``vae.``: the inverse of diffusers'
    convert_ltx_vae_checkpoint_to_diffusers."""
    import torch
    out = {}
    for k, v in state.items():
        n = k.replace("resnets", "res_blocks").replace("conv_shortcut.conv.", "conv_shortcut.") \
            .replace(".norm3.", ".norm3.norm.")
        if n == "latents_mean":
            n = "per_channel_statistics.mean-of-means"
        elif n == "latents_std":
            n = "per_channel_statistics.std-of-means"
        elif n.startswith("decoder.mid_block."):
            n = "decoder.up_blocks.0." + n[len("decoder.mid_block."):]
        elif m := re.match(r"decoder\.up_blocks\.(\d+)\.upsamplers\.0\.(.*)", n):
            n = f"decoder.up_blocks.{2 * int(m[1]) + 1}.{m[2]}"
        elif m := re.match(r"decoder\.up_blocks\.(\d+)\.(.*)", n):
            n = f"decoder.up_blocks.{2 * int(m[1]) + 2}.{m[2]}"
        elif n.startswith(("decoder.time_embedder.", "decoder.scale_shift_table")):
            n = "decoder.last_" + n[len("decoder."):]
        elif n.startswith("encoder.mid_block."):
            n = f"encoder.down_blocks.{encoder['mid']}." + n[len("encoder.mid_block."):]
        elif m := re.match(r"encoder\.down_blocks\.(\d+)\.(downsamplers\.0\.|conv_out\.)?(.*)", n):
            n = f"encoder.down_blocks.{encoder[(m[1], m[2] or '')]}.{m[3]}"
        out["vae." + n] = v
    chans = state["latents_mean"].shape[0]
    out["vae.per_channel_statistics.channel"] = torch.arange(chans, dtype=torch.float32)  # dropped by the converter
    out["vae.per_channel_statistics.mean-of-stds"] = torch.ones(chans)
    return out


def write_parts(folder: str, out: str, checkpoint: bool = True, spiece: bool = False,
                tokenizer_beside: bool = True) -> dict[str, str]:
    """The folder's parts as ComfyUI's files (fp32, Lightricks' names): an all-in-one checkpoint
    (``checkpoint``) or a transformer file and a VAE file; the T5 file (``spiece``: with the
    tokenizer inside; ``tokenizer_beside``: the folder's tokenizer/ saved beside it). name -> path."""
    import numpy as np
    import torch
    from diffusers import AutoencoderKLLTXVideo, LTXVideoTransformer3DModel
    from safetensors.torch import save_file
    from transformers import AutoTokenizer, T5EncoderModel

    from .tiny_parts import spiece_bytes
    den = LTXVideoTransformer3DModel.from_pretrained(folder, subfolder="transformer").state_dict()
    vae = AutoencoderKLLTXVideo.from_pretrained(folder, subfolder="vae").state_dict()
    te = T5EncoderModel.from_pretrained(folder, subfolder="text_encoder").state_dict()
    te = {k: v for k, v in te.items() if k != "encoder.embed_tokens.weight"}  # ComfyUI keeps 'shared' only
    if spiece:
        te["spiece_model"] = torch.from_numpy(np.frombuffer(spiece_bytes(), dtype=np.uint8).copy())
    for sub in ("checkpoints", "diffusion_models", "vae", "text_encoders"):
        os.makedirs(os.path.join(out, sub), exist_ok=True)
    files = {"text_encoder": os.path.join(out, "text_encoders", "t5xxl_tiny_fp32.safetensors")}
    den, vae = transformer_original_names(den), vae_original_names(vae)
    if checkpoint:
        files["denoiser"] = os.path.join(out, "checkpoints", "ltx-video-tiny-v0.9.1.safetensors")
        save_file({k: v.contiguous() for k, v in {**den, **vae}.items()}, files["denoiser"])
    else:
        files["denoiser"] = os.path.join(out, "diffusion_models", "ltx-video-tiny-transformer.safetensors")
        files["vae"] = os.path.join(out, "vae", "ltx_video_vae_tiny.safetensors")
        save_file({k: v.contiguous() for k, v in den.items()}, files["denoiser"])
        save_file({k[len("vae."):]: v.contiguous() for k, v in vae.items()}, files["vae"])  # a VAE file: no prefix
    save_file({k: v.contiguous() for k, v in te.items()}, files["text_encoder"])
    if tokenizer_beside:
        AutoTokenizer.from_pretrained(folder, subfolder="tokenizer").save_pretrained(
            os.path.join(out, "text_encoders", "tokenizer"))
    return files
