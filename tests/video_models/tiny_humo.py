"""A tiny HuMo model: diffusers' WanPipeline around a tiny Wan transformer reading 36 channels (the noise,
4 mask channels, the reference's latents), with HuMo's audio layers written into the transformer's file in
the release's names (Phantom-video/HuMo model_humo.py: ``blocks.N.audio_cross_attn_wrapper.*``,
``audio_proj.audio_proj_glob_*.layer.*``), as ComfyUI's humo_17B file holds them. Built from configs."""
from __future__ import annotations

import os
import shutil

CHANNELS, HIDDEN, AUDIO_DIM = 4, 16, 32  # the tiny "Whisper" width, the projection's hidden width, token width
_ATTN = {"to_q": "q", "to_k": "k", "to_v": "v", "to_out": "o", "norm_q": "norm_q", "norm_k": "norm_k"}


def release_names(state: dict) -> dict:
    """HumoAudio's state under the release's (and ComfyUI's) names."""
    out = {}
    for k, v in state.items():
        parts = k.split(".")
        if parts[0] == "blocks":
            i, mod = parts[1], parts[2]
            if mod == "norm":
                out[f"blocks.{i}.audio_cross_attn_wrapper.norm1_audio.{parts[3]}"] = v
            else:
                out[f"blocks.{i}.audio_cross_attn_wrapper.audio_cross_attn.{_ATTN[parts[3]]}.{parts[4]}"] = v
        else:
            name = "norm" if parts[1] == "norm" else parts[1].replace("linear_", "")
            out[f"audio_proj.audio_proj_glob_{name}.layer.{parts[2]}"] = v
    return out


def tiny_audio(seed: int = 1):
    import torch

    from nodes.video_models.families.wan.humo.humo import HumoAudio
    torch.manual_seed(seed)
    audio = HumoAudio(24, 2, 2, CHANNELS, hidden=HIDDEN, audio_dim=AUDIO_DIM)
    with torch.no_grad():
        for p in audio.parameters():
            p.add_(torch.randn_like(p) * 0.2)  # norms and biases not at their identity: every weight counts
    return audio


def build_humo(path: str, audio: bool = True) -> str:
    import torch
    from diffusers import FlowMatchEulerDiscreteScheduler, WanPipeline
    from safetensors.torch import load_file, save_file

    from .tiny import tiny_wan_transformer, wan_parts
    vae, tokenizer, text_encoder, tmp_tok = wan_parts(path)
    torch.manual_seed(0)
    WanPipeline(tokenizer=tokenizer, text_encoder=text_encoder, vae=vae, transformer=tiny_wan_transformer(36),
                scheduler=FlowMatchEulerDiscreteScheduler(shift=5.0)).save_pretrained(path, safe_serialization=True)
    shutil.rmtree(tmp_tok, ignore_errors=True)
    if audio:
        file = os.path.join(path, "transformer", "diffusion_pytorch_model.safetensors")
        state = load_file(file)
        state.update({k: v.contiguous() for k, v in release_names(tiny_audio().state_dict()).items()})
        save_file(state, file, metadata={"format": "pt"})
    return path
