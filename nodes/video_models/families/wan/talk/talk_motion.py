"""MultiTalk's windows (MeiGen-AI/MultiTalk@c1ad840, Apache-2.0: ``wan/multitalk.py`` ``generate``, read for its
steps and written here), the InfiniteTalk node's 'method' multitalk. The audio modules are InfiniteTalk's own (the two
releases' ``wan/modules/multitalk_model.py`` differ only by an fp32 autocast of the projection's norm), so the patch
loads the same; what differs is how a window is conditioned:

- the first window is plain image to video from the picture: no latent held (InfiniteTalk holds the picture's);
- a later window's image condition is the last ``motion_frames`` frames of the window before, followed by grey (0 in
  [-1, 1]) to the window's length, VAE-encoded, with the mask over those frames (the release's ``msk``: its first
  frame repeated four times); its CLIP image is the last of them (``clip_context`` of ``cond_image[:, :, -1:]``);
- their latents are written over the window's first latent frames noised to the step's level, ``(1 - s) x0 + s e``
  with fresh noise (the release's ``add_noise`` before the first step and after every step: clean after the last,
  where s is 0), where InfiniteTalk holds them clean.
Torch only where called."""
from __future__ import annotations

import numpy as np

GREY = 0.5  # 0 in the release's [-1, 1]: the frames after the motion frames


def motion_condition(pipe, frames: np.ndarray, win: int):
    """[1, 4 + C, T', h, w]: the mask over the first len(``frames``) of ``win`` frames in latent frames (the first
    frame's value four times, then one a frame, four a latent frame: the release's msk) and the latents of those frames
    followed by grey to ``win`` frames (the encode the release gives the denoiser as its image condition)."""
    import torch
    from ..fun.fun import encode_frames
    m = len(frames)
    pad = np.full((win - m,) + tuple(frames.shape[1:]), GREY, np.float32)
    y = encode_frames(pipe, np.concatenate([np.asarray(frames, np.float32), pad]))
    lat_h, lat_w = y.shape[-2:]
    msk = torch.zeros(1, win, lat_h, lat_w)
    msk[:, :m] = 1
    msk = torch.cat([msk[:, :1].repeat_interleave(4, 1), msk[:, 1:]], 1)
    msk = msk.view(1, msk.shape[1] // 4, 4, lat_h, lat_w).transpose(1, 2)
    return torch.cat([msk.to(y.device, y.dtype), y], 1)


def noised(x0, noise, sigma: float):
    """The release's add_noise for a flow model: ``(1 - sigma) x0 + sigma noise``."""
    return (1.0 - sigma) * x0 + sigma * noise


def current_sigma(scheduler) -> float | None:
    """The noise level of the step the scheduler is at (its sigmas at its step index: 0 before the first step); None
    for a scheduler without them."""
    sigmas = getattr(scheduler, "sigmas", None)
    if sigmas is None:
        return None
    i = getattr(scheduler, "step_index", None)
    i = 0 if i is None else int(i)
    return float(sigmas[min(i, len(sigmas) - 1)])
