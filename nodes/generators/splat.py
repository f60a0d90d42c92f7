"""Forward splatting: frames made by moving a key frame's pixels along a dense flow field.

Backward warping (``out(x) = key(x - flow(x))``) needs the flow at the *target* pixel; with the
flow of the key frame (what the generator makes) it leaves a ghost of every moving object at its
key-frame position, because the background there has zero motion and samples the object. Forward
splatting sends each key-frame pixel to ``x + flow(x)`` instead: where an object leaves, no pixel
arrives (a hole: the disoccluded background, filled afterwards), and where pixels collide the one
with the larger importance wins (softmax splatting, Niklaus & Liu, CVPR 2020; importance here: how
far the pixel moves, so moving objects are drawn over the still ground). Differentiable in the
image and the flow (bilinear weights). Written here because no maintained library ships it for
CPU torch.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F


def splat(img: torch.Tensor, flow: torch.Tensor, importance: torch.Tensor | None = None,
          hole: float = 0.5) -> tuple[torch.Tensor, torch.Tensor]:
    """Splat ``img`` [N, C, H, W] along ``flow`` [N, 2, H, W] (pixels, (dx, dy)).
    Returns (frame [N, C, H, W], hole mask [N, 1, H, W]: 1 where (almost) nothing arrived).
    Computed in float32 (under bf16 autocast too: the sums need the precision)."""
    with torch.autocast(device_type=img.device.type, enabled=False):
        return _splat(img.float(), flow.float(), None if importance is None else importance.float(), hole)


def _splat(img, flow, importance, hole):
    n, c, h, w = img.shape
    if importance is None:
        importance = flow.detach().norm(dim=1, keepdim=True)
    z = torch.exp((importance * 3.0).clamp(0, 30))
    ys, xs = torch.meshgrid(torch.arange(h, device=img.device, dtype=img.dtype),
                            torch.arange(w, device=img.device, dtype=img.dtype), indexing="ij")
    tx = xs + flow[:, 0]
    ty = ys + flow[:, 1]
    x0, y0 = torch.floor(tx), torch.floor(ty)
    fx, fy = tx - x0, ty - y0
    # colour weighted by importance, the importance itself, and a plain count (coverage)
    src = torch.cat([img * z, z, torch.ones_like(z)], dim=1).reshape(n, c + 2, h * w)
    acc = img.new_zeros(n, c + 2, h * w)
    for ox, oy, wgt in ((0, 0, (1 - fx) * (1 - fy)), (1, 0, fx * (1 - fy)), (0, 1, (1 - fx) * fy), (1, 1, fx * fy)):
        xi, yi = x0 + ox, y0 + oy
        ok = (xi >= 0) & (xi <= w - 1) & (yi >= 0) & (yi <= h - 1)
        idx = (yi.clamp(0, h - 1) * w + xi.clamp(0, w - 1)).long().reshape(n, 1, h * w)
        acc = acc.scatter_add(2, idx.expand(n, c + 2, h * w), src * (wgt * ok).reshape(n, 1, h * w))
    acc = acc.reshape(n, c + 2, h, w)
    num, den, count = acc[:, :c], acc[:, c:c + 1], acc[:, c + 1:]
    out = num / den.clamp_min(1e-12)
    mask = (1.0 - count / hole).clamp(0, 1)
    # holes are uncovered ground: fill them from the pixels that stayed (weight 1 / importance)
    still = (count / den.clamp_min(1e-12)).clamp(0, 1).detach()
    return out * (1 - mask) + fill_holes(out, (1 - mask) * still) * mask, mask


def fill_holes(img: torch.Tensor, valid: torch.Tensor, iters: int = 4) -> torch.Tensor:
    """Fill where ``valid`` is ~0 by normalised convolution (a blur of the valid pixels divided by
    the blur of the mask), widening the kernel until every hole has a neighbour."""
    out = img * valid
    wsum = valid
    c = img.shape[1]
    k = torch.tensor([1.0, 2.0, 1.0], dtype=img.dtype, device=img.device)
    k2 = (k[:, None] * k[None, :] / 16.0)[None, None]
    num, den = out, wsum
    for i in range(iters):
        d = 2 ** i
        num = F.conv2d(F.pad(num, (d, d, d, d), mode="replicate"), k2.expand(c, 1, 3, 3), groups=c, dilation=d)
        den = F.conv2d(F.pad(den, (d, d, d, d), mode="replicate"), k2, dilation=d)
    return num / den.clamp_min(1e-6)


def splat_clip(key: torch.Tensor, flows: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """A clip [B, C, T, H, W] and its hole masks [B, 1, T, H, W] from a key frame [B, C, H, W] and
    flows [B, T, 2, H, W] (frame t = key moved by flow t)."""
    b, t = flows.shape[:2]
    c, h, w = key.shape[1:]
    keys = key[:, None].expand(b, t, c, h, w).reshape(b * t, c, h, w)
    out, mask = splat(keys, flows.reshape(b * t, 2, h, w))
    return (out.reshape(b, t, c, h, w).permute(0, 2, 1, 3, 4), mask.reshape(b, t, 1, h, w).permute(0, 2, 1, 3, 4))


def guided_smooth(flow: torch.Tensor, guide: torch.Tensor, radius: int = 3, sigma_colour: float = 0.15,
                  iters: int = 2) -> torch.Tensor:
    """Edge-aware smoothing of flows [N, K, H, W] guided by images [N, C, H, W] in [-1, 1] (a joint
    bilateral filter: each pixel takes the mean of the flows around it weighted by how alike the
    guide's colours are). Pixels of one object then share one motion and the object moves whole
    instead of smearing at its edges. Differentiable in the flow."""
    n, k, h, w = flow.shape
    d = 2 * radius + 1
    g = F.unfold(F.pad(guide, (radius,) * 4, mode="replicate"), d).reshape(n, guide.shape[1], d * d, h * w)
    diff = ((g - guide.reshape(n, guide.shape[1], 1, h * w)) ** 2).sum(1)  # [N, d*d, HW]
    wgt = torch.exp(-diff / (2 * (2 * sigma_colour) ** 2))  # guide in [-1, 1]: colour distances doubled
    wgt = wgt / wgt.sum(1, keepdim=True)
    for _ in range(iters):
        f = F.unfold(F.pad(flow, (radius,) * 4, mode="replicate"), d).reshape(n, k, d * d, h * w)
        flow = (f * wgt[:, None]).sum(2).reshape(n, k, h, w)
    return flow
