"""FlashVSR's low-resolution projection: the clip (already resized to the output size, in [-1, 1])
turned into tokens added to the DiT's input, written after the release's ``Buffer_LQ4x_Proj`` (v1.0,
OpenImagingLab/FlashVSR@ccac0ac ``examples/WanVSR/utils/utils.py``) and ``Causal_LQ4x_Proj`` (v1.1, the
release's ``infer_flashvsr_v11_*`` scripts): a 16x16 pixel unshuffle (3 -> 768 channels), two causal
Conv3d (kernel 4x3x3, time stride 2 each: 4 frames -> 1 token frame, space / 16 = the DiT's grid), an RMS
norm and SiLU after each, then Linear layers to the DiT's width. Streaming: chunks of 4 frames, each
conv given the last 2 frames of its input as the causal cache. The versions differ only there: v1.0
hands each conv **its own chunk's** last 2 frames (the cache taken before the conv), v1.1 the
**previous** chunk's (taken after): the same keys, so the file cannot say which it is.

Keys (``LQ_proj_in.ckpt``; an optional ``LQ_proj_in.`` prefix): conv1.weight/bias, norm1.gamma,
conv2.weight/bias, norm2.gamma, linear_layers.N.weight/bias."""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

VERSIONS = ("1.1", "1.0")
UNSHUFFLE = 16
CACHE_T = 2


def unshuffle(x: torch.Tensor, r: int) -> torch.Tensor:
    """[B, C, T, H, W] -> [B, C*r*r, T, H/r, W/r], channels ordered (c, dy, dx) as the release's einops."""
    b, c, t, h, w = x.shape
    x = x.reshape(b, c, t, h // r, r, w // r, r).permute(0, 1, 4, 6, 2, 3, 5)
    return x.reshape(b, c * r * r, t, h // r, w // r)


class CausalConv3d(nn.Conv3d):
    """A Conv3d padded 2 x its time padding in front only (from the cache where given, else the
    first frame replicated) and its space padding replicated."""

    def forward(self, x, cache=None):
        pt, ph, pw = self.padding
        front = 2 * pt
        if cache is not None and front:
            x = torch.cat([cache.to(x), x], dim=2)
            front -= cache.shape[2]
        x = F.pad(x, (pw, pw, ph, ph, max(front, 0), 0), mode="replicate")
        return F.conv3d(x, self.weight, self.bias, self.stride, 0, self.dilation, self.groups)


class RMSNorm3d(nn.Module):
    def __init__(self, dim: int):
        super().__init__()
        self.gamma = nn.Parameter(torch.ones(dim, 1, 1, 1))
        self.scale = dim ** 0.5

    def forward(self, x):
        return F.normalize(x, dim=1) * self.scale * self.gamma


class LQProjection(nn.Module):
    def __init__(self, out_dim: int, hidden1: int = 2048, hidden2: int = 3072, layers: int = 1,
                 version: str = "1.1"):
        super().__init__()
        if version not in VERSIONS:
            raise ValueError(f"FlashVSR version {version!r}: one of {', '.join(VERSIONS)}")
        self.version = version
        self.conv1 = CausalConv3d(3 * UNSHUFFLE * UNSHUFFLE, hidden1, (4, 3, 3), stride=(2, 1, 1), padding=(1, 1, 1))
        self.norm1 = RMSNorm3d(hidden1)
        self.conv2 = CausalConv3d(hidden1, hidden2, (4, 3, 3), stride=(2, 1, 1), padding=(1, 1, 1))
        self.norm2 = RMSNorm3d(hidden2)
        self.linear_layers = nn.ModuleList(nn.Linear(hidden2, out_dim) for _ in range(layers))
        self.reset()

    def reset(self) -> None:
        self.cache1 = self.cache2 = None
        self.chunks = 0

    def _conv(self, conv, x, which: str):
        tail = x[:, :, -CACHE_T:].clone()
        if self.version == "1.0":  # the release's v1.0: the cache set to this chunk's tail before the conv
            setattr(self, which, tail)
            return conv(x, tail)
        y = conv(x, getattr(self, which))
        setattr(self, which, tail)
        return y

    def step(self, frames: torch.Tensor) -> list[torch.Tensor] | None:
        """One chunk of 4 frames [B, 3, 4, H, W] (the first chunk: 1 frame, repeated to 4 as the release
        does); None for the first chunk (it only fills the caches), else one [B, tokens, out_dim] per layer."""
        if self.chunks == 0:
            frames = torch.cat([frames[:, :, :1].repeat(1, 1, 3, 1, 1), frames], dim=2)
        x = F.silu(self.norm1(self._conv(self.conv1, unshuffle(frames, UNSHUFFLE), "cache1")))
        self.chunks += 1
        if self.chunks == 1:
            self.cache2 = x[:, :, -CACHE_T:].clone()
            return None
        x = F.silu(self.norm2(self._conv(self.conv2, x, "cache2")))
        x = x.flatten(2).transpose(1, 2)
        return [lin(x) for lin in self.linear_layers]


def config_from_shapes(shapes: dict) -> dict:
    """LQProjection's sizes from the file's tensor shapes (KeyError / ValueError when they are not its)."""
    c1, c2 = shapes["conv1.weight"], shapes["conv2.weight"]
    if tuple(c1[1:]) != (3 * UNSHUFFLE * UNSHUFFLE, 4, 3, 3) or tuple(c2[1:]) != (c1[0], 4, 3, 3):
        raise ValueError("its convolutions are not FlashVSR's (768 -> hidden -> hidden, kernel 4x3x3)")
    layers = sum(1 for k in shapes if k.startswith("linear_layers.") and k.endswith(".weight"))
    lin = shapes["linear_layers.0.weight"]
    if lin[1] != c2[0]:
        raise ValueError("its linear layers do not take the second convolution's width")
    return {"out_dim": lin[0], "hidden1": c1[0], "hidden2": c2[0], "layers": layers}
