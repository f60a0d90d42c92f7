"""A tiny LTX-2 (picture and sound) whose parts can be written as ComfyUI's files: the structure
of LTX-2 19B at tiny widths (heads of 128 / 64 / 128 values, a video VAE of four down and three up
blocks folding 32x32 pixels and 8 frames, the 19B's vocoder strides, Gemma 3 12B's settings), so
its configs are what Studio reads from the shapes; and writers of its all-in-one checkpoint in
Lightricks' names (an inverse of diffusers' renamings written here, independent of Studio's code)
and of ComfyUI's Gemma file (the language model under ``model.``, a vision tower beside it)."""
from __future__ import annotations

import os
import re

WORDS = "a red green blue fox cat dog singer singing into the camera on stage cinematic close up of in".split()
TEXT = dict(hidden_size=128, intermediate_size=64, num_hidden_layers=2, num_attention_heads=2, num_key_value_heads=1,
            head_dim=32, query_pre_attn_scalar=32)


# LTX-2.3's structure (diffusers' 2.3 presets, scripts/convert_ltx2_to_diffusers.py) and LTX-2.5's changes over it
NEWER = {"LTX-2.3": dict(gated_attn=True, cross_attn_mod=True, audio_gated_attn=True, audio_cross_attn_mod=True,
                         use_prompt_embeddings=False),
         "LTX-2.5": dict(gated_attn=True, cross_attn_mod=True, audio_gated_attn=True, audio_cross_attn_mod=True,
                         use_prompt_embeddings=False, use_prompt_adaln_single=False,
                         use_keyframes_abs_pos_embedding=True, ff_bias=False)}
VAE_23 = dict(block_out_channels=(16, 32, 64, 64), decoder_block_out_channels=(16, 32, 32, 64),
              layers_per_block=(1,) * 5, decoder_layers_per_block=(1,) * 5, spatio_temporal_scaling=(True,) * 4,
              decoder_spatio_temporal_scaling=(True,) * 4, decoder_inject_noise=(False,) * 5,
              downsample_type=("spatial", "temporal", "spatiotemporal", "spatiotemporal"),
              upsample_type=("spatiotemporal", "spatiotemporal", "temporal", "spatial"), upsample_residual=(False,) * 4,
              upsample_factor=(2, 2, 1, 2), decoder_spatial_padding_mode="zeros")


def _parts_23(rope: dict, layers: int):
    """LTX-2.3's connectors (a gated connector a stream, its own text projection each), video VAE
    (four up blocks) and vocoder with bandwidth extension, at tiny widths with its kernels."""
    import torch
    from diffusers import AutoencoderKLLTX2Video
    from diffusers.pipelines.ltx2 import LTX2TextConnectors
    from diffusers.pipelines.ltx2.vocoder import LTX2VocoderWithBWE
    torch.manual_seed(0)
    connectors = LTX2TextConnectors(
        caption_channels=128, text_proj_in_factor=layers + 1, video_connector_num_attention_heads=1,
        video_connector_attention_head_dim=128, video_connector_num_layers=1, video_connector_num_learnable_registers=8,
        video_gated_attn=True, audio_connector_num_attention_heads=2, audio_connector_attention_head_dim=32,
        audio_connector_num_layers=1, audio_connector_num_learnable_registers=8, audio_gated_attn=True,
        per_modality_projections=True, video_hidden_dim=128, audio_hidden_dim=64, proj_bias=True,
        connector_rope_base_seq_len=4096, **rope)
    torch.manual_seed(0)
    vae = AutoencoderKLLTX2Video(latent_channels=8, decoder_causal=False, spatial_compression_ratio=32,
                                 temporal_compression_ratio=8, **VAE_23)
    torch.manual_seed(0)
    vocoder = LTX2VocoderWithBWE(in_channels=16, hidden_channels=64, bwe_in_channels=16, bwe_hidden_channels=32,
                                 resnet_kernel_sizes=[3], resnet_dilations=[[1, 3, 5]], bwe_resnet_kernel_sizes=[3],
                                 bwe_resnet_dilations=[[1, 3, 5]], num_mel_channels=8)
    return connectors, vae, vocoder


