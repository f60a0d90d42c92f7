"""ATI (Any Trajectory Instruction): point tracks steer a Wan image-to-video model (issue 57).

After the released code, bytedance/ATI (Apache-2.0) at commit 168b443: ``wan/modules/motion_patch.py``
(``patch_motion``, ``merge_final``), ``wan/utils/motion.py`` (``process_tracks``: positions centred and
divided by half the short edge) and ``wan/image2video.py`` (``WanI2V.generate``: the patched condition
is given to the conditional and the unconditional call alike). ATI is Wan 2.1 I2V 14B fine-tuned, with
no new module: the motion enters through the image condition (4 mask channels, then the VAE latent of
the start image followed by zero frames). Each track's feature is the first latent frame sampled at its
start (bilinear, ``grid_sample``). At every later latent frame ``j`` the track's position is the mean
of its visible positions over pixel frames ``4(j-1)+1 .. 4j``; every latent cell weighs each track by
``exp(-d^2 * temperature)`` (``d`` in the reference's units: the short edge spans 2, cells on a
``linspace`` from edge to edge), zero when the track is hidden over those four frames, and keeps the
``topk`` heaviest. The cell's image latent becomes ``sum(w * feature) + latent * (1 - clamp(sum(w), 0, 1))``
and its mask channels ``sum(w)`` (the first frame's mask stays 1).

Differences from the reference, said on the node: a track not visible (or not a number) in the first
frame carries nothing (the reference samples wherever its padding puts it), and positions that are not
numbers count as hidden. Positions outside the frame are kept as the reference keeps them: they weigh
only the cells near the edge (the Gaussian's tail), and a start outside samples the edge (clamped)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .move import MASK_CHANNELS, TEMPORAL, condition_edited

HOOK = "studio_wan_ati"
TEMPERATURE, TOPK = 220.0, 2  # patch_motion's defaults
CHUNK = 1 << 24  # distances computed at once (cells x tracks), bounding the memory of many tracks


@dataclass
class AtiTracks:
    """Tracks in the reference's units over a take: ``pos`` [F, N, 2] (x, y; the frame's centre 0, its
    short edge spanning 2), ``vis`` [F, N] 0 / 1, F = 4 (T' - 1) + 1 pixel frames; what was set aside, counted."""
    pos: np.ndarray
    vis: np.ndarray
    outside: int = 0  # visible positions outside the frame (kept, as the reference keeps them)
    not_numbers: int = 0  # positions that are not numbers: hidden
    past_end: int = 0  # pixel frames of the take past the tracks' last frame: hidden
    no_start: int = 0  # tracks not in the first frame: they carry nothing


def ati_tracks(points: np.ndarray, visible: np.ndarray, src_size: tuple[int, int], out_size: tuple[int, int],
               n_frames: int, temporal: int = TEMPORAL) -> AtiTracks:
    """``points`` [T, N, 2] (x, y in pixels of a ``src_size`` (w, h) frame), ``visible`` [T, N], for an
    ``out_size`` (w, h) take of ``n_frames`` frames (pixel frame ``t`` of the tracks is frame ``t`` of the take)."""
    pts = np.asarray(points, np.float64)
    (sw, sh), (w, h) = src_size, out_size
    frames = (max(n_frames, 1) - 1) // temporal * temporal + 1
    have = min(frames, len(pts))
    n = pts.shape[1]
    pos = np.zeros((frames, n, 2), np.float64)
    vis = np.zeros((frames, n), bool)
    at = pts[:have] * np.array([w / sw, h / sh])
    finite = np.isfinite(at).all(-1)
    vis[:have] = np.asarray(visible, bool)[:have] & finite
    pos[:have] = np.where(finite[..., None], at, 0.0)
    inside = (pos[..., 0] >= 0) & (pos[..., 1] >= 0) & (pos[..., 0] <= w) & (pos[..., 1] <= h)
    outside = int((vis & ~inside).sum())
    no_start = ~vis[0] if frames else np.zeros(n, bool)
    vis[:, no_start] = False
    pos = (pos - np.array([w, h]) / 2) / min(w, h) * 2  # process_tracks
    return AtiTracks(pos.astype(np.float32), vis.astype(np.float32), outside=outside,
                     not_numbers=int((~finite).sum()), past_end=frames - have, no_start=int(no_start.sum()))


def _start_features(y0, start, ratio):
    """[B, N, C]: the first latent frame ``y0`` [B, C, H, W] sampled at each track's start."""
    import torch.nn.functional as F
    grid = (start / ratio).clamp(-1, 1)[None, None].expand(y0.shape[0], -1, -1, -1)  # [B, 1, N, 2]
    return F.grid_sample(y0, grid, mode="bilinear", padding_mode="zeros", align_corners=False)[:, :, 0].transpose(1, 2)


def _weights(at, held, grid, temperature: float, topk: int):
    """The ``topk`` heaviest tracks of every cell: weights and indices [T, H, W, k] for positions ``at``
    [T, N, 2] held ``held`` [T, N] (1 where the track shows in the four frames), ``grid`` [H, W, 2]."""
    import torch
    k = min(topk, at.shape[1])
    hh, ww = grid.shape[:2]
    step = max(1, CHUNK // max(1, hh * ww * at.shape[1]))
    ws, ix = [], []
    for s in range(0, at.shape[0], step):
        d = (at[s:s + step, None, None] - grid[None, :, :, None]).pow(2).sum(-1)  # [t, H, W, N]
        w = torch.exp(-d * temperature) * held[s:s + step, None, None]
        top = torch.topk(w, k, dim=-1)
        ws.append(top.values)
        ix.append(top.indices)
    return torch.cat(ws), torch.cat(ix)


def ati_condition(cond, tracks: AtiTracks, temperature: float = TEMPERATURE, topk: int = TOPK,
                  mask_channels: int = MASK_CHANNELS):
    """``cond`` [B, mask + C, T', H', W'] (Wan I2V's image condition) with ATI's track features mixed
    in and its mask channels the tracks' weights (a new tensor, in float32 then ``cond``'s dtype)."""
    import torch
    b, _, t, hh, ww = cond.shape
    n = tracks.pos.shape[1]
    if n == 0 or t < 2:
        return cond.clone()
    dev = cond.device
    frames = TEMPORAL * (t - 1) + 1
    pos = torch.zeros(frames, n, 2, device=dev)
    vis = torch.zeros(frames, n, device=dev)
    m = min(frames, len(tracks.pos))
    pos[:m] = torch.as_tensor(tracks.pos[:m], device=dev)
    vis[:m] = torch.as_tensor(tracks.vis[:m], device=dev)
    y = cond[:, mask_channels:].float()
    s = min(hh, ww)
    ratio = torch.tensor([ww / s, hh / s], device=dev)
    feats = _start_features(y[:, :, 0], pos[0], ratio)  # [B, N, C]
    vpad = vis[1:].view(t - 1, TEMPORAL, n)
    seen = vpad.sum(1)
    at = (pos[1:] * vis[1:, :, None]).view(t - 1, TEMPORAL, n, 2).sum(1) / (seen[..., None] + 1e-5)
    gy, gx = torch.meshgrid(torch.linspace(-hh / s, hh / s, hh, device=dev),
                            torch.linspace(-ww / s, ww / s, ww, device=dev), indexing="ij")
    w, ix = _weights(at, seen.clamp(0, 1), torch.stack([gx, gy], -1), float(temperature), int(topk))
    mixed = (feats[:, ix] * w[None, ..., None]).sum(-2).permute(0, 4, 1, 2, 3)  # [B, C, T'-1, H, W]
    total = w.sum(-1)  # [T'-1, H, W]
    later = mixed + y[:, :, 1:] * (1 - total.clamp(0, 1))
    mask = torch.cat([torch.ones_like(total[:1]), total])[None, None].expand(b, mask_channels, -1, -1, -1)
    return torch.cat([mask, torch.cat([y[:, :, :1], later], 2)], 1).to(cond.dtype)


class ati_applied(condition_edited):
    """The ATI edit on every denoiser call (conditional and unconditional, as the reference gives both
    the patched condition); the edited condition is kept while the call's condition stays the same."""

    def __init__(self, pipe, tracks: AtiTracks, temperature: float = TEMPERATURE, topk: int = TOPK):
        import torch
        last: list = []

        def edit(c):
            if last and last[0].shape == c.shape and last[0].device == c.device and torch.equal(last[0], c):
                return last[1]
            out = ati_condition(c, tracks, temperature, topk)
            last[:] = [c.detach().clone(), out]
            return out
        super().__init__(pipe, HOOK, edit, None)
