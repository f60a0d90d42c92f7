"""Wan's latent normalisation, as WanPipeline does it: the VAE's ``latents_mean`` / ``latents_std``
([1, C, 1, 1, 1]) subtracted and divided after an encode, multiplied and added before a decode. One
place for the families that encode and decode Wan latents themselves (S2V, SCAIL-2, HuMo, Wan Dancer, Pusa, Phantom,
SteadyDancer), with the 4k + 1 frames a take of them is made as."""
from __future__ import annotations

import torch


def latent_stats(vae, like: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(mean, std) of ``vae``'s latents on ``like``'s device and in its dtype."""
    c = vae.config
    mean = torch.tensor(c.latents_mean).view(1, -1, 1, 1, 1).to(like.device, like.dtype)
    std = torch.tensor(c.latents_std).view(1, -1, 1, 1, 1).to(like.device, like.dtype)
    return mean, std


def normalised(vae, z: torch.Tensor) -> torch.Tensor:
    """The VAE's latents ``z`` (as encoded) as the denoiser's, in ``z``'s dtype."""
    mean, std = latent_stats(vae, z)
    return (z - mean) / std


def denormalised(vae, latents: torch.Tensor) -> torch.Tensor:
    """The denoiser's ``latents`` as the VAE decodes them, in the VAE's dtype."""
    z = latents.to(vae.dtype)
    mean, std = latent_stats(vae, z)
    return z * std + mean


def encoded(vae, pixels: torch.Tensor) -> torch.Tensor:
    """Pixels [B, 3, T, H, W] in [-1, 1] -> the denoiser's latents (the VAE's mean, normalised), in the VAE's
    dtype."""
    from diffusers.pipelines.wan.pipeline_wan_i2v import retrieve_latents
    z = retrieve_latents(vae.encode(pixels.to(vae.device, vae.dtype)), sample_mode="argmax")
    return normalised(vae, z)


def decoded(vae, latents: torch.Tensor) -> torch.Tensor:
    """The denoiser's ``latents`` -> pixels [B, 3, T, H, W] in [-1, 1] (the VAE's decode)."""
    return vae.decode(denormalised(vae, latents), return_dict=False)[0]


def padded_length(frames: int) -> int:
    """``frames`` up to the next 4k + 1 (a latent frame holds 4 pixel frames, the first alone)."""
    return frames + (-(frames - 1)) % 4


def padded(video: torch.Tensor, n: int) -> torch.Tensor:
    """[B, C, T, H, W] with its last frame repeated up to ``n`` frames."""
    short = n - video.shape[2]
    return video if short <= 0 else torch.cat([video, video[:, :, -1:].expand(-1, -1, short, -1, -1)], dim=2)
