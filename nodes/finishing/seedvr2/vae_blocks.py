"""The encoder and decoder of SeedVR2's causal video VAE, block by block, in the reference's names
(``down_blocks.i.resnets.j``, ``down_blocks.i.downsamplers.0``, ``mid_block.attentions.0``,
``up_blocks.i.upsamplers.0`` ...).

Follows ByteDance-Seed/SeedVR (Apache-2.0) at commit 673b563,
``models/video_vae_v3/modules/attn_video_vae.py``: DownEncoderBlock3D, UpDecoderBlock3D,
UNetMidBlock3D (diffusers' Attention over each frame's pixels), Encoder3D, Decoder3D. Which blocks
resample in time is the reference's rule: the encoder's last ``temporal_scale_num`` down-samplers,
the decoder's first ``temporal_scale_num`` up-samplers.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .vae_layers import CausalConv3d, Downsample3D, Memory, ResnetBlock3D, Upsample3D, frame_norm

SCORES = 2**28  # attention scores computed at once, at most (512 MB in fp16)


class DownEncoderBlock3D(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, cfg: dict, add_downsample: bool,
                 temporal_down: bool):
        super().__init__()
        self.resnets = nn.ModuleList(
            ResnetBlock3D(in_channels if i == 0 else out_channels, out_channels, cfg["norm_num_groups"],
                          time_receptive_field=cfg["time_receptive_field"],
                          inflation_mode=cfg["inflation_mode"])
            for i in range(cfg["layers_per_block"]))
        self.downsamplers = (nn.ModuleList([Downsample3D(out_channels, temporal_down, cfg["inflation_mode"])])
                             if add_downsample else None)

    def forward(self, x: torch.Tensor, memory: Memory) -> torch.Tensor:
        for resnet in self.resnets:
            x = resnet(x, memory)
        if self.downsamplers is not None:
            x = self.downsamplers[0](x, memory)
        return x


class UpDecoderBlock3D(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, cfg: dict, add_upsample: bool,
                 temporal_up: bool):
        super().__init__()
        self.resnets = nn.ModuleList(
            ResnetBlock3D(in_channels if i == 0 else out_channels, out_channels, cfg["norm_num_groups"],
                          time_receptive_field=cfg["time_receptive_field"],
                          inflation_mode=cfg["inflation_mode"])
            for i in range(cfg["layers_per_block"] + 1))
        self.upsamplers = (nn.ModuleList([Upsample3D(out_channels, temporal_up, cfg["inflation_mode"])])
                           if add_upsample else None)

    def forward(self, x: torch.Tensor, memory: Memory) -> torch.Tensor:
        for resnet in self.resnets:
            x = resnet(x, memory)
        if self.upsamplers is not None:
            x = self.upsamplers[0](x, memory)
        return x


class FrameAttention(nn.Module):
    """The mid block's single-head self-attention over each frame's pixels (diffusers' Attention
    with ``_from_deprecated_attn_block``: group_norm, to_q, to_k, to_v, to_out.0, a residual)."""

    def __init__(self, channels: int, groups: int):
        super().__init__()
        self.group_norm = nn.GroupNorm(groups, channels, eps=1e-6)
        self.to_q = nn.Linear(channels, channels)
        self.to_k = nn.Linear(channels, channels)
        self.to_v = nn.Linear(channels, channels)
        self.to_out = nn.ModuleList([nn.Linear(channels, channels), nn.Dropout(0.0)])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, c, t, h, w = x.shape
        y = frame_norm(self.group_norm, x).permute(0, 2, 3, 4, 1).reshape(b * t, 1, h * w, c)
        y = torch.cat([self._frame(f) for f in y.split(1)])
        y = self.to_out[0](y.reshape(b, t, h, w, c)).permute(0, 4, 1, 2, 3)
        return x + y

    def _frame(self, f: torch.Tensor) -> torch.Tensor:
        """One frame's attention, its queries in chunks: a frame's (h w)^2 scores are the largest
        tensor the VAE would make (33 GB in fp16 for a 4K frame where SDPA falls back to its math
        path); each query's softmax is over all keys, so chunking the queries changes nothing."""
        k, v = self.to_k(f), self.to_v(f)
        step = max(256, SCORES // f.shape[2])
        return torch.cat([F.scaled_dot_product_attention(self.to_q(q), k, v) for q in f.split(step, dim=2)], dim=2)


class UNetMidBlock3D(nn.Module):
    def __init__(self, channels: int, cfg: dict):
        super().__init__()
        groups = cfg["norm_num_groups"]
        self.resnets = nn.ModuleList(
            ResnetBlock3D(channels, channels, groups, time_receptive_field=cfg["time_receptive_field"],
                          inflation_mode=cfg["inflation_mode"]) for _ in range(2))
        self.attentions = nn.ModuleList([FrameAttention(channels, groups)] if cfg["attention"] else [])

    def forward(self, x: torch.Tensor, memory: Memory) -> torch.Tensor:
        x = self.resnets[0](x, memory)
        if len(self.attentions):
            x = self.attentions[0](x)
        return self.resnets[1](x, memory)


class Encoder3D(nn.Module):
    def __init__(self, cfg: dict):
        super().__init__()
        widths, inflation = cfg["block_out_channels"], cfg["inflation_mode"]
        n, temporal = len(widths), cfg["temporal_scale_num"]
        self.conv_in = CausalConv3d(cfg["in_channels"], widths[0], 3, padding=1, inflation_mode=inflation)
        self.down_blocks = nn.ModuleList(
            DownEncoderBlock3D(widths[max(i - 1, 0)], widths[i], cfg, add_downsample=i < n - 1,
                               temporal_down=i >= n - temporal - 1)
            for i in range(n))
        self.mid_block = UNetMidBlock3D(widths[-1], cfg)
        self.conv_norm_out = nn.GroupNorm(cfg["norm_num_groups"], widths[-1], eps=1e-6)
        self.conv_out = CausalConv3d(widths[-1], 2 * cfg["latent_channels"], 3, padding=1,
                                     inflation_mode=inflation)

    def forward(self, x: torch.Tensor, memory: Memory = Memory.DISABLED) -> torch.Tensor:
        x = self.conv_in(x, memory)
        for block in self.down_blocks:
            x = block(x, memory)
        x = self.mid_block(x, memory)
        return self.conv_out(F.silu(frame_norm(self.conv_norm_out, x), inplace=True), memory)


class Decoder3D(nn.Module):
    def __init__(self, cfg: dict):
        super().__init__()
        widths, inflation = list(reversed(cfg["block_out_channels"])), cfg["inflation_mode"]
        n, temporal = len(widths), cfg["temporal_scale_num"]
        self.conv_in = CausalConv3d(cfg["latent_channels"], widths[0], 3, padding=1, inflation_mode=inflation)
        self.mid_block = UNetMidBlock3D(widths[0], cfg)
        self.up_blocks = nn.ModuleList(
            UpDecoderBlock3D(widths[max(i - 1, 0)], widths[i], cfg, add_upsample=i < n - 1,
                             temporal_up=i < temporal)
            for i in range(n))
        self.conv_norm_out = nn.GroupNorm(cfg["norm_num_groups"], widths[-1], eps=1e-6)
        self.conv_out = CausalConv3d(widths[-1], cfg["out_channels"], 3, padding=1, inflation_mode=inflation)

    def forward(self, z: torch.Tensor, memory: Memory = Memory.DISABLED) -> torch.Tensor:
        x = self.mid_block(self.conv_in(z, memory), memory)
        for block in self.up_blocks:
            x = block(x, memory)
        return self.conv_out(F.silu(frame_norm(self.conv_norm_out, x), inplace=True), memory)