def build(path: str, generation: str = "LTX-2") -> str:
    """The tiny LTX-2 diffusers folder (Studio's scheduler, Gemma 3 with a vision tower, a word
    tokenizer); ``generation``: LTX-2.3's or LTX-2.5's structure (the 2.3 connectors, VAE and vocoder)."""
    import torch
    from diffusers import (AutoencoderKLLTX2Audio, AutoencoderKLLTX2Video, FlowMatchEulerDiscreteScheduler,
                           LTX2Pipeline, LTX2VideoTransformer3DModel)
    from diffusers.pipelines.ltx2 import LTX2TextConnectors
    from diffusers.pipelines.ltx2.vocoder import LTX2Vocoder

    from nodes.video_models.families.ltx2 import part_configs as pc2

    from .tiny import build_tokenizer
    from .tiny_ltx2 import tiny_gemma3
    tok = build_tokenizer(os.path.join(path, "_tok"), WORDS)
    torch.manual_seed(0)
    layers = TEXT["num_hidden_layers"]
    gemma = {k: v for k, v in pc2.GEMMA3_TEXT.items() if k not in ("pad_token_id", "eos_token_id", "bos_token_id")}
    te = tiny_gemma3(len(tok) + 2, **TEXT, **gemma)  # layer types: every sixth global, as Gemma 3 12B
    rope = pc2.ROPE
    torch.manual_seed(0)
    transformer = LTX2VideoTransformer3DModel(
        in_channels=8, out_channels=8, num_attention_heads=1, attention_head_dim=128, cross_attention_dim=128,
        audio_in_channels=4, audio_out_channels=4, audio_num_attention_heads=1, audio_attention_head_dim=64,
        audio_cross_attention_dim=64, num_layers=2, caption_channels=128, **rope, **NEWER.get(generation, {}))
    torch.manual_seed(0)
    connectors = LTX2TextConnectors(
        caption_channels=128, text_proj_in_factor=layers + 1, video_connector_num_attention_heads=1,
        video_connector_attention_head_dim=128, video_connector_num_layers=1, video_connector_num_learnable_registers=8,
        audio_connector_num_attention_heads=1, audio_connector_attention_head_dim=128, audio_connector_num_layers=1,
        audio_connector_num_learnable_registers=8, connector_rope_base_seq_len=4096, **rope)
    torch.manual_seed(0)
    vae = AutoencoderKLLTX2Video(
        latent_channels=8, block_out_channels=(16, 32, 64, 128), decoder_block_out_channels=(16, 32, 64),
        layers_per_block=(1, 1, 1, 1, 1), decoder_layers_per_block=(1, 1, 1, 1), decoder_causal=False,
        spatial_compression_ratio=32, temporal_compression_ratio=8)
    torch.manual_seed(0)
    audio_vae = AutoencoderKLLTX2Audio(base_channels=4, output_channels=2, ch_mult=(1, 2), num_res_blocks=1,
                                       latent_channels=2, mel_bins=8)
    torch.manual_seed(0)
    vocoder = LTX2Vocoder(in_channels=16, hidden_channels=32, resnet_kernel_sizes=[3], resnet_dilations=[[1, 3, 5]])
    if generation != "LTX-2":
        connectors, vae, vocoder = _parts_23(rope, layers)
    with torch.no_grad():  # statistics that are not the identity, so a lost or swapped buffer shows
        for m in (vae, audio_vae):
            m.latents_mean.copy_(torch.randn_like(m.latents_mean) * 0.1)
            m.latents_std.copy_(1.0 + torch.rand_like(m.latents_std))
        for m in (audio_vae, vocoder):  # twice the init's weights: the sound follows the latents (at 1x the
            for p in m.parameters():    # biases of the tiny vocoder's five layers drown them)
                if p.dim() > 1:
                    p.mul_(2.0)
    sched = FlowMatchEulerDiscreteScheduler.from_config(pc2.LTX2_SCHEDULER)
    LTX2Pipeline(scheduler=sched, vae=vae, audio_vae=audio_vae, text_encoder=te, tokenizer=tok, connectors=connectors,
                 transformer=transformer, vocoder=vocoder).save_pretrained(path, safe_serialization=True)
    import shutil
    shutil.rmtree(os.path.join(path, "_tok"), ignore_errors=True)
    return path


