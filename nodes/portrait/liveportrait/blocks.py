"""LivePortrait's building blocks, written after the release's src/modules/util.py
(github:KwaiVGI/LivePortrait@1986663be3b6902605d32200c01f4bfd36cda83d, MIT): the 2D / 3D conv blocks,
the 3D hourglass of the dense-motion network, SPADE and its residual block, the coordinate grid and the
keypoint Gaussians. The attribute names are the release's, so its state dicts (and ComfyUI users'
safetensors of them) load as they are. No library serves: these are the release's own first-order-motion
style blocks (diffusers and timm hold none of them)."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


def coordinate_grid(d: int, h: int, w: int, ref: torch.Tensor) -> torch.Tensor:
    """[d, h, w, 3] of (x, y, z) in [-1, 1], x right, y down, z in (the release's make_coordinate_grid)."""
    def axis(n):
        return 2 * (torch.arange(n, dtype=ref.dtype, device=ref.device) / (n - 1)) - 1
    x, y, z = axis(w), axis(h), axis(d)
    return torch.stack([x.view(1, 1, w).expand(d, h, w), y.view(1, h, 1).expand(d, h, w),
                        z.view(d, 1, 1).expand(d, h, w)], dim=-1)


def kp_gaussians(kp: torch.Tensor, size, variance: float) -> torch.Tensor:
    """[b, k, d, h, w]: a Gaussian around each keypoint ([b, k, 3]) on the grid of ``size`` (d, h, w)."""
    grid = coordinate_grid(*size, ref=kp)
    diff = grid[None, None] - kp[:, :, None, None, None, :]
    return torch.exp(-0.5 * (diff ** 2).sum(-1) / variance)


class SameBlock2d(nn.Module):
    def __init__(self, cin: int, cout: int, lrelu: bool = False):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1)
        self.norm = nn.BatchNorm2d(cout, affine=True)
        self.lrelu = lrelu

    def forward(self, x):
        x = self.norm(self.conv(x))
        return F.leaky_relu(x) if self.lrelu else F.relu(x)


class DownBlock2d(nn.Module):
    def __init__(self, cin: int, cout: int):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1)
        self.norm = nn.BatchNorm2d(cout, affine=True)

    def forward(self, x):
        return F.avg_pool2d(F.relu(self.norm(self.conv(x))), 2)


class DownBlock3d(nn.Module):
    def __init__(self, cin: int, cout: int):
        super().__init__()
        self.conv = nn.Conv3d(cin, cout, 3, padding=1)
        self.norm = nn.BatchNorm3d(cout, affine=True)

    def forward(self, x):
        return F.avg_pool3d(F.relu(self.norm(self.conv(x))), (1, 2, 2))


class UpBlock3d(nn.Module):
    def __init__(self, cin: int, cout: int):
        super().__init__()
        self.conv = nn.Conv3d(cin, cout, 3, padding=1)
        self.norm = nn.BatchNorm3d(cout, affine=True)

    def forward(self, x):
        return F.relu(self.norm(self.conv(F.interpolate(x, scale_factor=(1, 2, 2)))))


class ResBlock3d(nn.Module):
    def __init__(self, c: int):
        super().__init__()
        self.conv1 = nn.Conv3d(c, c, 3, padding=1)
        self.conv2 = nn.Conv3d(c, c, 3, padding=1)
        self.norm1 = nn.BatchNorm3d(c, affine=True)
        self.norm2 = nn.BatchNorm3d(c, affine=True)

    def forward(self, x):
        out = self.conv1(F.relu(self.norm1(x)))
        return self.conv2(F.relu(self.norm2(out))) + x


def _width(expansion: int, i: int, cap: int) -> int:
    return min(cap, expansion * 2 ** i)


class Encoder(nn.Module):
    def __init__(self, expansion: int, cin: int, n: int, cap: int):
        super().__init__()
        self.down_blocks = nn.ModuleList(
            DownBlock3d(cin if i == 0 else _width(expansion, i, cap), _width(expansion, i + 1, cap)) for i in range(n))

    def forward(self, x):
        outs = [x]
        for block in self.down_blocks:
            outs.append(block(outs[-1]))
        return outs


class Decoder(nn.Module):
    def __init__(self, expansion: int, cin: int, n: int, cap: int):
        super().__init__()
        self.up_blocks = nn.ModuleList(
            UpBlock3d((1 if i == n - 1 else 2) * _width(expansion, i + 1, cap), _width(expansion, i, cap))
            for i in reversed(range(n)))
        self.out_filters = expansion + cin
        self.conv = nn.Conv3d(self.out_filters, self.out_filters, 3, padding=1)
        self.norm = nn.BatchNorm3d(self.out_filters, affine=True)

    def forward(self, skips):
        skips = list(skips)
        out = skips.pop()
        for block in self.up_blocks:
            out = torch.cat([block(out), skips.pop()], dim=1)
        return F.relu(self.norm(self.conv(out)))


class Hourglass(nn.Module):
    def __init__(self, expansion: int, cin: int, n: int, cap: int):
        super().__init__()
        self.encoder = Encoder(expansion, cin, n, cap)
        self.decoder = Decoder(expansion, cin, n, cap)
        self.out_filters = self.decoder.out_filters

    def forward(self, x):
        return self.decoder(self.encoder(x))


class SPADE(nn.Module):
    def __init__(self, c: int, label_c: int, hidden: int = 128):
        super().__init__()
        self.mlp_shared = nn.Sequential(nn.Conv2d(label_c, hidden, 3, padding=1), nn.ReLU())
        self.mlp_gamma = nn.Conv2d(hidden, c, 3, padding=1)
        self.mlp_beta = nn.Conv2d(hidden, c, 3, padding=1)

    def forward(self, x, seg):
        seg = F.interpolate(seg, size=x.shape[2:], mode="nearest")
        act = self.mlp_shared(seg)
        return F.instance_norm(x) * (1 + self.mlp_gamma(act)) + self.mlp_beta(act)


class SPADEResnetBlock(nn.Module):
    """The release's residual block with spectral-normed convolutions (torch's spectral_norm: the files
    hold weight_orig / weight_u / weight_v, and in eval the stored u and v give the weight)."""

    def __init__(self, cin: int, cout: int, label_c: int, hidden: int = 128):
        super().__init__()
        sn = nn.utils.spectral_norm
        mid = min(cin, cout)
        self.learned_shortcut = cin != cout
        self.conv_0 = sn(nn.Conv2d(cin, mid, 3, padding=1))
        self.conv_1 = sn(nn.Conv2d(mid, cout, 3, padding=1))
        self.norm_0 = SPADE(cin, label_c, hidden)
        self.norm_1 = SPADE(mid, label_c, hidden)
        if self.learned_shortcut:
            self.conv_s = sn(nn.Conv2d(cin, cout, 1, bias=False))
            self.norm_s = SPADE(cin, label_c, hidden)

    def forward(self, x, seg):
        short = self.conv_s(self.norm_s(x, seg)) if self.learned_shortcut else x
        dx = self.conv_0(F.leaky_relu(self.norm_0(x, seg), 0.2))
        dx = self.conv_1(F.leaky_relu(self.norm_1(dx, seg), 0.2))
        return short + dx
