"""A tiny random LTX-2 pipeline (picture and sound) built from configs: diffusers' own test
sizes, a Gemma 3 text encoder from a small transformers config and a local word-level tokenizer
(no download)."""
from __future__ import annotations

import os
import shutil


def tiny_gemma3(vocab_size: int, **text):
    """A two-layer Gemma 3 (text and a one-layer SigLIP vision tower) with random weights; ``text``
    overrides the text model's sizes (the benchmark's real-width encoder)."""
    from transformers import Gemma3Config, Gemma3ForConditionalGeneration
    text = dict(dict(vocab_size=vocab_size, hidden_size=32, intermediate_size=37, num_hidden_layers=2,
                     num_attention_heads=2, num_key_value_heads=1, head_dim=8, max_position_embeddings=128,
                     sliding_window=16, pad_token_id=0, eos_token_id=1, bos_token_id=1), **text)
    vision = dict(hidden_size=16, intermediate_size=32, num_hidden_layers=1, num_attention_heads=2,
                  image_size=28, patch_size=14)
    cfg = Gemma3Config(text_config=text, vision_config=vision, mm_tokens_per_image=4, image_token_index=3,
                       boi_token_index=3, eoi_token_index=3)
    return Gemma3ForConditionalGeneration(cfg)


def build_ltx2(path: str, real_compression: bool = False, audio_encoder: bool = False) -> str:
    """A tiny LTX-2 text/image-to-video-and-audio pipeline saved to ``path``. Its VAE compresses
    2x in space and time; ``real_compression``: 32x and 8x as LTX-2's own (a 4x4 patch, three
    spatio-temporal downsamplings), so a clip of a real size and length gives the transformer as
    few tokens as the real model's (issue 48: at 256x160x9 the 2x VAE gives 51,200 tokens, LTX-2's
    own 80, and one step of the tiny model took minutes on the CPU). ``audio_encoder``: an audio VAE that
    compresses the mel spectrogram 4x in time and mels as LTX-2's own (two downsamplings), so a
    waveform it encodes has the pipeline's audio latent shape ('sound: drive'); else one level, as
    diffusers' tests build it (its decoder alone is used)."""
    import torch
    from diffusers import (AutoencoderKLLTX2Audio, AutoencoderKLLTX2Video, FlowMatchEulerDiscreteScheduler,
                           LTX2Pipeline, LTX2VideoTransformer3DModel)
    from diffusers.pipelines.ltx2 import LTX2TextConnectors
    from diffusers.pipelines.ltx2.vocoder import LTX2Vocoder

    from .tiny import build_tokenizer
    tmp_tok = os.path.join(path, "_tok")
    tokenizer = build_tokenizer(tmp_tok, ("a red green blue fox cat dog singer singing talking speaks sings "
                                          "into the camera on stage cinematic close up of in").split())
    torch.manual_seed(0)
    text_encoder = tiny_gemma3(len(tokenizer) + 2)
    hidden, layers = text_encoder.config.text_config.hidden_size, text_encoder.config.text_config.num_hidden_layers
    torch.manual_seed(0)
    transformer = LTX2VideoTransformer3DModel(
        in_channels=4, out_channels=4, patch_size=1, patch_size_t=1, num_attention_heads=2, attention_head_dim=8,
        cross_attention_dim=16, audio_in_channels=4, audio_out_channels=4, audio_num_attention_heads=2,
        audio_attention_head_dim=4, audio_cross_attention_dim=8, num_layers=2, qk_norm="rms_norm_across_heads",
        caption_channels=hidden, rope_double_precision=False, rope_type="split")
    torch.manual_seed(0)
    connectors = LTX2TextConnectors(
        caption_channels=hidden, text_proj_in_factor=layers + 1, video_connector_num_attention_heads=4,
        video_connector_attention_head_dim=8, video_connector_num_layers=1,
        video_connector_num_learnable_registers=None, audio_connector_num_attention_heads=4,
        audio_connector_attention_head_dim=8, audio_connector_num_layers=1,
        audio_connector_num_learnable_registers=None, connector_rope_base_seq_len=32, rope_theta=10000.0,
        rope_double_precision=False, causal_temporal_positioning=False, rope_type="split")
    torch.manual_seed(0)
    vae = AutoencoderKLLTX2Video(
        in_channels=3, out_channels=3, latent_channels=4, block_out_channels=(8, 8, 8),
        decoder_block_out_channels=(8, 8, 8), layers_per_block=(1, 1, 1, 1), decoder_layers_per_block=(1, 1, 1, 1),
        spatio_temporal_scaling=(True, True, True), decoder_spatio_temporal_scaling=(True, True, True),
        decoder_inject_noise=(False,) * 4, downsample_type=("spatiotemporal",) * 3, upsample_residual=(False,) * 3,
        upsample_factor=(1, 1, 1), timestep_conditioning=False, patch_size=4, patch_size_t=1, encoder_causal=True,
        decoder_causal=False) if real_compression else AutoencoderKLLTX2Video(
        in_channels=3, out_channels=3, latent_channels=4, block_out_channels=(8,), decoder_block_out_channels=(8,),
        layers_per_block=(1,), decoder_layers_per_block=(1, 1), spatio_temporal_scaling=(True,),
        decoder_spatio_temporal_scaling=(True,), decoder_inject_noise=(False, False), downsample_type=("spatial",),
        upsample_residual=(False,), upsample_factor=(1,), timestep_conditioning=False, patch_size=1,
        patch_size_t=1, encoder_causal=True, decoder_causal=False)
    torch.manual_seed(0)
    audio_vae = AutoencoderKLLTX2Audio(
        base_channels=4, output_channels=2, ch_mult=(1, 2, 4) if audio_encoder else (1,), num_res_blocks=1, attn_resolutions=None, in_channels=2,
        resolution=32, latent_channels=2, norm_type="pixel", causality_axis="height", dropout=0.0,
        mid_block_add_attention=False, sample_rate=16000, mel_hop_length=160, is_causal=True, mel_bins=8)
    torch.manual_seed(0)
    vocoder = LTX2Vocoder(
        in_channels=audio_vae.config.output_channels * audio_vae.config.mel_bins, hidden_channels=32,
        out_channels=2, upsample_kernel_sizes=[20, 32], upsample_factors=[10, 16], resnet_kernel_sizes=[3],
        resnet_dilations=[[1, 3, 5]], leaky_relu_negative_slope=0.1, output_sampling_rate=16000)
    pipe = LTX2Pipeline(scheduler=FlowMatchEulerDiscreteScheduler(), vae=vae, audio_vae=audio_vae,
                        text_encoder=text_encoder, tokenizer=tokenizer, connectors=connectors,
                        transformer=transformer, vocoder=vocoder)
    pipe.save_pretrained(path, safe_serialization=True)
    shutil.rmtree(tmp_tok, ignore_errors=True)
    return path
