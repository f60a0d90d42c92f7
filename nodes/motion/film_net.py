"""FILM (Frame Interpolation for Large Motion, Reda et al., ECCV 2022): the film_net "Style" network
that makes the frame at a time t between two frames, and its .safetensors file (ComfyUI's
``frame_interpolation/film_net_fp16.safetensors``) read as data.

Written after the released reference, google-research/frame-interpolation (Apache-2.0, TF2:
``models/film_net/{feature_extractor,pyramid_flow_estimator,fusion,interpolator,util}.py``) through
its PyTorch port dajes/frame-interpolation-pytorch (Apache-2.0; ``feature_extractor.py``,
``pyramid_flow_estimator.py``, ``fusion.py``, ``interpolator.py``, ``util.py`` and the recursion
of ``inference.py`` at 33bf477ea2c65a2ed1b5f2280ee1f02be06910e8). The Style config: 7 image
pyramid levels, 5 fusion levels, 3 specialized levels, 4 sub-levels, 64 filters, flow convs
(3, 3, 3, 3) with (32, 64, 128, 256) filters.

Stages: a cascaded feature pyramid of each frame (one shared sub-tree extractor run on every level
of the image pyramid); forward and backward flow, coarse to fine, as residuals (a shared predictor
on the coarse levels, specialized ones on the three finest); both frames' images and features
warped to t (the flows scaled by t and 1 - t); a U-Net-like decoder fuses them into the frame.
Frames' sides must be multiples of 64 (six halvings).

Files: the tensor names of ComfyUI's released ``film_net_fp16.safetensors`` (82 tensors:
``extract.extract_sublevels.convs.I.J.conv.*``, ``predict_flow._predictor._convs.J.conv.*``,
``predict_flow._predictors.I._convs.J.conv.*``, ``fuse.convs.I.J.conv.*``, ``fuse.output_conv.*``);
the port's own names (``.I.J.0.weight``, no ``conv``) are read too. FILM is told from the key
``extract.extract_sublevels.convs.0.0.conv.weight``."""
from __future__ import annotations

import os

import torch
import torch.nn.functional as F
from torch import nn

from .rife_net import NODE, RifeFileError, seen, warp

FILM_MARKER = "extract.extract_sublevels.convs.0.0.conv.weight"
ALIGN = 64  # 2 ** (pyramid levels - 1)


