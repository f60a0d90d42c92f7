"""LivePortrait's motion extractor (M): a ConvNeXt-V2 backbone with the release's heads (canonical
keypoints, pitch / yaw / roll bins, translation, expression deltas, scale), written after the release's
src/modules/convnextv2.py and motion_extractor.py
(github:KwaiVGI/LivePortrait@1986663be3b6902605d32200c01f4bfd36cda83d, MIT), its names kept (the files
hold ``detector.*``). timm's ConvNeXt-V2 has other names and no such heads; a thin copy of the
arithmetic keeps the state dict as the files hold it."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

RELEASE_M = dict(depths=(3, 3, 9, 3), dims=(96, 192, 384, 768), num_kp=21, num_bins=66)


class ChannelsFirstNorm(nn.Module):
    def __init__(self, c: int, eps: float = 1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(c))
        self.bias = nn.Parameter(torch.zeros(c))
        self.eps = eps

    def forward(self, x):
        u = x.mean(1, keepdim=True)
        s = (x - u).pow(2).mean(1, keepdim=True)
        x = (x - u) / torch.sqrt(s + self.eps)
        return self.weight[:, None, None] * x + self.bias[:, None, None]


class GRN(nn.Module):
    def __init__(self, c: int):
        super().__init__()
        self.gamma = nn.Parameter(torch.zeros(1, 1, 1, c))
        self.beta = nn.Parameter(torch.zeros(1, 1, 1, c))

    def forward(self, x):
        g = torch.norm(x, p=2, dim=(1, 2), keepdim=True)
        return self.gamma * (x * (g / (g.mean(dim=-1, keepdim=True) + 1e-6))) + self.beta + x


class Block(nn.Module):
    def __init__(self, c: int):
        super().__init__()
        self.dwconv = nn.Conv2d(c, c, 7, padding=3, groups=c)
        self.norm = nn.LayerNorm(c, eps=1e-6)
        self.pwconv1 = nn.Linear(c, 4 * c)
        self.grn = GRN(4 * c)
        self.pwconv2 = nn.Linear(4 * c, c)

    def forward(self, x):
        y = self.norm(self.dwconv(x).permute(0, 2, 3, 1))
        y = self.pwconv2(self.grn(F.gelu(self.pwconv1(y))))
        return x + y.permute(0, 3, 1, 2)


class ConvNeXtV2(nn.Module):
    def __init__(self, cfg: dict):
        super().__init__()
        dims, depths = cfg["dims"], cfg["depths"]
        self.downsample_layers = nn.ModuleList(
            [nn.Sequential(nn.Conv2d(3, dims[0], 4, stride=4), ChannelsFirstNorm(dims[0]))]
            + [nn.Sequential(ChannelsFirstNorm(dims[i]), nn.Conv2d(dims[i], dims[i + 1], 2, stride=2))
               for i in range(len(dims) - 1)])
        self.stages = nn.ModuleList(nn.Sequential(*[Block(dims[i]) for _ in range(depths[i])])
                                    for i in range(len(dims)))
        self.norm = nn.LayerNorm(dims[-1], eps=1e-6)
        c, k, bins = dims[-1], cfg["num_kp"], cfg["num_bins"]
        self.fc_kp, self.fc_scale, self.fc_t, self.fc_exp = (nn.Linear(c, 3 * k), nn.Linear(c, 1), nn.Linear(c, 3),
                                                             nn.Linear(c, 3 * k))
        self.fc_pitch, self.fc_yaw, self.fc_roll = nn.Linear(c, bins), nn.Linear(c, bins), nn.Linear(c, bins)

    def forward(self, x):
        for down, stage in zip(self.downsample_layers, self.stages):
            x = stage(down(x))
        x = self.norm(x.mean([-2, -1]))
        return {"kp": self.fc_kp(x), "pitch": self.fc_pitch(x), "yaw": self.fc_yaw(x), "roll": self.fc_roll(x),
                "t": self.fc_t(x), "exp": self.fc_exp(x), "scale": self.fc_scale(x)}


class MotionExtractor(nn.Module):
    def __init__(self, cfg: dict):
        super().__init__()
        self.detector = ConvNeXtV2(cfg)

    def forward(self, x):
        return self.detector(x)