# -- Lightricks' names: the inverse of diffusers' renamings, written out here ---------------------------------
_DIT = (("audio_proj_in", "audio_patchify_proj"), ("proj_in", "patchify_proj"),
        ("av_cross_attn_video_scale_shift", "av_ca_video_scale_shift_adaln_single"),
        ("av_cross_attn_video_a2v_gate", "av_ca_a2v_gate_adaln_single"),
        ("av_cross_attn_audio_scale_shift", "av_ca_audio_scale_shift_adaln_single"),
        ("av_cross_attn_audio_v2a_gate", "av_ca_v2a_gate_adaln_single"),
        ("video_a2v_cross_attn_scale_shift_table", "scale_shift_table_a2v_ca_video"),
        ("audio_a2v_cross_attn_scale_shift_table", "scale_shift_table_a2v_ca_audio"),
        ("norm_q", "q_norm"), ("norm_k", "k_norm"))


def dit_name(k: str) -> str:
    if k.startswith(("prompt_adaln.", "audio_prompt_adaln.")):  # LTX-2.3's
        k = k.replace("prompt_adaln.", "prompt_adaln_single.")
    if k.startswith("audio_time_embed."):
        k = "audio_adaln_single." + k[len("audio_time_embed."):]
    elif k.startswith("time_embed."):
        k = "adaln_single." + k[len("time_embed."):]
    for a, b in _DIT:
        if a in k and b not in k:
            k = k.replace(a, b) if a != "proj_in" or "audio_" not in k else k
    return "model.diffusion_model." + k


def connector_name(k: str) -> str:
    if k.startswith("text_proj_in."):
        return "text_embedding_projection.aggregate_embed." + k[len("text_proj_in."):]
    for m in ("video", "audio"):  # LTX-2.3's per-stream projections
        if k.startswith(f"{m}_text_proj_in."):
            return f"model.diffusion_model.text_embedding_projection.{m}_aggregate_embed." + k[len(f"{m}_text_proj_in."):]
    k = k.replace("video_connector.", "video_embeddings_connector.").replace("audio_connector.", "audio_embeddings_connector.")
    k = k.replace(".transformer_blocks.", ".transformer_1d_blocks.").replace("norm_q", "q_norm").replace("norm_k", "k_norm")
    return "model.diffusion_model." + k


def vae_name(k: str) -> str:
    if k in ("latents_mean", "latents_std"):
        return "vae.per_channel_statistics." + {"latents_mean": "mean-of-means", "latents_std": "std-of-means"}[k]
    k = k.replace(".resnets.", ".res_blocks.")
    if m := re.match(r"encoder\.down_blocks\.(\d+)\.downsamplers\.0\.(.*)", k):
        k = f"encoder.down_blocks.{2 * int(m[1]) + 1}.{m[2]}"
    elif m := re.match(r"encoder\.down_blocks\.(\d+)\.(.*)", k):
        k = f"encoder.down_blocks.{2 * int(m[1])}.{m[2]}"
    elif k.startswith("encoder.mid_block."):
        k = "encoder.down_blocks.8." + k[len("encoder.mid_block."):]
    elif k.startswith("decoder.mid_block."):
        k = "decoder.up_blocks.0." + k[len("decoder.mid_block."):]
    elif m := re.match(r"decoder\.up_blocks\.(\d+)\.upsamplers\.0\.(.*)", k):
        k = f"decoder.up_blocks.{2 * int(m[1]) + 1}.{m[2]}"
    elif m := re.match(r"decoder\.up_blocks\.(\d+)\.(.*)", k):
        k = f"decoder.up_blocks.{2 * int(m[1]) + 2}.{m[2]}"
    return "vae." + k


