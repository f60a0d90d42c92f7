"""Tiny random video pipelines built from configs (no download), as diffusers' own tests do."""
from __future__ import annotations

import os

import numpy as np


def build_svd(path: str) -> str:
    """A tiny Stable Video Diffusion pipeline saved to ``path`` (diffusers' test config; the CLIP
    vision image size is 224 because the pipeline resizes to 224; patch 32 keeps it small)."""
    import torch
    from diffusers import (AutoencoderKLTemporalDecoder, EulerDiscreteScheduler, StableVideoDiffusionPipeline,
                           UNetSpatioTemporalConditionModel)
    from transformers import CLIPImageProcessor, CLIPVisionConfig, CLIPVisionModelWithProjection
    torch.manual_seed(0)
    unet = UNetSpatioTemporalConditionModel(
        block_out_channels=(32, 64), layers_per_block=2, sample_size=32, in_channels=8, out_channels=4,
        down_block_types=("CrossAttnDownBlockSpatioTemporal", "DownBlockSpatioTemporal"),
        up_block_types=("UpBlockSpatioTemporal", "CrossAttnUpBlockSpatioTemporal"),
        cross_attention_dim=32, num_attention_heads=8, projection_class_embeddings_input_dim=96,
        addition_time_embed_dim=32, num_frames=4)
    scheduler = EulerDiscreteScheduler(
        beta_schedule="scaled_linear", beta_start=0.00085, beta_end=0.012, interpolation_type="linear",
        num_train_timesteps=1000, prediction_type="v_prediction", sigma_max=700.0, sigma_min=0.002, steps_offset=1,
        timestep_spacing="leading", timestep_type="continuous", trained_betas=None, use_karras_sigmas=True)
    torch.manual_seed(0)
    vae = AutoencoderKLTemporalDecoder(block_out_channels=[32, 64], in_channels=3, out_channels=3,
                                       down_block_types=["DownEncoderBlock2D", "DownEncoderBlock2D"],
                                       latent_channels=4)
    torch.manual_seed(0)
    enc = CLIPVisionModelWithProjection(CLIPVisionConfig(
        hidden_size=32, projection_dim=32, num_hidden_layers=2, num_attention_heads=4, image_size=224,
        intermediate_size=37, patch_size=32))
    fe = CLIPImageProcessor(crop_size=224, size=224)
    pipe = StableVideoDiffusionPipeline(vae=vae, image_encoder=enc, unet=unet, scheduler=scheduler,
                                        feature_extractor=fe)
    pipe.save_pretrained(path, safe_serialization=True)
    return path


def build_tokenizer(path: str, vocab_words: list[str] | None = None):
    """A small word-level tokenizer built with `tokenizers`, wrapped for transformers."""
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast
    words = vocab_words or ("a red green blue fox cat dog running walking snow sea sky cinematic painting "
                            "watercolour the of in on").split()
    vocab = {"<pad>": 0, "</s>": 1, "<unk>": 2}
    for w in words:
        vocab.setdefault(w, len(vocab))
    tok = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", eos_token="</s>", unk_token="<unk>",
                                   model_max_length=32)
    fast.save_pretrained(path)
    return fast


def tiny_t5(tokenizer):
    """The tiny T5 text encoder every test pipeline uses (the caller seeds torch first)."""
    from transformers import T5Config, T5EncoderModel
    return T5EncoderModel(T5Config(vocab_size=len(tokenizer), d_model=32, d_kv=8, d_ff=37, num_layers=2,
                                   num_heads=4, relative_attention_num_buckets=8, pad_token_id=0,
                                   eos_token_id=1, decoder_start_token_id=0))


def tiny_wan_transformer(in_channels: int = 16, **more):
    """The tiny Wan transformer of the tiny Wan pipelines (diffusers' test config): 16 latent channels
    out, ``in_channels`` in (32 for Lucy Edit's clip beside the noise, 36 for image to video, 48 for Fun
    Control), ``more`` its other settings (``image_dim``...). Seed torch before: its weights are random."""
    from diffusers import WanTransformer3DModel
    return WanTransformer3DModel(
        patch_size=(1, 2, 2), num_attention_heads=2, attention_head_dim=12, in_channels=in_channels, out_channels=16,
        text_dim=32, freq_dim=256, ffn_dim=32, num_layers=2, cross_attn_norm=True, qk_norm="rms_norm_across_heads",
        **{"rope_max_seq_len": 32, **more})


def build_wan(path: str) -> str:
    """A tiny Wan 2.1 text-to-video pipeline (diffusers' test config, a local T5 and tokenizer)."""
    from diffusers import FlowMatchEulerDiscreteScheduler, WanPipeline
    return save_wan_pipeline(path, WanPipeline, tiny_wan_transformer, FlowMatchEulerDiscreteScheduler(shift=7.0))


