"""FlashVSR's tiny conditional decoder (TCDecoder), written after the release's
``examples/WanVSR/utils/TCDecoder.py`` (OpenImagingLab/FlashVSR@ccac0ac, Apache-2.0; itself built on
madebyollin/taehv, MIT): TAEHV's decoder widened (channels 512, 256, 128, 128 in the release) and
conditioned on the low-resolution clip, pixel-unshuffled 4x8x8 in time and space (3 -> 768 channels)
and put in front of the 16 latent channels (``latent_channels`` = 16 + 768). MemBlocks see the previous
frame's input at their depth; TGrow makes 2 frames of 1 twice (x4 in time), Upsample x2 three times
(x8 in space); a 3x3 identity-initialised convolution and a ReLU follow every top-level ReLU (the
release's 'deepening'). Streaming: each frame goes through depth first, the MemBlocks' state kept
between calls, the first 3 frames of the first call trimmed; frames out in [0, 1].

The layer indices (the file's ``decoder.N.`` keys) follow the release's order exactly."""
from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

COND = (4, 8, 8)
COND_CHANNELS = 3 * 4 * 8 * 8


def _conv(n_in: int, n_out: int, bias: bool = True) -> nn.Conv2d:
    return nn.Conv2d(n_in, n_out, 3, padding=1, bias=bias)


class Clamp(nn.Module):
    def forward(self, x):
        return torch.tanh(x / 3) * 3


class MemBlock(nn.Module):
    def __init__(self, n: int):
        super().__init__()
        self.conv = nn.Sequential(_conv(2 * n, n), nn.ReLU(), _conv(n, n), nn.ReLU(), _conv(n, n))

    def forward(self, x, past):
        return F.relu(self.conv(torch.cat([x, past], 1)) + x)


class TGrow(nn.Module):
    def __init__(self, n: int, stride: int):
        super().__init__()
        self.stride = stride
        self.conv = nn.Conv2d(n, n * stride, 1, bias=False)

    def forward(self, x):  # [N, C, H, W] -> `stride` frames, in order
        return list(self.conv(x).chunk(self.stride, 1))


def layers(channels, latent_channels: int) -> list[nn.Module]:
    n = channels
    base = [Clamp(), _conv(latent_channels, n[0]), nn.ReLU()]
    for i, stride in enumerate((1, 2, 2)):
        base += [MemBlock(n[i]), MemBlock(n[i]), MemBlock(n[i]), nn.Upsample(scale_factor=2), TGrow(n[i], stride),
                 _conv(n[i], n[i + 1], bias=False)]
    base += [nn.ReLU(), _conv(n[3], 3)]
    out: list[nn.Module] = []
    for b in base:
        out.append(b)
        if isinstance(b, nn.ReLU) and isinstance(out[-2], nn.Conv2d):
            c = out[-2].out_channels
            ident = nn.Conv2d(c, c, 3, padding=1, bias=False)
            nn.init.dirac_(ident.weight)
            out += [ident, nn.ReLU()]
    return out


def cond_frames(lq: torch.Tensor) -> torch.Tensor:
    """[B, 3, F, H, W] -> [B, ceil(F / 4), 768, H / 8, W / 8], the first frame repeated in front to a
    multiple of 4 (the release's PixelShuffle3d(4, 8, 8))."""
    b, c, f, h, w = lq.shape
    if f % 4:
        lq = torch.cat([lq[:, :, :1].repeat(1, 1, 4 - f % 4, 1, 1), lq], dim=2)
        f = lq.shape[2]
    x = lq.reshape(b, c, f // 4, 4, h // 8, 8, w // 8, 8).permute(0, 1, 3, 5, 7, 2, 4, 6)
    return x.reshape(b, c * 4 * 64, f // 4, h // 8, w // 8).transpose(1, 2)


class TCDecoder(nn.Module):
    def __init__(self, channels=(512, 256, 128, 128), latent_channels: int = 16 + COND_CHANNELS):
        super().__init__()
        self.latent_channels = latent_channels
        self.decoder = nn.Sequential(*layers(channels, latent_channels))
        self.reset()

    def reset(self) -> None:
        self.mem: list[torch.Tensor | None] = [None] * len(self.decoder)
        self.started = False

    def _run(self, x: torch.Tensor, i: int, out: list) -> None:
        while i < len(self.decoder):
            b = self.decoder[i]
            if isinstance(b, MemBlock):
                past = self.mem[i] if self.mem[i] is not None else torch.zeros_like(x)
                self.mem[i] = x
                x = b(x, past)
            elif isinstance(b, TGrow):
                for y in b(x):
                    self._run(y, i + 1, out)
                return
            else:
                x = b(x)
            i += 1
        out.append(x)

    def decode(self, latents: torch.Tensor, lq: torch.Tensor) -> torch.Tensor:
        """latents [B, T, 16, h, w] and their low-resolution frames [B, 3, F, 8h, 8w] (4T frames, or
        4T - 3 for the first call) -> frames [B, T', 3, 8h, 8w] in [0, 1] (T' = 4T, less 3 on the first call)."""
        x = torch.cat([cond_frames(lq).to(latents), latents], dim=2)
        out: list[torch.Tensor] = []
        for t in range(x.shape[1]):
            self._run(x[:, t], 0, out)
        y = torch.stack(out, 1)
        if not self.started:
            self.started = True
            y = y[:, 3:]
        return y


def config_from_shapes(shapes: dict) -> dict:
    """The decoder's channels and latent channels from the file's shapes (ValueError when the
    layout is not the release's)."""
    first = shapes.get("decoder.1.weight")
    if first is None or len(first) != 4:
        raise ValueError("it has no 'decoder.1.weight' convolution (not a FlashVSR TCDecoder)")
    chans = [first[0]] + [shapes.get(f"decoder.{i}.weight", (0,))[0] for i in (10, 16, 22)]
    if 0 in chans:
        raise ValueError("its layers are not the release's TCDecoder's")
    return {"channels": tuple(chans), "latent_channels": first[1]}
