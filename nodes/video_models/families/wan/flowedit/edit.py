"""FlowEdit (Kulikov, Kleiner, Huberman-Spiegelglas, Michaeli, "FlowEdit: Inversion-Free Text-Based Editing Using
Pre-Trained Flow Models", 2024): plain functions of tensors, the denoiser given as a function.

After the authors' code, fallenshock/FlowEdit at 457f40239845d41391ef04d294bb0f1c02525fcf (MIT),
``FlowEdit_utils.py`` (``FlowEditSD3`` / ``FlowEditFLUX``), read for its method and written anew here:

- the edit path starts at the source's clean latents, ``z_edit = x_src``, and skips the schedule's first steps
  (the paper's ``n_max``: steps ``T - n_max`` are skipped; kijai's WanVideoWrapper calls them ``skip_steps``);
- each step ``i`` of sigma ``t_i`` draws fresh noise ``e``, noises the source ``z_src = (1 - t_i) x_src + t_i e``,
  moves it by the edit so far ``z_tar = z_edit + z_src - x_src``, and takes one Euler step of the difference of
  the two guided velocities: ``z_edit += (t_{i+1} - t_i) (v(z_tar, target) - v(z_src, source))``; with ``n_avg``
  draws the difference is their mean;
- the last ``n_min`` steps (the wrapper's ``drift_steps``) sample the target alone: at the first of them the edit is
  noised as above (``x_tar = z_edit + z_src - x_src``) and then stepped by ``v(x_tar, target)``.

With the target prompt and guidance the source's, ``v(z_tar) - v(z_src)`` is 0 at the first step
(``z_tar = z_src``), and so at every step: the source comes back unchanged. The step is the paper's Euler step on
the schedule's sigmas (the last step lands on sigma 0); the noise is drawn by ``noise(i)``, on the device the
latents are on, so nothing here waits for the device between steps."""
from __future__ import annotations

from typing import Callable

import torch

SOURCE, TARGET = "source", "target"


def sigmas(steps: int, shift: float) -> torch.Tensor:
    """[steps + 1] float64: ``steps`` sigmas evenly from 1 (``1 - k / steps``), shifted
    ``shift s / (1 + (shift - 1) s)``, then 0 (Wan's flow schedule, as the wrapper's ``get_sampling_sigmas``)."""
    s = torch.linspace(1.0, 0.0, steps + 1, dtype=torch.float64)[:steps]
    s = shift * s / (1 + (shift - 1) * s)
    return torch.cat([s, s.new_zeros(1)])


def with_drift(sig: torch.Tensor, drift_steps: int, drift_shift: float) -> torch.Tensor:
    """``sig`` with the sigmas of its last ``drift_steps`` steps taken from the same number of steps at
    ``drift_shift`` (the wrapper's drift timesteps: the target sampled alone at a schedule of its own); 0 last."""
    out = sig.clone()
    d = max(0, min(int(drift_steps), len(sig) - 1))
    if d:
        out[-d - 1:-1] = sigmas(len(sig) - 1, drift_shift)[-d - 1:-1]
    return out


def flow_edit(x_src: torch.Tensor, sig: torch.Tensor, skip: int, drift: int,
              velocity: Callable[[torch.Tensor, int, str], torch.Tensor], noise: Callable[[int], torch.Tensor],
              n_avg: int = 1, step_done: Callable[[int, torch.Tensor], torch.Tensor] | None = None) -> torch.Tensor:
    """The edited latents (float32) of the source latents ``x_src`` on the schedule ``sig`` ([steps + 1], sigma 0
    last): steps before ``skip`` skipped, the last ``drift`` sampling the target alone (the module docstring).
    ``velocity(z, i, SOURCE | TARGET)`` is the guided velocity at step ``i``; ``noise(i)`` a fresh noise like
    ``x_src``; ``step_done(i, latents)`` after each step, which may return them changed."""
    n = len(sig) - 1
    x_src = x_src.float()
    values = [float(v) for v in sig]  # a host tensor: no device is waited for
    z_edit, x_tar = x_src.clone(), None
    for i in range(max(0, int(skip)), n):
        t, t_next = values[i], values[i + 1]
        if i < n - drift:
            delta = torch.zeros_like(x_src)
            for _ in range(max(1, int(n_avg))):
                z_src = (1.0 - t) * x_src + t * noise(i).float()
                z_tar = z_edit + z_src - x_src
                delta += (velocity(z_tar, i, TARGET).float() - velocity(z_src, i, SOURCE).float()) / max(1, int(n_avg))
            z_edit = z_edit + (t_next - t) * delta
            now = z_edit
        else:
            if x_tar is None:  # the first target-only step: the edit noised to this sigma
                x_tar = z_edit + (1.0 - t) * x_src + t * noise(i).float() - x_src
            x_tar = x_tar + (t_next - t) * velocity(x_tar, i, TARGET).float()
            now = x_tar
        if step_done is not None:
            got = step_done(i, now)
            if got is not None and got is not now:
                if x_tar is None:
                    z_edit = got.float()
                else:
                    x_tar = got.float()
    return z_edit if x_tar is None else x_tar
