"""LivePortrait's appearance extractor (F), warping module (W, with its dense-motion network), SPADE
generator (G) and stitching / retargeting MLPs (S), written after the release's src/modules/
appearance_feature_extractor.py, dense_motion.py, warping_network.py, spade_generator.py and
stitching_retargeting_network.py (github:KwaiVGI/LivePortrait@1986663be3b6902605d32200c01f4bfd36cda83d,
MIT), with the attribute names of its state dicts. Each takes a config dict (files.py reads it from a
file's tensor shapes; RELEASE_* are the release's src/config/models.yaml)."""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .blocks import DownBlock2d, Hourglass, ResBlock3d, SameBlock2d, SPADEResnetBlock, coordinate_grid, kp_gaussians

RELEASE_F = dict(image_channel=3, block_expansion=64, num_down_blocks=2, max_features=512, reshape_channel=32,
                 reshape_depth=16, num_resblocks=6)
RELEASE_W = dict(num_kp=21, block_expansion=64, max_features=512, num_down_blocks=2, reshape_channel=32,
                 dense_expansion=32, dense_max_features=1024, dense_blocks=5, reshape_depth=16, compress=4)
RELEASE_G = dict(input_channels=256, out_channels=64, upscale=2, spade_hidden=128)
RELEASE_S = dict(stitching=(126, (128, 128, 64), 65), lip=(65, (128, 128, 64), 63),
                 eye=(66, (256, 256, 128, 128, 64), 63))


class AppearanceFeatureExtractor(nn.Module):
    """F: the source picture [b, 3, 256, 256] -> its feature volume [b, 32, 16, 64, 64]."""

    def __init__(self, cfg: dict):
        super().__init__()
        e, n, cap = cfg["block_expansion"], cfg["num_down_blocks"], cfg["max_features"]
        self.reshape = (cfg["reshape_channel"], cfg["reshape_depth"])
        self.first = SameBlock2d(cfg["image_channel"], e)
        self.down_blocks = nn.ModuleList(DownBlock2d(min(cap, e * 2 ** i), min(cap, e * 2 ** (i + 1)))
                                         for i in range(n))
        self.second = nn.Conv2d(min(cap, e * 2 ** n), cap, 1)
        self.resblocks_3d = nn.Sequential()
        for i in range(cfg["num_resblocks"]):
            self.resblocks_3d.add_module(f"3dr{i}", ResBlock3d(cfg["reshape_channel"]))

    def forward(self, x):
        out = self.first(x)
        for block in self.down_blocks:
            out = block(out)
        out = self.second(out)
        b, _, h, w = out.shape
        return self.resblocks_3d(out.view(b, *self.reshape, h, w))


class DenseMotionNetwork(nn.Module):
    """The dense motion from the source's and the driving keypoints: per-keypoint sparse motions
    (plus the identity for the background) mixed by a softmax mask, and an occlusion map."""

    def __init__(self, cfg: dict):
        super().__init__()
        k, c = cfg["num_kp"], cfg["compress"]
        self.num_kp = k
        self.hourglass = Hourglass(cfg["dense_expansion"], (k + 1) * (c + 1), cfg["dense_blocks"],
                                   cfg["dense_max_features"])
        self.mask = nn.Conv3d(self.hourglass.out_filters, k + 1, 7, padding=3)
        self.compress = nn.Conv3d(cfg["reshape_channel"], c, 1)
        self.norm = nn.BatchNorm3d(c, affine=True)
        self.occlusion = nn.Conv2d(self.hourglass.out_filters * cfg["reshape_depth"], 1, 7, padding=3)

    def forward(self, feature, kp_driving, kp_source):
        feature = F.relu(self.norm(self.compress(feature)))
        b, c, d, h, w = feature.shape
        k = self.num_kp
        grid = coordinate_grid(d, h, w, ref=kp_source).view(1, 1, d, h, w, 3)
        to_source = grid - kp_driving.view(b, k, 1, 1, 1, 3) + kp_source.view(b, k, 1, 1, 1, 3)
        motions = torch.cat([grid.expand(b, 1, d, h, w, 3), to_source], dim=1)  # [b, k + 1, d, h, w, 3]
        feats = feature.unsqueeze(1).expand(b, k + 1, c, d, h, w).reshape(b * (k + 1), c, d, h, w)
        deformed = F.grid_sample(feats, motions.reshape(b * (k + 1), d, h, w, 3), align_corners=False)
        deformed = deformed.view(b, k + 1, c, d, h, w)
        heat = (kp_gaussians(kp_driving, (d, h, w), 0.01) - kp_gaussians(kp_source, (d, h, w), 0.01))
        heat = torch.cat([torch.zeros_like(heat[:, :1]), heat], dim=1).unsqueeze(2)  # background first
        pred = self.hourglass(torch.cat([heat, deformed], dim=2).view(b, -1, d, h, w))
        mask = F.softmax(self.mask(pred), dim=1).unsqueeze(2)  # [b, k + 1, 1, d, h, w]
        deformation = (motions.permute(0, 1, 5, 2, 3, 4) * mask).sum(dim=1).permute(0, 2, 3, 4, 1)
        occlusion = torch.sigmoid(self.occlusion(pred.reshape(b, -1, h, w)))
        return deformation, occlusion


