"""Shared building blocks of the generators (torch only).

Videos inside the networks are ``[B, C, T, H, W]`` in [-1, 1]; on the wires they are clips of
``[H, W, 3]`` frames in [0, 1]. Conditioning is a Features vector per clip, ``[B, D]``.
"""
from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


def to_model(frames: np.ndarray | torch.Tensor) -> torch.Tensor:
    """[B, T, H, W, 3] in [0, 1] -> [B, 3, T, H, W] in [-1, 1]."""
    x = torch.as_tensor(np.asarray(frames, np.float32)) if not isinstance(frames, torch.Tensor) else frames
    return x.permute(0, 4, 1, 2, 3).contiguous() * 2.0 - 1.0


def to_frames(x: torch.Tensor) -> np.ndarray:
    """[B, 3, T, H, W] in [-1, 1] -> float32 [B, T, H, W, 3] in [0, 1]."""
    return ((x.detach().float().clamp(-1, 1) + 1.0) * 0.5).permute(0, 2, 3, 4, 1).cpu().numpy().astype(np.float32)


def groups(c: int) -> int:
    for g in (8, 4, 2, 1):
        if c % g == 0:
            return g
    return 1


def shift_wrap(x: torch.Tensor, dx: torch.Tensor, dy: torch.Tensor) -> torch.Tensor:
    """Translate images ``[B, C, H, W]`` by (dx, dy) pixels (per item, sub-pixel, wrapping around
    the frame: a shape leaving on the right comes back on the left, as the synthetic clips do).
    Bilinear and differentiable in ``x`` and in the shifts."""
    b, c, h, w = x.shape
    dx = dx.to(x.dtype).reshape(b, 1, 1, 1)
    dy = dy.to(x.dtype).reshape(b, 1, 1, 1)
    # along x: out[..., j] = x[..., j - dx]
    sx = torch.arange(w, device=x.device, dtype=x.dtype).reshape(1, 1, 1, w) - dx
    x0 = torch.floor(sx)
    fx = sx - x0
    i0 = x0.long().remainder(w).expand(b, c, h, w)
    i1 = (i0 + 1).remainder(w)
    x = x.gather(3, i0) * (1 - fx) + x.gather(3, i1) * fx
    sy = torch.arange(h, device=x.device, dtype=x.dtype).reshape(1, 1, h, 1) - dy
    y0 = torch.floor(sy)
    fy = sy - y0
    j0 = y0.long().remainder(h).expand(b, c, h, w)
    j1 = (j0 + 1).remainder(h)
    return x.gather(2, j0) * (1 - fy) + x.gather(2, j1) * fy


def animate(key: torch.Tensor, velocity: torch.Tensor, n_frames: int, key_index: int) -> torch.Tensor:
    """A clip ``[B, C, T, H, W]`` from a key frame ``[B, C, H, W]`` moved by ``velocity`` [B, 2]
    pixels per frame (frame ``key_index`` is the key frame itself)."""
    frames = [shift_wrap(key, velocity[:, 0] * (t - key_index), velocity[:, 1] * (t - key_index))
              for t in range(n_frames)]
    return torch.stack(frames, dim=2)


def motion_loss(video: torch.Tensor, velocity: torch.Tensor) -> torch.Tensor:
    """How far a clip ``[B, C, T, H, W]`` is from moving by the per-clip ``velocity`` [B, 2]
    measured by optical flow on the training clips: frame t+1 against frame t shifted."""
    if video.shape[2] < 2:
        return video.new_zeros(())
    b, c, t, h, w = video.shape
    prev = video[:, :, :-1].permute(0, 2, 1, 3, 4).reshape(b * (t - 1), c, h, w)
    nxt = video[:, :, 1:].permute(0, 2, 1, 3, 4).reshape(b * (t - 1), c, h, w)
    v = velocity.repeat_interleave(t - 1, dim=0)
    return (shift_wrap(prev, v[:, 0], v[:, 1]) - nxt).abs().mean()


def randn_on(device, gen: torch.Generator, shape) -> torch.Tensor:
    """Noise from ``gen`` (a CPU generator: the same numbers on every device) moved to ``device``."""
    return torch.randn(shape, generator=gen, device=gen.device).to(device)


def rand_on(device, gen: torch.Generator, shape) -> torch.Tensor:
    return torch.rand(shape, generator=gen, device=gen.device).to(device)


def randint_on(device, gen: torch.Generator, low: int, high: int, shape) -> torch.Tensor:
    return torch.randint(low, high, shape, generator=gen, device=gen.device).to(device)


def timestep_embedding(t: torch.Tensor, dim: int) -> torch.Tensor:
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, device=t.device, dtype=torch.float32) / half)
    a = t.float()[:, None] * freqs[None]
    return torch.cat([torch.cos(a), torch.sin(a)], dim=1)