def save_wan_pipeline(path: str, cls, transformer, scheduler, experts: int = 1, **more) -> str:
    """``cls``, a Wan-shaped diffusers pipeline, of :func:`wan_parts`' VAE, tokenizer and T5 around
    ``transformer()`` (seeded 0; with ``experts`` 2, a second one seeded 1 as ``transformer_2``, switched
    at boundary 0.875 as Wan 2.2 A14B's), ``more`` its other components, saved to ``path``."""
    import shutil

    import torch
    vae, tokenizer, text_encoder, tmp_tok = wan_parts(path)
    made = []
    for seed in range(experts):
        torch.manual_seed(seed)
        made.append(transformer())
    if experts == 2:
        more = {"transformer_2": made[1], "boundary_ratio": 0.875, **more}
    cls(tokenizer=tokenizer, text_encoder=text_encoder, vae=vae, transformer=made[0], scheduler=scheduler,
        **more).save_pretrained(path, safe_serialization=True)
    shutil.rmtree(tmp_tok, ignore_errors=True)
    return path


def still(h: int = 32, w: int = 32) -> np.ndarray:
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    return np.stack([x / w, y / h, 0.5 + 0 * x], -1).astype(np.float32)



def build_wan_for_training(path: str) -> str:
    """A tiny Wan 2.1 to train a LoRA on in seconds: 4 latent channels, so a token (2x2 patch,
    16 values) fits the transformer's width (64) and a LoRA can fit the velocity; a VAE that
    encodes like a trained one (a near-deterministic posterior: a trained VAE's std is tiny beside
    its mean, a random one's is ~1, all noise) with latents_mean / latents_std that bring its
    latents to unit scale, as Wan's own do."""
    import shutil

    import torch
    from diffusers import AutoencoderKLWan, FlowMatchEulerDiscreteScheduler, WanPipeline, WanTransformer3DModel
    z = 4
    torch.manual_seed(0)
    vae = AutoencoderKLWan(base_dim=3, z_dim=z, dim_mult=[1, 1, 1, 1], num_res_blocks=1,
                           temperal_downsample=[False, True, True], latents_mean=[0.0] * z, latents_std=[1.0] * z)
    tmp_tok = os.path.join(path, "_tok")
    tokenizer = build_tokenizer(tmp_tok)
    torch.manual_seed(0)
    text_encoder = tiny_t5(tokenizer)
    torch.manual_seed(0)
    transformer = WanTransformer3DModel(patch_size=(1, 2, 2), num_attention_heads=2, attention_head_dim=32,
                                        in_channels=z, out_channels=z, text_dim=32, freq_dim=256, ffn_dim=128,
                                        num_layers=2, cross_attn_norm=True, qk_norm="rms_norm_across_heads",
                                        rope_max_seq_len=32)
    with torch.no_grad():
        vae.quant_conv.weight[z:] = 0
        vae.quant_conv.bias[z:] = -12.0  # log-variance: std = exp(-6)
        g = torch.Generator().manual_seed(0)
        mu = vae.encode(torch.rand(4, 3, 5, 32, 32, generator=g) * 2 - 1).latent_dist.mean
    flat = mu.transpose(0, 1).reshape(z, -1)
    vae.register_to_config(latents_mean=[float(v) for v in flat.mean(1)],
                           latents_std=[float(v) for v in flat.std(1)])
    pipe = WanPipeline(tokenizer=tokenizer, text_encoder=text_encoder, vae=vae, transformer=transformer,
                       scheduler=FlowMatchEulerDiscreteScheduler(shift=3.0))  # Wan 2.1 480p
    pipe.save_pretrained(path, safe_serialization=True)
    shutil.rmtree(tmp_tok, ignore_errors=True)
    return path