class WarpingNetwork(nn.Module):
    """W: the source's feature volume warped from the source's keypoints to the driving ones -> [b, 256, 64, 64]."""

    def __init__(self, cfg: dict):
        super().__init__()
        width = cfg["block_expansion"] * 2 ** cfg["num_down_blocks"]
        self.dense_motion_network = DenseMotionNetwork(cfg)
        self.third = SameBlock2d(cfg["max_features"], width, lrelu=True)
        self.fourth = nn.Conv2d(width, width, 1)

    def forward(self, feature_3d, kp_driving, kp_source):
        deformation, occlusion = self.dense_motion_network(feature_3d, kp_driving, kp_source)
        out = F.grid_sample(feature_3d, deformation, align_corners=False)
        b, c, d, h, w = out.shape
        return self.fourth(self.third(out.view(b, c * d, h, w))) * occlusion


class SPADEDecoder(nn.Module):
    """G: the warped feature -> the picture, [b, 3, 256 * upscale, ...] in [0, 1]."""

    def __init__(self, cfg: dict):
        super().__init__()
        c, out, hid = cfg["input_channels"], cfg["out_channels"], cfg["spade_hidden"]
        self.fc = nn.Conv2d(c, 2 * c, 3, padding=1)
        for i in range(6):
            self.add_module(f"G_middle_{i}", SPADEResnetBlock(2 * c, 2 * c, c, hid))
        self.up_0 = SPADEResnetBlock(2 * c, c, c, hid)
        self.up_1 = SPADEResnetBlock(c, out, c, hid)
        if cfg["upscale"] > 1:
            self.conv_img = nn.Sequential(nn.Conv2d(out, 3 * 4, 3, padding=1), nn.PixelShuffle(2))
        else:
            self.conv_img = nn.Conv2d(out, 3, 3, padding=1)

    def forward(self, feature):
        x = self.fc(feature)
        for i in range(6):
            x = getattr(self, f"G_middle_{i}")(x, feature)
        x = self.up_0(F.interpolate(x, scale_factor=2), feature)
        x = self.up_1(F.interpolate(x, scale_factor=2), feature)
        return torch.sigmoid(self.conv_img(F.leaky_relu(x, 0.2)))


class StitchingRetargetingNetwork(nn.Module):
    """S (and the eye / lip retargeting): an MLP, Linear + ReLU between the hidden sizes."""

    def __init__(self, input_size: int, hidden: tuple, output_size: int):
        super().__init__()
        sizes = (input_size,) + tuple(hidden)
        layers = []
        for a, b in zip(sizes, sizes[1:]):
            layers += [nn.Linear(a, b), nn.ReLU()]
        self.mlp = nn.Sequential(*layers, nn.Linear(sizes[-1], output_size))

    def forward(self, x):
        return self.mlp(x)
