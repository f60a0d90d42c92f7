"""SeedVR2's one-step restoration of one chunk of frames, as the release's inference script runs it
(ByteDance-Seed/SeedVR, Apache-2.0, commit 673b563: ``projects/inference_seedvr2_3b.py``
generation_loop / generation_step, ``projects/video_diffusion_sr/infer.py`` get_condition /
timestep_transform / inference, ``common/diffusion/`` lerp schedule, uniform trailing timesteps and
the Euler sampler's endpoint with v_lerp prediction, ``configs_3b/main.yaml`` diffusion):

1. the frames resized to the target area (bicubic, antialiased), clamped, centre-cropped to a
   multiple of 16, mapped to [-1, 1]; the chunk padded with its last frame to 4k + 1 frames;
2. the VAE's latent (already scaled); the condition is [latent (noised at the condition's noise
   scale 0, so unchanged), 1]; the noise x_T drawn from the seed;
3. one step: the sampling timesteps for one step are [T] = [1000] (trailing; the resolution shift
   leaves T at T), the DiT called on [x_T, condition] with the positive text embedding only (cfg 1:
   the negative is never run), x_0 = (x_t - B(t) v) / (A(t) + B(t)) = x_T - v;
4. decoded, cut back to the chunk's frames, the colour fixed against the resized input (color_fix.py),
   clipped to [-1, 1] and mapped to [0, 1].

Temporal windows (``chunks`` / ``blend_weights``): a long clip is cut into chunks of ``window``
frames that overlap by ``overlap`` frames; each chunk is restored alone and the overlapping frames
cross-faded linearly, so memory is bounded by one chunk."""
from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F

from . import color_fix

T_MAX = 1000.0
COND_NOISE_SCALE = 0.0  # inference_seedvr2_3b.py generation_step


def timestep_shift(t: torch.Tensor, latent_shape, T: float = T_MAX) -> torch.Tensor:
    """infer.py timestep_transform: the SD3 shift t' = s t / (1 + (s - 1) t) (t in [0, 1]) with s
    linear in the pixel count: 1.0 at 256^2 x 37 frames, 5.0 at 1280 x 720 x 145 (video); 1.0 at
    256^2, 3.2 at 1024^2 (one frame). ``latent_shape``: (t, h, w) of the latent."""
    lt, lh, lw = latent_shape
    frames, pixels = (lt - 1) * 4 + 1, (lh * 8) * (lw * 8)
    if frames > 1:
        x1, y1, x2, y2 = 256 * 256 * 37, 1.0, 1280 * 720 * 145, 5.0
        x = pixels * frames
    else:
        x1, y1, x2, y2 = 256 * 256, 1.0, 1024 * 1024, 3.2
        x = pixels
    s = (y2 - y1) / (x2 - x1) * x + (y1 - (y2 - y1) / (x2 - x1) * x1)
    u = t / T
    return s * u / (1 + (s - 1) * u) * T


def sampling_timesteps(steps: int, T: float = T_MAX) -> torch.Tensor:
    """UniformTrailingSamplingTimesteps (shift 1, float T): arange(1, 0, -1/steps) * T."""
    return torch.arange(1.0, 0.0, -1.0 / steps) * T


def one_step(dit, noise: torch.Tensor, latent: torch.Tensor, txt: torch.Tensor, aug_noise=None) -> torch.Tensor:
    """x_0 from x_T = ``noise`` [t, h, w, 16] given the chunk's ``latent`` [t, h, w, 16]."""
    t = sampling_timesteps(1)[0]
    tc = timestep_shift(torch.tensor(T_MAX * COND_NOISE_SCALE), latent.shape[:3])
    blur = latent if aug_noise is None else (1 - tc / T_MAX) * latent + (tc / T_MAX) * aug_noise
    cond = torch.cat([blur, torch.ones_like(latent[..., :1])], dim=-1)
    v = dit(torch.cat([noise, cond], dim=-1), txt, float(t))
    a, b = 1 - t / T_MAX, t / T_MAX
    return (noise - b * v) / (a + b)