def audio_vae_name(k: str) -> str:
    return "audio_vae." + {"latents_mean": "per_channel_statistics.mean-of-means",
                           "latents_std": "per_channel_statistics.std-of-means"}.get(k, k)


def vocoder_name(k: str) -> str:
    if k.startswith(("vocoder.", "bwe_generator.", "mel_stft.")):  # LTX-2.3's, with its bandwidth extender
        k = k.replace(".upsamplers.", ".ups.").replace("resnets.", "resblocks.").replace("conv_in.", "conv_pre.")
        k = k.replace("conv_out.", "conv_post.").replace("act_out.", "act_post.")
        return "vocoder." + k.replace(".downsample.filter", ".downsample.lowpass.filter")
    k = re.sub(r"^upsamplers\.", "ups.", k).replace("resnets.", "resblocks.")
    return "vocoder." + k.replace("conv_in.", "conv_pre.").replace("conv_out.", "conv_post.")


def checkpoint_state(folder: str, parts=("transformer", "connectors", "vae", "audio_vae", "vocoder")) -> dict:
    """The folder's LTX-2 as one state in Lightricks' names (``parts``: which of them)."""
    import torch
    from safetensors.torch import load_file
    out = {}
    names = {"transformer": dit_name, "connectors": connector_name, "vae": vae_name, "audio_vae": audio_vae_name,
             "vocoder": vocoder_name}
    for c in parts:
        for k, v in load_file(os.path.join(folder, c, "diffusion_pytorch_model.safetensors")).items():
            out[names[c](k)] = v
    if "vae" in parts:  # the statistics Lightricks' VAE holds beside the two diffusers reads
        n = out["vae.per_channel_statistics.mean-of-means"].shape[0]
        out["vae.per_channel_statistics.channel"] = torch.arange(n, dtype=torch.float32)
        out["vae.per_channel_statistics.mean-of-stds"] = torch.ones(n)
    return out


def gemma_state(folder: str) -> dict:
    """The folder's Gemma 3 in ComfyUI's names: the language model under ``model.``, the vision
    tower and projector beside it (not read by LTX-2)."""
    from safetensors.torch import load_file
    out = {}
    for k, v in load_file(os.path.join(folder, "text_encoder", "model.safetensors")).items():
        for pre in ("language_model.model.", "model.language_model."):
            if k.startswith(pre):
                k = "model." + k[len(pre):]
        for pre, to in (("vision_tower.", "vision_model."), ("model.vision_tower.", "vision_model."),
                        ("model.multi_modal_projector.", "multi_modal_projector.")):
            if k.startswith(pre):
                k = to + k[len(pre):]
        out[k] = v
    return out


def write_files(folder: str, out: str, fp8: bool = False, parts=None) -> dict[str, str]:
    """The folder as ComfyUI's files: ``checkpoint`` (ltx-2-tiny-dev.safetensors, all in one;
    ``fp8``: the transformer blocks' weights in fp8 e4m3, as ltx-2-19b-dev-fp8) and ``text_encoder``
    (gemma_3_tiny_it.safetensors, its tokenizer/ folder beside it)."""
    import torch
    from safetensors.torch import save_file
    from transformers import AutoTokenizer
    os.makedirs(out, exist_ok=True)
    state = checkpoint_state(folder, parts) if parts else checkpoint_state(folder)
    if fp8:
        state = {k: (v.to(torch.float8_e4m3fn) if ".transformer_blocks." in k and k.endswith(".weight") and v.dim() == 2
                     else v) for k, v in state.items()}
    files = {"checkpoint": os.path.join(out, f"ltx-2-tiny-dev{'-fp8' if fp8 else ''}.safetensors"),
             "text_encoder": os.path.join(out, "gemma_3_tiny_it.safetensors")}
    save_file({k: v.contiguous() for k, v in state.items()}, files["checkpoint"])
    save_file({k: v.contiguous() for k, v in gemma_state(folder).items()}, files["text_encoder"])
    AutoTokenizer.from_pretrained(os.path.join(folder, "tokenizer")).save_pretrained(os.path.join(out, "tokenizer"))
    return files
