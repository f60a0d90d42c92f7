"""Wan-Move: point tracks steer a Wan image-to-video model (issue 57, trajectories).

After the released code, ali-vilab/Wan-Move (Apache-2.0) at commit 27409be:
``wan/modules/trajectory.py`` (``create_pos_feature_map``, ``replace_feature``) and
``wan/wan_move.py`` (``WanMove.generate``). Wan-Move is Wan 2.1 I2V 14B fine-tuned, with no new
module: the motion enters through the image condition ``y`` (the VAE latent of the start image
followed by zero frames, 16 channels after the 4 mask channels). For every track, its cell in the
latent grid is found at each latent frame (pixel frames 0, 4, 8, ...: the VAE's temporal stride,
'sample' strategy; the cell is ``(y // 8, x // 8)``); the first latent frame's feature at the
track's start cell is copied into its cell at every later latent frame. Only the conditional call
sees the edited condition; the unconditional call keeps the plain one (``y_cond`` / ``y_uncond``).

Studio's pipeline is diffusers' ``WanImageToVideoPipeline``, which concatenates one condition for
both calls: a hook on the denoisers (diffusers' ``ModelHook``; the call is told apart by the
pipeline's ``cache_context('cond')``, as context windows tell it) replaces ``y`` in the conditional
call's input by the edited one. Two differences from the reference, both so the same graph gives
the same frames: tracks are written in their own order with the last one winning a shared cell
(the reference shuffles them with an unseeded ``randperm``), and a track not visible in the first
frame carries nothing (the reference reads its start at index -1, the grid's last cell)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ....base.hooks import denoiser_hooks

HOOK = "studio_wan_move"
TEMPORAL, SPATIAL, MASK_CHANNELS = 4, 8, 4


@dataclass
class TrackCells:
    """Each track's latent cell per latent frame: ``cells`` [N, T', 2] (row, column), -1 where the
    track is not visible, not a number or outside the frame; what was left out, counted."""
    cells: np.ndarray
    outside: int = 0  # (track, latent frame) pairs outside the frame or not numbers
    past_end: int = 0  # latent frames past the tracks' last frame
    no_start: int = 0  # tracks not in the first frame: they carry nothing


def track_cells(points: np.ndarray, visible: np.ndarray, src_size: tuple[int, int], out_size: tuple[int, int],
                n_frames: int, temporal: int = TEMPORAL, spatial: int = SPATIAL) -> TrackCells:
    """``points`` [T, N, 2] (x, y in pixels of a ``src_size`` (w, h) frame), ``visible`` [T, N] as cells
    of the latent grid of an ``out_size`` (w, h) clip of ``n_frames`` frames."""
    pts = np.asarray(points, np.float64)
    vis = np.asarray(visible, bool)
    (sw, sh), (w, h) = src_size, out_size
    n_lat = (n_frames - 1) // temporal + 1
    idx = np.arange(n_lat) * temporal
    have = idx < len(pts)
    n = pts.shape[1]
    cells = -np.ones((n, n_lat, 2), np.int64)
    at = pts[idx[have]] * np.array([w / sw, h / sh])  # [T'', N, 2] in the output's pixels
    ok = vis[idx[have]] & np.isfinite(at).all(-1)
    ok &= (at[..., 0] >= 0) & (at[..., 1] >= 0) & (at[..., 0] < w) & (at[..., 1] < h)
    cell = np.floor(np.nan_to_num(at) / spatial).astype(np.int64)[..., ::-1]  # (row, column)
    cell = np.where(ok[..., None], cell, -1)
    cells[:, have] = cell.transpose(1, 0, 2)
    no_start = int((cells[:, 0, 0] < 0).sum()) if n_lat else 0
    return TrackCells(cells, outside=int((~ok).sum()), past_end=int((~have).sum()), no_start=no_start)


def carry_features(y, cells: np.ndarray):
    """``y`` [B, C, T', H', W'] with each track's start feature copied into its cell at every later
    latent frame (a new tensor; ``y`` is left as it is). A cell two tracks reach takes the later track's."""
    import torch
    n, n_lat = cells.shape[:2]
    _, _, t, hh, ww = y.shape
    if n == 0 or t < 2:
        return y.clone()
    lat = min(n_lat, t)
    src, dst = cells[:, :1], cells[:, 1:lat]
    ok = (dst[..., 0] >= 0) & (src[..., 0] >= 0) & (dst[..., 0] < hh) & (dst[..., 1] < ww) \
        & (src[..., 0] < hh) & (src[..., 1] < ww)
    track, k = np.nonzero(ok)  # in track order, then frame
    frame = k + 1
    lin = (frame * hh + dst[track, k, 0]) * ww + dst[track, k, 1]
    _, last = np.unique(lin[::-1], return_index=True)  # the last track to reach a cell wins
    keep = np.sort(len(lin) - 1 - last)
    track, frame, k = track[keep], frame[keep], k[keep]
    out = y.clone()
    dev = y.device

    def ix(a):
        return torch.as_tensor(np.ascontiguousarray(a), device=dev)
    src_vals = y[:, :, 0, ix(src[track, 0, 0]), ix(src[track, 0, 1])]  # [B, C, M]
    out[:, :, ix(frame), ix(dst[track, k, 0]), ix(dst[track, k, 1])] = src_vals
    return out


def takes_tracks(pipe) -> bool:
    """A Wan image-to-video denoiser whose input is [latents, 4 mask channels, image condition] (Wan 2.1
    I2V, Wan-Move, Wan 2.2 A14B I2V); not TI2V-5B (its condition replaces the first latent frame)."""
    tr = getattr(pipe, "transformer", None)
    cfg = getattr(tr, "config", None)
    if cfg is None or getattr(getattr(pipe, "config", None), "expand_timesteps", False):
        return False
    return int(cfg.in_channels) == 2 * int(cfg.out_channels) + MASK_CHANNELS


def _make_hook(edit, latent_channels: int, only: str | None):
    from diffusers.hooks import ModelHook

    from ....base.hooks import call_name, call_tracker, hidden_states_of, with_hidden_states

    class _Condition(ModelHook):
        _is_stateful = True  # so the pipeline's cache_context('cond' / 'uncond') reaches ``where``

        def __init__(self):
            super().__init__()
            self.where = call_tracker()
            self.edited = 0  # calls given the edited condition

        def reset_state(self, module):
            return module

        def new_forward(self, module, *args, **kwargs):
            if only is None or call_name(self.where) == only:
                import torch
                x = hidden_states_of(args, kwargs)
                args, kwargs = with_hidden_states(args, kwargs,
                                                  torch.cat([x[:, :latent_channels], edit(x[:, latent_channels:])], 1))
                self.edited += 1
            return self.fn_ref.original_forward(*args, **kwargs)
    return _Condition()


class condition_edited(denoiser_hooks):
    """A hook on every denoiser of ``pipe`` inside the block (base.hooks: removed however it ends, a
    cached model left as it was) giving the denoiser ``edit(condition)`` in place of the image condition
    it reads after the latents ([4 mask channels, image latent], Wan I2V's layout); on the calls named
    ``only`` ('cond') or on every call (None). ``edited``: the calls that were given it."""

    def __init__(self, pipe, name: str, edit, only: str | None):
        super().__init__(pipe, name, lambda mod: _make_hook(edit, int(mod.config.out_channels), only))

    @property
    def edited(self) -> int:
        return sum(h.edited for h in self.hooks)


class wan_move_applied(condition_edited):
    """The Wan-Move edit on the conditional calls: the image latent's features carried along ``cells``."""

    def __init__(self, pipe, cells: np.ndarray):
        import torch
        super().__init__(pipe, HOOK, lambda c: torch.cat([c[:, :MASK_CHANNELS], carry_features(c[:, MASK_CHANNELS:],
                                                                                            cells)], 1), "cond")
