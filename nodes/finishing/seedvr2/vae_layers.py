"""The layers of SeedVR2's causal video VAE: the causal 3D convolution with its slice memory, the
per-frame group norm, the resnet block and the temporal/spatial down- and up-samplers.

Follows ByteDance-Seed/SeedVR (Apache-2.0) at commit 673b563:
``models/video_vae_v3/modules/causal_inflation_lib.py`` (InflatedCausalConv3d.basic_forward,
extend_head, remove_head, inflate_weight, causal_norm_wrapper) and
``models/video_vae_v3/modules/attn_video_vae.py`` (ResnetBlock3D, Downsample3D, Upsample3D).
Parameter names are the reference's (diffusers' ResnetBlock2D / Downsample2D / Upsample2D names),
so its state dict loads as it is; the 2D modules the reference builds and then replaces are not
built at all here.
"""
from __future__ import annotations

import enum

import torch
import torch.nn.functional as F
from torch import nn


class Memory(enum.Enum):
    """The reference's MemoryState: DISABLED (one whole clip), INITIALIZING (the first of several
    temporal slices: pad the head, keep the tail), ACTIVE (a later slice: the kept tail is its head)."""
    DISABLED = 0
    INITIALIZING = 1
    ACTIVE = 2


def extend_head(x: torch.Tensor, times: int) -> torch.Tensor:
    """The first frame repeated ``times`` times before the clip (causal temporal padding)."""
    if times == 0:
        return x
    return torch.cat((x[:, :, :1].expand(-1, -1, times, -1, -1), x), dim=2)


def remove_head(x: torch.Tensor, times: int = 1) -> torch.Tensor:
    """The ``times`` frames after the first dropped (the duplicate a temporal up-sample makes)."""
    if times == 0:
        return x
    return torch.cat((x[:, :, :1], x[:, :, times + 1:]), dim=2)


def inflate_weight(weight_2d: torch.Tensor, depth: int, mode: str) -> torch.Tensor:
    """A 2D convolution kernel made 3D: ``tail`` puts it on the last (current) frame with zeros
    before, ``replicate`` spreads it evenly over the ``depth`` frames (inflate_weight)."""
    if mode == "replicate":
        return weight_2d.unsqueeze(2).repeat(1, 1, depth, 1, 1) / depth
    if mode == "tail":
        out = weight_2d.new_zeros(*weight_2d.shape[:2], depth, *weight_2d.shape[2:])
        out[:, :, -1] = weight_2d
        return out
    raise ValueError(f"inflation mode '{mode}' cannot inflate a 2D kernel (tail or replicate can)")


