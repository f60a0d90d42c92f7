"""The colour fixes SeedVR2's inference applies to its output against the (resized) input
(``projects/inference_seedvr2_3b.py`` at ByteDance-Seed/SeedVR 673b563 calls
``wavelet_reconstruction(sample, input)`` from a color_fix module the repository does not ship; the
method is StableSR's), written here from their definitions:

- **wavelet**: an a-trous wavelet decomposition in 5 levels (level i: the 3x3 binomial kernel
  [1 2 1; 2 4 2; 1 2 1] / 16 with dilation 2^i, edges replicated); the output's high frequencies
  (the sum of its 5 detail layers) plus the input's low frequencies (its last blur).
- **adain**: adaptive instance normalisation per frame and channel, (x - mean(x)) / std(x) *
  std(ref) + mean(ref), with std = sqrt(unbiased variance + 1e-5).
- **none**: the output as it is.

Both take [N, C, H, W] tensors of the same size in [-1, 1]."""
from __future__ import annotations

import torch
import torch.nn.functional as F

METHODS = ("none", "wavelet", "adain")
LEVELS = 5
EPS = 1e-5


def blur(x: torch.Tensor, radius: int) -> torch.Tensor:
    """The 3x3 binomial blur with dilation ``radius``, edges replicated."""
    k = torch.tensor([[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]], dtype=x.dtype, device=x.device) / 16
    c = x.shape[1]
    x = F.pad(x, (radius,) * 4, mode="replicate")
    return F.conv2d(x, k.expand(c, 1, 3, 3), groups=c, dilation=radius)


def decompose(x: torch.Tensor, levels: int = LEVELS) -> tuple[torch.Tensor, torch.Tensor]:
    """(high, low): low = x blurred at radii 1, 2, 4, ..., high = x - low (the detail layers' sum)."""
    low = x
    for i in range(levels):
        low = blur(low, 2 ** i)
    return x - low, low


def wavelet(out: torch.Tensor, ref: torch.Tensor) -> torch.Tensor:
    return decompose(out)[0] + decompose(ref)[1]


def adain(out: torch.Tensor, ref: torch.Tensor) -> torch.Tensor:
    def stats(x):
        f = x.flatten(2)
        return f.mean(-1)[..., None, None], (f.var(-1) + EPS).sqrt()[..., None, None]
    mo, so = stats(out)
    mr, sr = stats(ref)
    return (out - mo) / so * sr + mr


def apply(method: str, out: torch.Tensor, ref: torch.Tensor) -> torch.Tensor:
    if method == "wavelet":
        return wavelet(out, ref)
    if method == "adain":
        return adain(out, ref)
    return out
