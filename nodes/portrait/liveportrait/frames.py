"""Live Portrait's frames, a batch of driving frames at a time: the source frames' (and the driving frames') network
inputs, cropped about the face where crops are given (crop.py), the release's keypoint drive (animate.py), the
generator's frames pasted back into the source pictures, or resized. Written after the release's
src/live_portrait_pipeline.py at github:KwaiVGI/LivePortrait@1986663be3b6902605d32200c01f4bfd36cda83d (MIT); a
source clip's frame i drives with driving frame i (its last frame held), as kijai's LivePortraitProcess pairs them."""
from __future__ import annotations

import contextlib

import numpy as np
import torch

from . import animate, crop


class Pictures:
    """The source's first ``n`` frames (a picture: one), RGB float32, read as they are needed (a few kept)."""

    KEPT = 16

    def __init__(self, source, n: int):
        self.source, self.n = source, n
        first = self[0]
        self.shape = (n, *first.shape)

    def __len__(self) -> int:
        return self.n

    def _one(self, j: int) -> np.ndarray:
        if not hasattr(self, "kept"):
            self.kept: dict[int, np.ndarray] = {}
        if j not in self.kept:
            f = self.source.frame(j) if hasattr(self.source, "frame") else self.source
            f = np.asarray(f, dtype=np.float32)
            f = f.reshape(*f.shape[:2], -1)
            if len(self.kept) >= self.KEPT:
                self.kept.pop(next(iter(self.kept)))
            self.kept[j] = np.repeat(f, 3, axis=-1) if f.shape[-1] == 1 else f[..., :3]  # grey: three alike
        return self.kept[j]

    def __getitem__(self, j):
        return np.stack([self._one(int(i)) for i in j]) if isinstance(j, (list, tuple)) else self._one(int(j))


class Frames:
    """``make(a, b)``: the frames for driving frames a..b-1 of ``clip``, [n, H, W, 3] float32 in [0, 1]."""

    def __init__(self, nets: dict, p, pictures: Pictures, clip, src_maps, drv_map, device, fp16: bool,
                 to_input, size: int, check=lambda: None):
        self.nets, self.p, self.pictures, self.clip = nets, p, pictures, clip
        self.src_maps, self.drv_map, self.device, self.fp16 = src_maps, drv_map, device, fp16
        self.to_input, self.size, self.check = to_input, size, check
        self.one = self.sources([0]) if len(pictures) == 1 else None
        with torch.no_grad(), self.auto():
            self.d0 = animate.motion_of(nets["motion"], self.driving_input(clip.chunk(0, 1)))
        self.mult = self.x_d0 = None
        if p.driving_option == "expression-friendly":
            src, _, x_s = self.one
            self.x_d0 = animate.drive(src, self.d0, self.d0, True, p.animation_region)
            self.mult = animate.motion_multiplier(x_s, self.x_d0)
        self.mask = crop.feather(1)  # (at the generator's side, made with the first frames)

    def auto(self):
        """The release's half precision: autocast on the GPU."""
        return (torch.autocast(device_type=str(self.device).split(":")[0], dtype=torch.float16) if self.fp16
                else contextlib.nullcontext())

    def source_input(self, idx: list[int]) -> torch.Tensor:
        if self.src_maps is None:
            return self.to_input(self.pictures[idx], self.device, torch.float32)
        return self.to_input(np.stack([crop.to_networks(self.pictures[j], self.src_maps[j], self.p.crop_size,
                                                        self.size) for j in idx]), self.device, torch.float32)

    def driving_input(self, frames: np.ndarray) -> torch.Tensor:
        if self.drv_map is None:
            return self.to_input(frames, self.device, torch.float32)
        crops = [crop.to_networks(f[..., :3], self.drv_map, self.p.crop_size, self.size, False) for f in frames]
        return self.to_input(np.stack(crops), self.device, torch.float32)

    def sources(self, idx: list[int]):
        """Source frames ``idx``' motion, appearance volume and keypoints (each distinct frame run once)."""
        uniq = sorted(set(idx))
        with torch.no_grad(), self.auto():
            x = self.source_input(uniq)
            m = animate.motion_of(self.nets["motion"], x)
            f = self.nets["appearance"](x).float()
        at = torch.tensor([uniq.index(j) for j in idx])
        m = animate.Motion(**{k: v[at] for k, v in m.__dict__.items()})
        return m, f[at], animate.keypoints(m)

    def make(self, a: int, b: int) -> np.ndarray:
        import cv2
        p, nets = self.p, self.nets
        self.check()
        idx = [min(i, len(self.pictures) - 1) for i in range(a, b)]
        src, f_s, x_s = self.one if self.one is not None else self.sources(idx)
        with torch.no_grad(), self.auto():
            d = animate.motion_of(nets["motion"], self.driving_input(self.clip.chunk(a, b)))
            x_d = animate.drive(src, d, self.d0, p.relative_motion, p.animation_region)
            if self.mult is not None:
                x_d = (x_d - self.x_d0) * self.mult + x_s
            if p.stitching:
                x_d = animate.stitch(nets["stitching"]["stitching"], x_s, x_d)
            x_d = x_s + (x_d - x_s) * p.driving_multiplier
            y = animate.render(nets["warping"], nets["generator"], f_s, x_s, x_d)
        y = y.clamp(0, 1).permute(0, 2, 3, 1).cpu().numpy().astype(np.float32)
        if self.src_maps is not None and p.paste_back:
            if self.mask.shape[0] != y.shape[1]:
                self.mask = crop.feather(y.shape[1])
            return np.stack([crop.paste_back(f, self.src_maps[j], p.crop_size, self.pictures[j], self.mask)
                             for f, j in zip(y, idx)])
        h, w = self.pictures.shape[1:3]
        if p.size == "source" and y.shape[1:3] != (h, w):
            y = np.stack([cv2.resize(f, (w, h), interpolation=cv2.INTER_CUBIC) for f in y]).clip(0, 1)
        return y