class FilmConv(nn.Module):
    """A conv, 'same' padded as TF pads it (an even kernel: one pixel right and below), LeakyReLU 0.2."""

    def __init__(self, cin: int, cout: int, size: int, act: bool = True):
        super().__init__()
        self.even = size % 2 == 0
        self.conv = nn.Conv2d(cin, cout, size, padding=0 if self.even else size // 2)
        self.act = act

    def forward(self, x):
        if self.even:
            x = F.pad(x, (0, 1, 0, 1))
        x = self.conv(x)
        return F.leaky_relu(x, 0.2) if self.act else x


class SubTree(nn.Module):
    """Features [k, 2k, 4k, ...] on ``n`` levels of one image, two convs a level, average-pooled between."""

    def __init__(self, cin: int = 3, k: int = 64, levels: int = 4):
        super().__init__()
        self.convs = nn.ModuleList()
        for i in range(levels):
            self.convs.append(nn.Sequential(FilmConv(cin, k << i, 3), FilmConv(k << i, k << i, 3)))
            cin = k << i

    def forward(self, x, n: int) -> list:
        out = []
        for i, layer in enumerate(self.convs[:n]):
            x = layer(x)
            out.append(x)
            if i < n - 1:
                x = F.avg_pool2d(x, 2, 2)
        return out


class Extract(nn.Module):
    """The cascaded feature pyramid: level i joins sub-tree j of image level i - j (j < sub-levels)."""

    def __init__(self, k: int = 64, sub_levels: int = 4):
        super().__init__()
        self.extract_sublevels = SubTree(3, k, sub_levels)
        self.sub_levels = sub_levels

    def forward(self, images: list) -> list:
        n = len(images)
        subs = [self.extract_sublevels(images[i], min(n - i, self.sub_levels)) for i in range(n)]
        return [torch.cat([subs[i - j][j] for j in range(min(i, self.sub_levels - 1) + 1)], 1) for i in range(n)]


class FlowHead(nn.Module):
    """The residual flow (2 channels, x then y, pixels) from two levels' features."""

    def __init__(self, cin: int, n: int, filters: int):
        super().__init__()
        self._convs = nn.ModuleList()
        for _ in range(n):
            self._convs.append(FilmConv(cin, filters, 3))
            cin = filters
        self._convs.append(FilmConv(cin, filters // 2, 1))
        self._convs.append(FilmConv(filters // 2, 2, 1, act=False))

    def forward(self, a, b):
        x = torch.cat((a, b), 1)
        for c in self._convs:
            x = c(x)
        return x


class PyramidFlow(nn.Module):
    """Coarse-to-fine flow from pyramid a to pyramid b: the shared predictor on the coarse levels,
    the specialized ones (finest first in ``_predictors``, as the reference stores them) below."""

    def __init__(self, k: int = 64, convs=(3, 3, 3, 3), filters=(32, 64, 128, 256)):
        super().__init__()
        cin, heads = k << 1, []
        for i in range(len(convs)):
            heads.append(FlowHead(cin, convs[i], filters[i]))
            cin += k << (i + 2)
        self._predictor = heads[-1]
        self._predictors = nn.ModuleList(heads[:-1][::-1])

    def forward(self, fa: list, fb: list) -> list:
        """The flow pyramid (finest first; each level the full flow, not a residual)."""
        n, spec = len(fa), len(self._predictors)
        v = self._predictor(fa[-1], fb[-1])
        flows = [v]
        for i in range(n - 2, -1, -1):
            head = self._predictor if i >= spec else self._predictors[spec - 1 - i]
            v = F.interpolate(2 * v, size=fa[i].shape[2:4], mode="bilinear")
            v = v + head(fa[i], warp(fb[i], v))
            flows.insert(0, v)
        return flows


def fusion_channels(level: int, k: int) -> int:
    """Channels of the aligned pyramid at ``level``: both frames' features, image (3) and flow (2)."""
    return (sum(k << i for i in range(level)) + 3 + 2) * 2


class Fuse(nn.Module):
    """The decoder: from the coarsest aligned level up, nearest 2x, a 2x2 conv, joined with the
    level, two 3x3 convs; a 1x1 conv to RGB."""

    def __init__(self, levels: int = 4, specialized: int = 3, k: int = 64):
        super().__init__()
        self.output_conv = nn.Conv2d(k, 3, 1)
        self.convs = nn.ModuleList()
        cin, inc = fusion_channels(levels, k), 0
        for i in range(levels - 1, -1, -1):
            m = (k << i) if i < specialized else (k << specialized)
            self.convs.append(nn.ModuleList([FilmConv(cin, m, 2, act=False), FilmConv(cin + (inc or m), m, 3),
                                             FilmConv(m, m, 3)]))
            cin, inc = m, fusion_channels(i, k) - m // 2

    def forward(self, pyr: list):
        x = pyr[-1]
        for k, (up, c1, c2) in enumerate(self.convs):
            i = len(self.convs) - 1 - k
            x = up(F.interpolate(x, size=pyr[i].shape[2:4], mode="nearest"))
            x = c2(c1(torch.cat((pyr[i], x), 1)))
        return self.output_conv(x)


class FILMNet(nn.Module):
    """film_net (Style). ``forward(img0, img1, t)``: the frame at t; ``encode``: what depends on one
    frame only (its image and feature pyramids), to reuse across calls."""
    name = "FILM"

    def __init__(self, pyramid_levels: int = 7, fusion_levels: int = 5, specialized: int = 3, sub_levels: int = 4,
                 k: int = 64, flow_convs=(3, 3, 3, 3), flow_filters=(32, 64, 128, 256)):
        super().__init__()
        self.pyramid_levels, self.fusion_levels = pyramid_levels, fusion_levels
        self.extract = Extract(k, sub_levels)
        self.predict_flow = PyramidFlow(k, flow_convs, flow_filters)
        self.fuse = Fuse(sub_levels, specialized, k)

    def align(self, scale: float = 1.0) -> int:
        return 2 ** (self.pyramid_levels - 1)

    def encode(self, x) -> tuple[list, list]:
        images = [x]
        for _ in range(self.pyramid_levels - 1):
            images.append(F.avg_pool2d(images[-1], 2, 2))
        return images, self.extract(images)

    def forward(self, img0, img1, timestep, scale: float = 1.0, feats=None):
        """The frames at ``timestep`` (a float, or [B] / [B, 1, ...] a value per item) between
        ``img0`` and ``img1`` ([B, 3, H, W] in [0, 1], H and W multiples of 64). ``scale`` is
        RIFE's and not used here."""
        (i0, f0), (i1, f1) = feats if feats is not None else (self.encode(img0), self.encode(img1))
        b = img0.shape[0]
        t = torch.as_tensor(timestep, dtype=img0.dtype, device=img0.device).reshape(-1)
        t = (t[:1].expand(b) if t.numel() == 1 else t.reshape(b, -1)[:, 0]).view(b, 1, 1, 1)
        n = self.fusion_levels
        fwd = self.predict_flow(f0, f1)[:n]  # from frame 0 to frame 1
        bwd = self.predict_flow(f1, f0)[:n]
        bwd_t, fwd_t = [v * t for v in bwd], [v * (1 - t) for v in fwd]
        aligned = []
        for lv in range(n):
            a = warp(torch.cat((i0[lv], f0[lv]), 1), bwd_t[lv])  # frame 0 read along the backward flow
            c = warp(torch.cat((i1[lv], f1[lv]), 1), fwd_t[lv])
            aligned.append(torch.cat((a, c, bwd_t[lv], fwd_t[lv]), 1))
        return self.fuse(aligned)


def canonical_film(sd: dict) -> dict:
    """ComfyUI's names; the port's (``X.0.weight`` where ComfyUI has ``X.conv.weight``) renamed."""
    out = {}
    for k, v in sd.items():
        name = k.removeprefix("module.")
        if name.startswith(("extract.", "predict_flow.", "fuse.convs.")) and name.endswith((".0.weight", ".0.bias")):
            head, tail = name.rsplit(".", 2)[0], name.rsplit(".", 1)[1]
            name = f"{head}.conv.{tail}"
        out[name] = v
    return out


def is_film(sd: dict) -> bool:
    return any(k.removeprefix("module.").startswith("extract.extract_sublevels.") for k in sd)


def load_film(sd: dict, path: str = "") -> FILMNet:
    """The FILM network of a state dict (any tensor missing, extra or of another shape refused,
    naming what was seen)."""
    base = os.path.basename(path)
    sd = canonical_film(sd)
    from studio.engine.meta_device import meta_device
    with meta_device():  # no random 34 M weights made only to be overwritten (0.17 s a load on one core)
        net = FILMNet()
    want = net.state_dict()
    sd = {k: v.to(want[k].dtype) if k in want else v for k, v in sd.items()}  # the file's fp16 as the net's fp32
    try:
        missing, unexpected = net.load_state_dict(sd, strict=False, assign=True)
    except RuntimeError as e:  # a tensor of another shape
        raise RifeFileError(f"{NODE}: '{base}' looks like FILM but a tensor's shape differs "
                            f"({str(e).splitlines()[-1].strip()[:200]}); Studio reads film_net (Style) "
                            f"at 64 filters; {seen(sd)}") from None
    if missing or unexpected:
        raise RifeFileError(f"{NODE}: '{base}' looks like FILM but its tensors do not fit film_net (Style): missing "
                            f"{missing[:4]}, unexpected {unexpected[:4]} ({seen(sd)})")
    return net.eval()