class CausalConv3d(nn.Conv3d):
    """InflatedCausalConv3d: a Conv3d whose temporal padding is all at the head (the first frame
    repeated), and which, between temporal slices of one clip, keeps the last ``kernel - stride``
    frames of its padded input as the next slice's head, so slicing gives the whole clip's result.
    An input over ``memory_limit`` bytes (the reference's conv_max_mem, 0.5 GiB in configs_3b) is
    convolved in bands of rows."""

    memory_limit = 0.5 * 2**30

    def __init__(self, *args, inflation_mode: str = "tail", **kwargs):
        super().__init__(*args, **kwargs)
        self.inflation_mode = inflation_mode
        self.temporal_padding = self.padding[0]
        self.padding = (0, *self.padding[1:])
        self.memory: torch.Tensor | None = None

    def forward(self, x: torch.Tensor, memory: Memory = Memory.DISABLED) -> torch.Tensor:
        if memory == Memory.ACTIVE and self.memory is not None:
            x = torch.cat((self.memory.to(x), x), dim=2)
        else:
            x = extend_head(x, self.temporal_padding * 2)
        keep = self.kernel_size[0] - self.stride[0]
        self.memory = x[:, :, x.size(2) - keep:].detach() if keep > 0 and memory != Memory.DISABLED else None
        if x.numel() * x.element_size() <= self.memory_limit:
            return super().forward(x)
        return self._in_bands(x)

    def _in_bands(self, x: torch.Tensor) -> torch.Tensor:
        """The convolution of a large input in bands of output rows, each read with the input
        rows its kernel needs and zero-padded where the frame ends: the whole result exactly, with
        no input copy larger than ``memory_limit`` (memory_limit_conv's split, which also keeps
        cuDNN within 32-bit indexing on a 4K frame)."""
        kh, sh, ph, pw = self.kernel_size[1], self.stride[1], self.padding[1], self.padding[2]
        h = x.shape[3]
        rows = (h + 2 * ph - kh) // sh + 1
        bands = -(-x.numel() * x.element_size() // int(self.memory_limit))
        step = -(-rows // bands)
        out = []
        for o0 in range(0, rows, step):
            o1 = min(rows, o0 + step)
            a, b = o0 * sh - ph, (o1 - 1) * sh - ph + kh
            band = F.pad(x[:, :, :, max(a, 0):min(b, h)], (pw, pw, max(0, -a), max(0, b - h)))
            out.append(F.conv3d(band, self.weight, self.bias, self.stride, 0, self.dilation, self.groups))
        return torch.cat(out, dim=3)

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        weight = state_dict.get(prefix + "weight")
        if weight is not None and weight.dim() == 4 and self.inflation_mode in ("tail", "replicate"):
            state_dict[prefix + "weight"] = inflate_weight(weight, self.kernel_size[0], self.inflation_mode)
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)


NORM_ELEMENTS = 2**28  # numbers a group norm call takes at once, at most (a frame more if one is larger)


def frame_norm(norm: nn.GroupNorm, x: torch.Tensor) -> torch.Tensor:
    """causal_norm_wrapper for a GroupNorm: each frame normalised on its own (no temporal mixing),
    a few frames at a time into one output in the input's layout, so only a few frames are ever
    copied to [frames, C, H, W] (the reference chunks a norm over 0.5 GiB for the same reason)."""
    b, c, t, h, w = x.shape
    out = torch.empty_like(x, memory_format=torch.contiguous_format)
    step = max(1, NORM_ELEMENTS // (b * c * h * w))
    for t0 in range(0, t, step):
        part = x[:, :, t0:t0 + step]
        n = part.shape[2]
        y = norm(part.transpose(1, 2).reshape(b * n, c, h, w))
        out[:, :, t0:t0 + n] = y.reshape(b, n, c, h, w).transpose(1, 2)
    return out


class ResnetBlock3D(nn.Module):
    """ResnetBlock3D: norm1, SiLU, conv1, norm2, SiLU, conv2, plus a 1x1x1 shortcut when the width
    changes. ``time_receptive_field`` 'full' gives conv1 a 3-frame kernel, 'half' a 1-frame one."""

    def __init__(self, in_channels: int, out_channels: int, groups: int, eps: float = 1e-6,
                 time_receptive_field: str = "full", inflation_mode: str = "tail"):
        super().__init__()
        full = time_receptive_field == "full"
        self.norm1 = nn.GroupNorm(groups, in_channels, eps=eps)
        self.conv1 = CausalConv3d(in_channels, out_channels, kernel_size=(3, 3, 3) if full else (1, 3, 3),
                                  padding=(1, 1, 1) if full else (0, 1, 1), inflation_mode=inflation_mode)
        self.norm2 = nn.GroupNorm(groups, out_channels, eps=eps)
        self.conv2 = CausalConv3d(out_channels, out_channels, 3, padding=1, inflation_mode=inflation_mode)
        self.conv_shortcut = (CausalConv3d(in_channels, out_channels, 1, inflation_mode=inflation_mode)
                              if in_channels != out_channels else None)

    def forward(self, x: torch.Tensor, memory: Memory = Memory.DISABLED) -> torch.Tensor:
        h = self.conv1(F.silu(frame_norm(self.norm1, x), inplace=True), memory)
        h = self.conv2(F.silu(frame_norm(self.norm2, h), inplace=True), memory)
        if self.conv_shortcut is not None:
            x = self.conv_shortcut(x, memory)
        return x + h


class Downsample3D(nn.Module):
    """Downsample3D with padding 0: the frame padded by one row and column (bottom, right), then a
    stride-2 3x3 convolution, with a 3-frame stride-2 causal kernel when ``temporal_down``."""

    def __init__(self, channels: int, temporal_down: bool, inflation_mode: str = "tail"):
        super().__init__()
        self.temporal_down = temporal_down
        self.conv = CausalConv3d(channels, channels, kernel_size=(3 if temporal_down else 1, 3, 3),
                                 stride=(2 if temporal_down else 1, 2, 2),
                                 padding=(1 if temporal_down else 0, 0, 0), inflation_mode=inflation_mode)

    def forward(self, x: torch.Tensor, memory: Memory = Memory.DISABLED) -> torch.Tensor:
        return self.conv(F.pad(x, (0, 1, 0, 1)), memory)


class Upsample3D(nn.Module):
    """Upsample3D (MAGViT-v2 style): a 1x1x1 convolution to ``channels * 4 (* 2)`` then those
    channels laid out as 2x2 pixels (and 2 frames), the duplicated second frame of a clip's start
    dropped, then a causal 3x3x3 convolution."""

    def __init__(self, channels: int, temporal_up: bool, inflation_mode: str = "tail"):
        super().__init__()
        self.temporal_ratio = 2 if temporal_up else 1
        self.upscale_conv = nn.Conv3d(channels, channels * 4 * self.temporal_ratio, kernel_size=1)
        self.conv = CausalConv3d(channels, channels, 3, padding=1, inflation_mode=inflation_mode)

    def forward(self, x: torch.Tensor, memory: Memory = Memory.DISABLED) -> torch.Tensor:
        b, c, f, h, w = x.shape
        z = self.temporal_ratio
        # "b (x y z c) f h w -> b c (f z) (h x) (w y)" with x = y = 2
        y = self.upscale_conv(x).reshape(b, 2, 2, z, c, f, h, w)
        y = y.permute(0, 4, 5, 3, 6, 1, 7, 2).reshape(b, c, f * z, h * 2, w * 2)
        if z == 2 and memory != Memory.ACTIVE:
            y = remove_head(y)
        return self.conv(y, memory)