def work_size(width: int, height: int, out_w: int, out_h: int) -> tuple[int, int, int, int]:
    """(resize w, resize h, crop w, crop h): the reference's area resize to out_w * out_h (the
    aspect kept), then the centre crop to multiples of 16."""
    scale = math.sqrt(out_w * out_h / (width * height))
    rw, rh = round(width * scale), round(height * scale)
    return rw, rh, rw - rw % 16, rh - rh % 16


def prepare(frames: np.ndarray, size, device, dtype) -> torch.Tensor:
    """frames [N, H, W, 3] in [0, 1] -> [3, N, ch, cw] in [-1, 1] (area resize, clamp, crop, normalise)."""
    rw, rh, cw, ch = size
    x = torch.from_numpy(np.array(frames[..., :3], np.float32)).to(device).permute(0, 3, 1, 2)  # a copy: read-only frames
    if (rh, rw) != tuple(x.shape[-2:]):
        x = F.interpolate(x, size=(rh, rw), mode="bicubic", antialias=True, align_corners=False)
    x = x.clamp(0, 1)
    top, left = int(round((rh - ch) / 2.0)), int(round((rw - cw) / 2.0))  # torchvision center_crop
    x = x[..., top:top + ch, left:left + cw]
    return (x * 2 - 1).permute(1, 0, 2, 3).to(dtype)


def pad_4k1(video: torch.Tensor) -> torch.Tensor:
    """cut_videos (sp_size 1): [C, N, H, W] padded with its last frame to 4k + 1 frames (at least 5
    when N > 1)."""
    n = video.shape[1]
    if n == 1:
        return video
    want = 5 if n <= 4 else n + (-(n - 1)) % 4
    return torch.cat([video] + [video[:, -1:]] * (want - n), dim=1)


def restore(dit, vae, frames: np.ndarray, size, txt: torch.Tensor, generator: torch.Generator,
            fix: str, device, dtype, check=lambda: None, tile: int = 0, overlap: int = 64) -> np.ndarray:
    """One chunk: frames [N, H, W, 3] in [0, 1] -> [N, ch, cw, 3] float32 in [0, 1]. ``tile`` /
    ``overlap``: the VAE's spatial tiles in pixels (0: whole frames)."""
    with torch.inference_mode():
        x = prepare(frames, size, device, dtype)
        n = x.shape[1]
        latent = vae.encode(pad_4k1(x)[None], generator=generator, tile=tile, overlap=overlap)[0]  # scaled
        check()
        latent = latent.permute(1, 2, 3, 0).to(dtype)
        noise = torch.randn(latent.shape, generator=generator, dtype=torch.float32).to(device, dtype)
        x0 = one_step(dit, noise, latent, txt.to(device, dtype))
        check()
        sample = vae.decode(x0.permute(3, 0, 1, 2)[None], tile=tile, overlap=overlap)[0][:, :n]  # [3, n, ch, cw]
        sample = sample.permute(1, 0, 2, 3).float()
        sample = color_fix.apply(fix, sample, x.permute(1, 0, 2, 3).float())
        out = sample.clamp(-1, 1).mul(0.5).add(0.5)
        return out.permute(0, 2, 3, 1).cpu().numpy()


def chunks(n: int, window: int, overlap: int) -> list[tuple[int, int]]:
    """[(start, end)] covering 0..n: chunks of ``window`` frames, each starting ``window - overlap``
    after the one before; the last one ends at n (shortened, never started past the end)."""
    if n <= window:
        return [(0, n)]
    step = max(1, window - overlap)
    out, s = [], 0
    while True:
        e = min(n, s + window)
        out.append((s, e))
        if e >= n:
            return out
        s += step


def blend_weights(prev: tuple[int, int], cur: tuple[int, int]) -> np.ndarray:
    """The weights of chunk ``cur`` on the frames it shares with ``prev`` (a linear cross-fade:
    1/(k+1) .. k/(k+1) over k shared frames); the previous chunk's are 1 minus these."""
    k = max(0, prev[1] - cur[0])
    return np.arange(1, k + 1, dtype=np.float32) / (k + 1)