def build_ltx(path: str, dynamic_shift: bool = True) -> str:
    """A tiny LTX-Video text-to-video pipeline (diffusers' test config, a local T5 and tokenizer);
    its scheduler shifts with the token count, as LTX-Video's does."""
    import shutil

    import torch
    from diffusers import (AutoencoderKLLTXVideo, FlowMatchEulerDiscreteScheduler, LTXPipeline,
                           LTXVideoTransformer3DModel)
    torch.manual_seed(0)
    transformer = LTXVideoTransformer3DModel(in_channels=8, out_channels=8, patch_size=1, patch_size_t=1,
                                             num_attention_heads=4, attention_head_dim=8, cross_attention_dim=32,
                                             num_layers=1, caption_channels=32)
    torch.manual_seed(0)
    vae = AutoencoderKLLTXVideo(in_channels=3, out_channels=3, latent_channels=8, block_out_channels=(8, 8, 8, 8),
                                decoder_block_out_channels=(8, 8, 8, 8), layers_per_block=(1, 1, 1, 1, 1),
                                decoder_layers_per_block=(1, 1, 1, 1, 1),
                                spatio_temporal_scaling=(True, True, False, False),
                                decoder_spatio_temporal_scaling=(True, True, False, False),
                                decoder_inject_noise=(False, False, False, False, False),
                                upsample_residual=(False, False, False, False), upsample_factor=(1, 1, 1, 1),
                                timestep_conditioning=False, patch_size=1, patch_size_t=1, encoder_causal=True,
                                decoder_causal=False)
    tmp_tok = os.path.join(path, "_tok")
    tokenizer = build_tokenizer(tmp_tok)
    torch.manual_seed(0)
    text_encoder = tiny_t5(tokenizer)
    scheduler = FlowMatchEulerDiscreteScheduler(use_dynamic_shifting=dynamic_shift, base_image_seq_len=16,
                                                max_image_seq_len=256, base_shift=0.5, max_shift=1.15)
    pipe = LTXPipeline(scheduler=scheduler, vae=vae, text_encoder=text_encoder, tokenizer=tokenizer,
                       transformer=transformer)
    pipe.save_pretrained(path, safe_serialization=True)
    shutil.rmtree(tmp_tok, ignore_errors=True)
    return path


def tiny_cogvideox_vae():
    """diffusers' CogVideoX VAE at its test size (4 latent channels, 8 wide), seeded: shared by the tiny CogVideoX
    folders (tiny_cogvideox_fun.py's too)."""
    import torch
    from diffusers import AutoencoderKLCogVideoX
    torch.manual_seed(0)
    return AutoencoderKLCogVideoX(in_channels=3, out_channels=3, down_block_types=("CogVideoXDownBlock3D",) * 4,
                                  up_block_types=("CogVideoXUpBlock3D",) * 4, block_out_channels=(8, 8, 8, 8),
                                  latent_channels=4, layers_per_block=1, norm_num_groups=2,
                                  temporal_compression_ratio=4)


def build_cogvideox(path: str) -> str:
    """A tiny CogVideoX text-to-video pipeline (diffusers' test config, a local T5 and tokenizer)."""
    import shutil

    import torch
    from diffusers import CogVideoXDDIMScheduler, CogVideoXPipeline, CogVideoXTransformer3DModel
    torch.manual_seed(0)
    transformer = CogVideoXTransformer3DModel(num_attention_heads=2, attention_head_dim=16, in_channels=4,
                                              out_channels=4, time_embed_dim=2, text_embed_dim=32, num_layers=1,
                                              sample_width=2, sample_height=2, sample_frames=9, patch_size=2,
                                              temporal_compression_ratio=4, max_text_seq_length=16,
                                              use_rotary_positional_embeddings=True)
    vae = tiny_cogvideox_vae()
    tmp_tok = os.path.join(path, "_tok")
    tokenizer = build_tokenizer(tmp_tok)
    torch.manual_seed(0)
    text_encoder = tiny_t5(tokenizer)
    pipe = CogVideoXPipeline(tokenizer=tokenizer, text_encoder=text_encoder, vae=vae, transformer=transformer,
                             scheduler=CogVideoXDDIMScheduler())
    pipe.save_pretrained(path, safe_serialization=True)
    shutil.rmtree(tmp_tok, ignore_errors=True)
    return path


def wan_parts(path: str):
    """(vae, tokenizer, text encoder, the tokenizer's temporary folder) of the tiny Wan 2.2 and VACE
    pipelines, seeded as they were built."""
    import torch
    from diffusers import AutoencoderKLWan
    torch.manual_seed(0)
    vae = AutoencoderKLWan(base_dim=3, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1,
                           temperal_downsample=[False, True, True])
    tmp_tok = os.path.join(path, "_tok")
    tokenizer = build_tokenizer(tmp_tok)
    torch.manual_seed(0)
    return vae, tokenizer, tiny_t5(tokenizer), tmp_tok


def build_wan22(path: str) -> str:
    """A tiny Wan 2.2 A14B-shaped pipeline: two experts (transformer, transformer_2) switched at
    ``boundary_ratio``, as WanPipeline takes them."""
    from diffusers import FlowMatchEulerDiscreteScheduler, WanPipeline
    return save_wan_pipeline(path, WanPipeline, tiny_wan_transformer, FlowMatchEulerDiscreteScheduler(shift=7.0),
                             experts=2)
