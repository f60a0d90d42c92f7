"""Live previews: a cheap linear latent -> RGB projection, as ComfyUI's latent previews do.

ComfyUI ships hand-fitted factor tables per family. Here the factors are fitted once per loaded
model from its own VAE (encode a small colour chart, least squares from latent channels to the
chart's colours), so every family and every fine-tune gets a projection with no table to keep
up to date. Fitting costs one VAE encode of a 128x128 still; a preview then costs one small matmul."""
from __future__ import annotations

import numpy as np

from ..base.capabilities import PreviewLayout
from ..base.family import Family


def colour_chart(size: int = 128) -> np.ndarray:
    """HxWx3 in [0, 1]: a grid of saturated and grey patches."""
    cols = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [0, 1, 1], [1, 0, 1], [1, 1, 1], [0, 0, 0],
                     [.5, .5, .5], [1, .5, 0], [0, .5, 1], [.5, 0, 1], [.25, .25, .25], [.75, .75, .75],
                     [.5, 1, .5], [1, .5, .5]], np.float32)
    g = 4
    idx = np.arange(g * g).reshape(g, g)
    chart = cols[idx]  # [g, g, 3]
    return np.repeat(np.repeat(chart, size // g, 0), size // g, 1)


def normalise(fam: Family, vae, z):
    """The VAE's raw latents [B, C, ...] in the space the sampler works in."""
    import torch
    cfg = vae.config
    if fam.scale_attr == "latents_std" and getattr(cfg, "latents_mean", None) is not None:
        shape = (1, -1) + (1,) * (z.ndim - 2)
        mean = torch.tensor(cfg.latents_mean, dtype=z.dtype).view(shape)
        std = torch.tensor(cfg.latents_std, dtype=z.dtype).view(shape)
        layout = fam.capability(PreviewLayout)
        sf = float(getattr(cfg, "scaling_factor", 1.0) or 1.0) if layout is not None and layout.scaling else 1.0
        return (z - mean) * sf / std
    return z * float(getattr(cfg, "scaling_factor", 1.0) or 1.0)


def fit_projection(pipe, fam: Family) -> np.ndarray | None:
    """[C + 1, 3]: latent channels (and a bias) -> RGB, fitted on the model's own VAE; None when
    no linear map explains the chart's colours (then previews stretch the first channels)."""
    import torch
    vae = pipe.vae
    chart = colour_chart()
    x = torch.from_numpy(chart).permute(2, 0, 1)[None] * 2 - 1  # [1, 3, H, W] in [-1, 1]
    layout = fam.capability(PreviewLayout)
    if layout is not None and layout.video_vae:  # the family's word (its PreviewLayout)
        x = x[:, :, None]  # [1, 3, 1, H, W]
    p = next(vae.parameters())
    with torch.no_grad():
        out = vae.encode(x.to(p.device, p.dtype))
        dist = out.latent_dist if hasattr(out, "latent_dist") else out[0]
        z = dist.mode() if hasattr(dist, "mode") else dist
        z = normalise(fam, vae, z.float().cpu())
    if z.ndim == 5:
        z = z[:, :, 0]
    c, h, w = z.shape[1:]
    target = torch.nn.functional.adaptive_avg_pool2d(torch.from_numpy(chart).permute(2, 0, 1)[None], (h, w))
    a = torch.cat([z[0].reshape(c, -1).T, torch.ones(h * w, 1)], 1).double()  # [N, C+1]
    b = target[0].reshape(3, -1).T.double()  # [N, 3]
    ata = a.T @ a
    lam = 1e-3 * float(ata.diagonal().mean()) * torch.eye(c + 1, dtype=torch.float64)  # ridge: N < C is fine
    wts = torch.linalg.solve(ata + lam, a.T @ b)
    r2 = 1 - float(((a @ wts - b) ** 2).sum() / ((b - b.mean(0)) ** 2).sum())
    if r2 < 0.5:  # this VAE's latents do not map linearly to colour (an untrained VAE): no projection
        return None
    return wts.float().numpy()


def middle_frame(fam: Family, latents, shape: tuple[int, int, int] | None = None):
    """[C, H, W] of the middle latent frame of the first sample, on the latents' device (a small
    slice: only it is copied to the host), whatever the family's layout. ``shape``: (T, H, W) of
    the latent grid, needed to unpack LTX's token sequence. None when the layout does not fit."""
    if latents.ndim == 4 and fam.latent_layout != "packed":  # frames as a batch ([T, C, H, W]): the scheduler's
        return latents[latents.shape[0] // 2].detach()       # sample of ModelScope's, I2VGen-XL's (call_adapters.py)
    x = latents[0].detach()
    if fam.latent_layout == "BTCHW":
        return x[x.shape[0] // 2]
    if fam.latent_layout == "BTHWC":  # channels last (Kandinsky 5)
        return x[x.shape[0] // 2].permute(2, 0, 1)
    if fam.latent_layout == "packed":
        if shape is None:
            return None
        t, h, w = shape
        if x.shape[0] < t * h * w:
            return None
        # the take's tokens first: LTX-2's in-context pipelines (HDR, IC-LoRA) append the reference's after them
        return x[:t * h * w].reshape(t, h, w, -1)[t // 2].permute(2, 0, 1)
    return x[:, x.shape[1] // 2]  # [C, T, H, W]


class Previewer:
    """latents -> a small HxWx3 float32 preview: the middle latent frame through the projection."""

    def __init__(self, fam: Family, weights: np.ndarray | None, grid: tuple[int, int, int] | None = None,
                 min_size: int = 128):
        self.fam, self.w, self.grid, self.min_size = fam, weights, grid, min_size

    def __call__(self, latents) -> np.ndarray | None:
        f = middle_frame(self.fam, latents, self.grid)
        return None if f is None else self.image(f.float().cpu().numpy())

    def image(self, f: np.ndarray) -> np.ndarray:
        """[C, H, W] float32 on the host -> HxWx3 float32 in [0, 1]."""
        c, h, w = f.shape
        flat = f.reshape(c, -1).T
        if self.w is not None and self.w.shape[0] == c + 1:
            rgb = flat @ self.w[:c] + self.w[c]
        else:  # no fit: the first three channels, each stretched to [0, 1]
            rgb = flat[:, :3] if c >= 3 else np.repeat(flat[:, :1], 3, 1)
            lo, hi = rgb.min(0), rgb.max(0)
            rgb = (rgb - lo) / np.maximum(hi - lo, 1e-6)
        img = np.clip(rgb.reshape(h, w, 3), 0, 1).astype(np.float32)
        k = max(1, int(np.ceil(self.min_size / max(h, w))))
        return np.ascontiguousarray(np.repeat(np.repeat(img, k, 0), k, 1)) if k > 1 else img


class PreviewStream:
    """Previews with no host sync on a GPU: the middle latent frame is sliced on the device and
    copied to pinned host memory without blocking (``submit``); it becomes an image at a later
    step, once a CUDA event says the copy has landed (``ready``). The sampler never waits for the
    GPU, so previews cost the direct call nothing. On the CPU the copy is the image at once."""

    def __init__(self, previewer: Previewer):
        self.p = previewer
        self._pending = None  # (host tensor, event, scale)

    def submit(self, latents, scale: float = 1.0) -> np.ndarray | None:
        """Start a preview of ``latents``; on the CPU, return it now."""
        import torch
        f = middle_frame(self.p.fam, latents, self.p.grid)
        if f is None:
            return None
        if f.device.type != "cuda":
            return self.p.image(f.float().cpu().numpy() * np.float32(scale))
        if self._pending is not None and not self._pending[1].query():
            return None  # the last copy has not landed yet: skip this one rather than wait
        host = torch.empty(f.shape, dtype=f.dtype, pin_memory=True)
        host.copy_(f, non_blocking=True)
        ev = torch.cuda.Event()
        ev.record()
        self._pending = (host, ev, scale)
        return None

    def ready(self, wait: bool = False) -> np.ndarray | None:
        """The preview whose copy has landed (``wait``: wait for it: the last step), else None."""
        if self._pending is None:
            return None
        host, ev, scale = self._pending
        if not wait and not ev.query():
            return None
        ev.synchronize()
        self._pending = None
        return self.p.image(host.float().numpy() * np.float32(scale))


PREVIEW_INTERVAL = 0.4  # seconds between preview images (progress events are throttled by the context)


def unit_scale(pipe) -> float:
    """1 / sqrt(sigma^2 + 1) for a sigma-scaled (Karras/EDM) sampler, as the model sees its
    latents (early previews are then noise of unit size, not saturated colour), else 1. Read
    only from a schedule kept on the host (no device read)."""
    sched = getattr(pipe, "scheduler", None)
    i, sigmas = getattr(sched, "step_index", None), getattr(sched, "sigmas", None)
    if i is None or sigmas is None or i >= len(sigmas) or getattr(sigmas, "device", None) is None \
            or sigmas.device.type != "cpu":
        return 1.0
    sigma = float(sigmas[i])
    return 1.0 / (sigma * sigma + 1) ** 0.5 if sigma > 1 else 1.0


def previewer_for(ref, pipe, frames: int, height: int, width: int) -> Previewer:
    """The previewer of one call of ``pipe`` (``ref``'s model) making ``frames`` frames of ``width`` x ``height``:
    its projection fitted once per loaded model (kept in ``ref.shared``), its latent grid from the VAE's factors."""
    if not ref.shared.preview_fitted:
        try:
            ref.shared.preview_w = fit_projection(pipe, ref.fam)
        except Exception:  # noqa: BLE001 - a preview must never fail a run: fall back to raw channels
            ref.shared.preview_w = None
        ref.shared.preview_fitted = True
    s = int(getattr(pipe, "vae_spatial_compression_ratio", 8) or 8)
    t = int(getattr(pipe, "vae_temporal_compression_ratio", 1) or 1)
    grid = ((frames - 1) // t + 1, height // s, width // s)
    return Previewer(ref.fam, ref.shared.preview_w, grid)


class LivePreview:
    """The preview part of a step callback (the Sampler's, a chain's: chain_steps.py): a preview started now and
    then (every PREVIEW_INTERVAL, and at the last step) from the step's latents, and the one that has landed."""

    def __init__(self, stream: PreviewStream | None):
        self.stream, self.last = stream, 0.0

    def at_step(self, pipe, kw: dict, last_step: bool) -> np.ndarray | None:
        """The preview to show after this step (None: none new); ``kw``: the step callback's tensors."""
        import time
        if self.stream is None:
            return None
        prev = self.stream.ready(wait=last_step)  # a preview started at an earlier step, if landed
        now = time.perf_counter()
        if "latents" in kw and (now - self.last >= PREVIEW_INTERVAL or last_step):
            self.last = now
            got = self.stream.submit(kw["latents"], unit_scale(pipe))
            if last_step and got is None:
                got = self.stream.ready(wait=True)
            prev = got if got is not None else prev
        return prev
