"""A tiny Wan S2V as ComfyUI's files (no download): the S2V denoiser in the original layout (built
from a config, names as ComfyUI's file under 'model.diffusion_model.'), and the tiny Wan folder's
UMT5 and VAE files (tiny_parts.py)."""
from __future__ import annotations

import os

S2V = dict(num_attention_heads=2, attention_head_dim=128, text_dim=32, freq_dim=256, ffn_dim=64, num_layers=2,
           audio_dim=32, audio_layers=3, num_audio_token=4, audio_inject_layers=(0, 1), motion_frames=73,
           rope_max_seq_len=1024)


def tiny_s2v(seed: int = 0):
    """The tiny S2V denoiser, random weights of a trained model's scale (none left at zero)."""
    import torch

    from nodes.video_models.families.wan_s2v.model import WanS2VTransformer3DModel
    torch.manual_seed(seed)
    m = WanS2VTransformer3DModel(**S2V)
    with torch.no_grad():
        for p in m.parameters():
            p.add_(torch.randn_like(p) * 0.02)
    return m.eval()


def build_wan_s2v(path: str) -> dict[str, str]:
    """{'denoiser', 'text_encoder', 'vae'} file paths under ``path``."""
    from safetensors.torch import save_file

    from nodes.video_models.families.wan_s2v.convert import original_state

    from . import tiny_parts as tp
    import torch
    from diffusers import AutoencoderKLWan
    folder = tp.build(os.path.join(path, "wan-tiny"))
    torch.manual_seed(0)  # a lighter Wan VAE (one block a level) whose config its shapes tell: S2V decodes every window
    AutoencoderKLWan(base_dim=4, z_dim=16, dim_mult=[1, 2, 4, 4], num_res_blocks=1,
                     temperal_downsample=[False, True, True]).save_pretrained(os.path.join(folder, "vae"))
    files = tp.write_parts(folder, os.path.join(path, "models"))
    os.remove(files["denoiser"])
    files["denoiser"] = os.path.join(path, "models", "wan2.2_s2v_tiny_fp32.safetensors")
    save_file(original_state(tiny_s2v(), "model.diffusion_model."), files["denoiser"])
    return files
