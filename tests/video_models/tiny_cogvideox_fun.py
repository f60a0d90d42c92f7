"""A tiny random CogVideoX Fun Control folder built from configs (never downloaded): tiny.py's CogVideoX
parts (diffusers' test config) with a transformer reading the noise and the control clip's latents side by
side (8 channels in: twice the VAE's 4), saved as CogVideoXFunControlPipeline."""
from __future__ import annotations

import os


def build_cogvideox_fun_control(path: str, heads: int = 2, layers: int = 1) -> str:
    import shutil

    import torch
    from diffusers import (CogVideoXDDIMScheduler, CogVideoXFunControlPipeline,
                           CogVideoXTransformer3DModel)

    from .tiny import build_tokenizer, tiny_cogvideox_vae, tiny_t5
    torch.manual_seed(0)
    transformer = CogVideoXTransformer3DModel(num_attention_heads=heads, attention_head_dim=16, in_channels=8,
                                              out_channels=4, time_embed_dim=2, text_embed_dim=32, num_layers=layers,
                                              sample_width=2, sample_height=2, sample_frames=9, patch_size=2,
                                              temporal_compression_ratio=4, max_text_seq_length=16,
                                              use_rotary_positional_embeddings=True)
    vae = tiny_cogvideox_vae()
    tmp_tok = os.path.join(path, "_tok")
    tokenizer = build_tokenizer(tmp_tok)
    torch.manual_seed(0)
    CogVideoXFunControlPipeline(tokenizer=tokenizer, text_encoder=tiny_t5(tokenizer), vae=vae,
                                transformer=transformer, scheduler=CogVideoXDDIMScheduler()
                                ).save_pretrained(path, safe_serialization=True)
    shutil.rmtree(tmp_tok, ignore_errors=True)
    return path


def build_cogvideox_fun_inp(path: str, add_noise: bool = True, patch_size_t: int | None = None) -> str:
    """A tiny random CogVideoX-Fun InP folder as VideoX-Fun releases it: diffusers' CogVideoX parts saved as
    CogVideoXPipeline, its transformer reading the noise, the inpaint mask and the masked video's latents (9
    channels in: 2 * the VAE's 4 + 1), its config saying ``add_noise_in_inpaint_model`` as V1.1's does;
    ``patch_size_t`` 2: V1.5's transformer (latent frames in pairs)."""
    import json
    import shutil

    import torch
    from diffusers import (CogVideoXDDIMScheduler, CogVideoXPipeline,
                           CogVideoXTransformer3DModel)

    from .tiny import build_tokenizer, tiny_cogvideox_vae, tiny_t5
    side = 4 if patch_size_t else 2  # (1.5's rotary grid is sliced from the sample size: at least the 32 px latents')
    torch.manual_seed(0)
    transformer = CogVideoXTransformer3DModel(num_attention_heads=2, attention_head_dim=16, in_channels=9,
                                              out_channels=4, time_embed_dim=2, text_embed_dim=32, num_layers=1,
                                              sample_width=side, sample_height=side, sample_frames=9, patch_size=2,
                                              temporal_compression_ratio=4, max_text_seq_length=16,
                                              use_rotary_positional_embeddings=True, patch_size_t=patch_size_t)
    vae = tiny_cogvideox_vae()
    tmp_tok = os.path.join(path, "_tok")
    tokenizer = build_tokenizer(tmp_tok)
    torch.manual_seed(0)
    CogVideoXPipeline(tokenizer=tokenizer, text_encoder=tiny_t5(tokenizer), vae=vae, transformer=transformer,
                      scheduler=CogVideoXDDIMScheduler()).save_pretrained(path, safe_serialization=True)
    shutil.rmtree(tmp_tok, ignore_errors=True)
    cfg_path = os.path.join(path, "transformer", "config.json")
    with open(cfg_path) as f:
        cfg = json.load(f)
    cfg["add_noise_in_inpaint_model"] = add_noise  # VideoX-Fun's own key (diffusers keeps it, unread)
    with open(cfg_path, "w") as f:
        json.dump(cfg, f, indent=1)
    return path