class CondEmbed(nn.Module):
    """Features [B, D] -> embedding [B, E]; a learned 'no condition' embedding where ``drop`` is
    set (classifier-free guidance)."""

    def __init__(self, cond_dim: int, emb: int):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(cond_dim, emb), nn.SiLU(), nn.Linear(emb, emb))
        self.null = nn.Parameter(torch.zeros(emb))

    def forward(self, cond: torch.Tensor, drop: torch.Tensor | None = None) -> torch.Tensor:
        e = self.mlp(cond)
        if drop is not None:
            e = torch.where(drop[:, None], self.null[None].expand_as(e), e)
        return e


class STResBlock(nn.Module):
    """Factorised space-time residual block: 3x3 spatial convolutions per frame, FiLM from the
    embedding, then a 3-tap temporal convolution per pixel (zero-initialised, skipped at T=1)."""

    def __init__(self, cin: int, cout: int, emb: int, temporal: bool = True):
        super().__init__()
        self.n1 = nn.GroupNorm(groups(cin), cin)
        self.c1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.film = nn.Linear(emb, 2 * cout)
        self.n2 = nn.GroupNorm(groups(cout), cout)
        self.c2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()
        self.temporal = temporal
        if temporal:
            self.tn = nn.GroupNorm(groups(cout), cout)
            self.tc = nn.Conv1d(cout, cout, 3, padding=1)
            nn.init.zeros_(self.tc.weight)
            nn.init.zeros_(self.tc.bias)

    def forward(self, x: torch.Tensor, emb: torch.Tensor, t: int) -> torch.Tensor:
        # x: [B*T, C, H, W]; emb: [B, E]
        h = self.c1(F.silu(self.n1(x)))
        s, b = self.film(emb).repeat_interleave(t, 0).chunk(2, dim=1)
        h = self.n2(h) * (1 + s[:, :, None, None]) + b[:, :, None, None]
        h = self.c2(F.silu(h))
        h = h + self.skip(x)
        if self.temporal and t > 1:
            bt, c, hh, ww = h.shape
            v = h.reshape(bt // t, t, c, hh, ww).permute(0, 3, 4, 2, 1).reshape(-1, c, t)
            v = v + self.tc(F.silu(self.tn(v)))
            h = v.reshape(bt // t, hh, ww, c, t).permute(0, 4, 3, 1, 2).reshape(bt, c, hh, ww)
        return h


class STUNet(nn.Module):
    """A small factorised space-time UNet: ``[B, C, T, H, W]`` (T may be 1) -> same shape."""

    def __init__(self, channels: int = 3, base: int = 32, mults=(1, 2, 2), emb: int = 128,
                 cond_dim: int = 384, temporal: bool = True):
        super().__init__()
        self.emb_dim = emb
        self.t_mlp = nn.Sequential(nn.Linear(emb, emb), nn.SiLU(), nn.Linear(emb, emb))
        self.cond = CondEmbed(cond_dim, emb)
        chs = [base * m for m in mults]
        self.inp = nn.Conv2d(channels, chs[0], 3, padding=1)
        self.down = nn.ModuleList()
        self.pools = nn.ModuleList()
        c = chs[0]
        skips = []
        for i, co in enumerate(chs):
            self.down.append(STResBlock(c, co, emb, temporal))
            c = co
            skips.append(c)
            self.pools.append(nn.Conv2d(c, c, 3, stride=2, padding=1) if i < len(chs) - 1 else nn.Identity())
        self.mid = STResBlock(c, c, emb, temporal)
        self.up = nn.ModuleList()
        self.ups = nn.ModuleList()
        for i, co in reversed(list(enumerate(chs))):
            self.up.append(STResBlock(c + skips[i], co, emb, temporal))
            c = co
            self.ups.append(nn.Upsample(scale_factor=2, mode="nearest") if i > 0 else nn.Identity())
        self.out_n = nn.GroupNorm(groups(c), c)
        self.out = nn.Conv2d(c, channels, 3, padding=1)
        nn.init.zeros_(self.out.weight)
        nn.init.zeros_(self.out.bias)

    def forward(self, x: torch.Tensor, t: torch.Tensor, cond: torch.Tensor,
                drop: torch.Tensor | None = None, image: torch.Tensor | None = None) -> torch.Tensor:
        """``image`` [B, E, H, W]: extra input channels repeated over the frames (a still that
        conditions image-to-video); the output keeps the channels of ``x``."""
        b, c, tt, h, w = x.shape
        if image is not None:
            x = torch.cat([x, image[:, :, None].expand(b, image.shape[1], tt, h, w)], dim=1)
        emb = self.t_mlp(timestep_embedding(t, self.emb_dim)) + self.cond(cond, drop)
        hx = self.inp(x.permute(0, 2, 1, 3, 4).reshape(b * tt, x.shape[1], h, w))
        skips = []
        for blk, pool in zip(self.down, self.pools):
            hx = blk(hx, emb, tt)
            skips.append(hx)
            hx = pool(hx)
        hx = self.mid(hx, emb, tt)
        for blk, up in zip(self.up, self.ups):
            hx = blk(torch.cat([hx, skips.pop()], dim=1), emb, tt)
            hx = up(hx)
        out = self.out(F.silu(self.out_n(hx)))
        return out.reshape(b, tt, c, h, w).permute(0, 2, 1, 3, 4)


class VelocityHead(nn.Module):
    """Features -> per-clip velocity [vx, vy] in pixels per frame (learned from the optical flow
    of the training clips)."""

    def __init__(self, cond_dim: int, hidden: int = 128):
        super().__init__()
        self.mlp = nn.Sequential(nn.Linear(cond_dim, hidden), nn.SiLU(), nn.Linear(hidden, hidden), nn.SiLU(),
                                 nn.Linear(hidden, 2))

    def forward(self, cond: torch.Tensor) -> torch.Tensor:
        return self.mlp(cond)


class GeneratorModel(nn.Module):
    """What the trainer, checkpoints and the sampler rely on. Subclasses set ``family`` and
    implement the methods below."""

    family = ""
    needs_velocity = False

    def __init__(self, config: dict):
        super().__init__()
        self.config = dict(config)

    def make_optimizers(self, lr: float) -> dict[str, torch.optim.Optimizer]:
        return {"main": adam(torch.optim.AdamW, self.parameters(), lr=lr, weight_decay=0.0)}

    def train_step(self, batch: dict, opts: dict, gen: torch.Generator, amp: bool = False) -> dict[str, torch.Tensor]:
        """One optimiser step on the sum of ``self.losses(batch, gen)`` (named loss terms; a
        family that has them also gets a validation loss). Families with several optimisers
        (the GAN) override this instead. Returns the losses as tensors on the device (the trainer
        reads them back when it reports: no host sync per step)."""
        with autocast(batch["video"].device, amp):
            parts = self.losses(batch, gen)
        loss = sum(parts.values())
        step_optimizer(opts["main"], loss)
        return loss_logs(loss, parts)

    @torch.no_grad()
    def sample(self, cond: torch.Tensor, gen: torch.Generator, steps: int = 25, guidance: float = 1.0,
               progress=None) -> torch.Tensor:
        raise NotImplementedError

    def ema_targets(self) -> list[nn.Module]:
        return [self]


def autocast(device: torch.device, amp: bool):
    if amp and device.type == "cuda":
        return torch.autocast("cuda", dtype=torch.bfloat16)
    return torch.autocast("cpu", enabled=False)


def adam(cls, params, **kw) -> torch.optim.Optimizer:
    """An Adam/AdamW over ``params``; on CUDA the fused kernel (one launch for every tensor
    instead of a few per tensor). The CPU keeps the default implementation (same numbers)."""
    params = list(params)
    if params and all(p.is_cuda for p in params):
        kw.setdefault("fused", True)
    return cls(params, **kw)


def optimizer_params(opt: torch.optim.Optimizer) -> list[torch.Tensor]:
    """The parameters an optimiser steps, in order, listed once per optimiser (not a module walk
    per step)."""
    got = getattr(opt, "_studio_params", None)
    if got is None:
        got = [p for g in opt.param_groups for p in g["params"]]
        opt._studio_params = got
    return got


def step_optimizer(opt: torch.optim.Optimizer, loss: torch.Tensor, params=None, clip: float = 1.0) -> None:
    """Backward, clip the gradients' norm of the optimiser's parameters (or ``params``) to ``clip``,
    step. A loss that is not finite stops training: at once on the CPU (reading it costs nothing
    there); on a GPU when the trainer reads the losses back (step.LossLog), never a sync per step."""
    if loss.device.type == "cpu" and not torch.isfinite(loss):
        raise FloatingPointError(f"the loss became {float(loss)}: lower the learning rate")
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(optimizer_params(opt) if params is None else params, clip)
    opt.step()


def loss_logs(loss: torch.Tensor, parts: dict[str, torch.Tensor], **more: torch.Tensor) -> dict[str, torch.Tensor]:
    """A step's logs: the total and each term, detached, still on the device."""
    return {"loss": loss.detach(), **{k: v.detach() for k, v in parts.items()}, **{k: v.detach() for k, v in more.items()}}
