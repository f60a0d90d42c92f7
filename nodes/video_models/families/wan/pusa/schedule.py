"""Pusa V1's schedule and its per-frame timesteps: plain functions of numbers (torch), after the release,
Yaofang-Liu/Pusa-VidGen at 8a8c4f523a0cadb94ab7c9f1e0620a4847b92991 (Apache-2.0),
``PusaV1/diffsynth/schedulers/flow_match_pusa_v2v.py`` (``FlowMatchSchedulerPusaV2V``) and
``PusaV1/diffsynth/pipelines/wan_video_pusa_multi_frames.py`` (``__call__``'s loop):

- sigmas: ``num_steps`` evenly from 1 to ``SIGMA_MIN``, shifted ``shift s / (1 + (shift - 1) s)``; the
  timesteps are the sigmas x 1000; after the last step the sigma is 0;
- a conditioning frame (a latent frame set to an encoded picture) with noise multiplier ``m`` sees the timestep
  ``t m`` (0: it stays clean, the model told it is clean) and steps from ``sigma m`` to ``sigma_next m``;
- the timesteps given the model are whole numbers (the release casts them to long);
- with ``m > 0`` the frame is noised to ``sigma m`` before the first step (the release's ``flag``): kijai's
  WanVideoWrapper's ``noisy_steps`` noises it so before each of its first steps (the same formula)."""
from __future__ import annotations

import torch

SIGMA_MIN = 0.003 / 1.002  # FlowMatchSchedulerPusaV2V's sigma_min


def sigmas(steps: int, shift: float) -> torch.Tensor:
    """[steps + 1] float64: the steps' sigmas, then 0."""
    s = torch.linspace(1.0, SIGMA_MIN, steps, dtype=torch.float64)
    s = shift * s / (1 + (shift - 1) * s)
    return torch.cat([s, s.new_zeros(1)])


def multipliers(frames: int, conditioned: dict[int, float]) -> torch.Tensor:
    """[frames] float64: each latent frame's noise multiplier: 1 where it is not conditioned (denoised as
    usual), the given one where it is."""
    m = torch.ones(frames, dtype=torch.float64)
    for i, v in conditioned.items():
        m[i] = float(v)
    return m


def frame_timesteps(sigma: float, m: torch.Tensor) -> torch.Tensor:
    """[frames] the model's timestep for each latent frame at a step of ``sigma``: ``sigma x 1000 x m``, cut to a
    whole number as the release's."""
    return torch.floor(sigma * 1000.0 * m)


def step(latents: torch.Tensor, velocity: torch.Tensor, sigma: float, sigma_next: float,
         m: torch.Tensor) -> torch.Tensor:
    """Euler's step of the flow, each latent frame (dim 2) from ``sigma m`` to ``sigma_next m``: a frame whose
    multiplier is 0 is left as it is."""
    d = ((sigma_next - sigma) * m).to(latents.device, torch.float32).view(1, 1, -1, 1, 1)
    return (latents.float() + velocity.float() * d).to(latents.dtype)


def noised(latent: torch.Tensor, noise: torch.Tensor, sigma: float, m: float) -> torch.Tensor:
    """A conditioning frame noised to ``sigma m`` (``add_noise_for_conditioning_frames``)."""
    s = sigma * m
    return ((1 - s) * latent.float() + s * noise.float()).to(latent.dtype)


def latent_index(frame: int, frames: int) -> int:
    """The latent frame holding pixel frame ``frame`` of a take of ``frames`` (Wan's VAE: the first frame alone,
    then 4 a latent frame); -1 and other negatives count from the end."""
    last = (frames - 1) // 4
    if frame < 0:
        return max(0, last + 1 + frame)
    return 0 if frame == 0 else min(last, (frame - 1) // 4 + 1)


def noise_list(text: str) -> list[float]:
    """'0.2, 0.4' -> [0.2, 0.4]: the noise multipliers as a comma list (ValueError naming what is not a number
    or is below 0)."""
    out = []
    for part in str(text).replace(";", ",").split(","):
        part = part.strip().strip("[]").strip()
        if not part:
            continue
        v = float(part)
        if not v >= 0:
            raise ValueError(f"{part!r} is below 0")
        out.append(v)
    return out
