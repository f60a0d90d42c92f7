"""Tiny Wan 2.2 pipelines whose parts can be written as ComfyUI's separate files: the A14B's two
experts (T2V, or I2V with 36 input channels and no CLIP vision, as the released ones) in a
WanPipeline / WanImageToVideoPipeline with ``transformer_2`` and ``boundary_ratio``, saved with
save_pretrained; and the TI2V-5B (a 48-channel denoiser, Wan 2.2's residual VAE with 2x2 pixel
patches, flow shift 5.0, ``expand_timesteps``). The UMT5 text encoder and its sentencepiece
tokenizer are tiny_parts'. Writers of the experts and of the 2.2 VAE in the original layouts."""
from __future__ import annotations

import os
import re

from . import tiny_parts as tp


def expert(seed: int, **over):
    import torch
    from diffusers import WanTransformer3DModel

    from .tiny_formats import WIDE
    torch.manual_seed(seed)
    den = WanTransformer3DModel(**{**WIDE, "text_dim": 32, "rope_max_seq_len": 1024, **over})
    with torch.no_grad():
        for p in den.parameters():
            p.add_(torch.randn_like(p) * 0.02)
    return den


def build_a14b(path: str, i2v: bool = False) -> str:
    """The two-expert folder (seeded experts 0 and 1), tiny_parts' text encoder, VAE and scheduler."""
    import diffusers
    base = tp.build(path + "-base")
    pipe = diffusers.WanPipeline.from_pretrained(base)
    over = {"in_channels": 36} if i2v else {}
    cls = diffusers.WanImageToVideoPipeline if i2v else diffusers.WanPipeline
    cls(tokenizer=pipe.tokenizer, text_encoder=pipe.text_encoder, vae=pipe.vae, scheduler=pipe.scheduler,
        transformer=expert(0, **over), transformer_2=expert(1, **over),
        boundary_ratio=0.9 if i2v else 0.875).save_pretrained(path, safe_serialization=True)
    return path


def write_experts(folder: str, out: str, task: str = "t2v") -> dict[str, str]:
    """The folder's experts as ComfyUI's files in the Wan repository's names (prefixed
    'model.diffusion_model.'), named as ComfyUI's: {'high': path, 'low': path}."""
    from diffusers import WanTransformer3DModel
    from safetensors.torch import save_file

    from .tiny_formats import wan_original_names
    os.makedirs(out, exist_ok=True)
    files = {}
    for role, sub in (("high", "transformer"), ("low", "transformer_2")):
        state = wan_original_names(WanTransformer3DModel.from_pretrained(folder, subfolder=sub).state_dict())
        files[role] = os.path.join(out, f"wan2.2_{task}_{role}_noise_14B_tiny_fp32.safetensors")
        save_file({"model.diffusion_model." + k: v.contiguous() for k, v in state.items()}, files[role])
    return files


def vae22(base_dim: int = 4):
    """A Wan 2.2 VAE at a tiny width: the real structure (residual blocks, 48 latent channels, 2x2
    pixel patches, a decoder wider than the encoder), random weights."""
    import torch
    from diffusers import AutoencoderKLWan

    from nodes.video_models.families.wan.part_configs import WAN22_LATENTS_MEAN, WAN22_LATENTS_STD
    torch.manual_seed(0)
    vae = AutoencoderKLWan(base_dim=base_dim, decoder_base_dim=base_dim * 2, z_dim=48, dim_mult=[1, 2, 4, 4],
                           num_res_blocks=2, temperal_downsample=[False, True, True], is_residual=True,
                           in_channels=12, out_channels=12, patch_size=2, scale_factor_temporal=4,
                           scale_factor_spatial=16, latents_mean=WAN22_LATENTS_MEAN, latents_std=WAN22_LATENTS_STD)
    with torch.no_grad():
        for p in vae.parameters():
            p.add_(torch.randn_like(p) * 0.02)
    return vae


def build_ti2v(path: str) -> str:
    """The tiny TI2V-5B folder: a 48-channel denoiser, the 2.2 VAE, flow shift 5.0, expand_timesteps."""
    import diffusers

    from nodes.video_models.families.wan.part_configs import TI2V_FLOW_SHIFT, WAN_SCHEDULER
    base = tp.build(path + "-base")
    pipe = diffusers.WanPipeline.from_pretrained(base)
    sched = diffusers.UniPCMultistepScheduler.from_config({**WAN_SCHEDULER, "flow_shift": TI2V_FLOW_SHIFT})
    diffusers.WanPipeline(tokenizer=pipe.tokenizer, text_encoder=pipe.text_encoder, vae=vae22(), scheduler=sched,
                          transformer=expert(0, in_channels=48, out_channels=48),
                          expand_timesteps=True).save_pretrained(path, safe_serialization=True)
    return path


_RES = {"norm1.gamma": "residual.0.gamma", "conv1.": "residual.2.", "norm2.gamma": "residual.3.gamma",
        "conv2.": "residual.6.", "conv_shortcut.": "shortcut."}


def _res(rest: str) -> str:
    for a, b in _RES.items():
        if rest.startswith(a):
            return b + rest[len(a):]
    return rest


def vae22_original_names(state: dict, num_res_blocks: int = 2) -> dict:
    """A diffusers Wan 2.2 VAE's state under the Wan 2.2 repository's names (ComfyUI's
    wan2.2_vae.safetensors): the inverse of diffusers' conversion script's convert_vae_22."""
    out = {}
    for k, v in state.items():
        n = k
        if m := re.fullmatch(r"(post_)?quant_conv\.(.*)", n):
            n = f"conv{2 if m[1] else 1}.{m[2]}"
        elif m := re.fullmatch(r"(encoder|decoder)\.conv_in\.(.*)", n):
            n = f"{m[1]}.conv1.{m[2]}"
        elif m := re.fullmatch(r"(encoder|decoder)\.norm_out\.(.*)", n):
            n = f"{m[1]}.head.0.{m[2]}"
        elif m := re.fullmatch(r"(encoder|decoder)\.conv_out\.(.*)", n):
            n = f"{m[1]}.head.2.{m[2]}"
        elif m := re.fullmatch(r"(encoder|decoder)\.mid_block\.attentions\.0\.(.*)", n):
            n = f"{m[1]}.middle.1.{m[2]}"
        elif m := re.fullmatch(r"(encoder|decoder)\.mid_block\.resnets\.(\d+)\.(.*)", n):
            n = f"{m[1]}.middle.{2 * int(m[2])}.{_res(m[3])}"
        elif m := re.fullmatch(r"encoder\.down_blocks\.(\d+)\.resnets\.(\d+)\.(.*)", n):
            n = f"encoder.downsamples.{m[1]}.downsamples.{m[2]}.{_res(m[3])}"
        elif m := re.fullmatch(r"encoder\.down_blocks\.(\d+)\.downsampler\.(.*)", n):
            n = f"encoder.downsamples.{m[1]}.downsamples.{num_res_blocks}.{m[2]}"
        elif m := re.fullmatch(r"decoder\.up_blocks\.(\d+)\.resnets\.(\d+)\.(.*)", n):
            n = f"decoder.upsamples.{m[1]}.upsamples.{m[2]}.{_res(m[3])}"
        elif m := re.fullmatch(r"decoder\.up_blocks\.(\d+)\.upsampler\.(.*)", n):
            n = f"decoder.upsamples.{m[1]}.upsamples.{num_res_blocks + 1}.{m[2]}"
        else:
            raise AssertionError(f"no original name for {k}")
        out[n] = v
    return out
