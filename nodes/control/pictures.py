"""Control pictures made of the picture itself, as comfyui_controlnet_aux (Apache-2.0) makes them for a tile or an
inpaint ControlNet: Control Tile (the picture blurred by a pyramid: shrunk 2^n times, then doubled n times) and
Masked Picture (the picture with its masked pixels marked). Followed from Fannovel16/comfyui_controlnet_aux at
e8b689a513c3e6b63edc44066560ca5919c0576e: src/custom_controlnet_aux/tile/__init__.py (TileDetector) and
node_wrappers/inpaint.py (InpaintPreprocessor); written here, numpy + OpenCV."""
from __future__ import annotations

import cv2
import numpy as np

from studio.core.params import Choice, Int
from studio.core.spec import FRAME, In, Node, Out

CATEGORY = "Control"
MARKS = {"-1 (ControlNet 1.1 inpaint)": -1.0, "black (xinsir)": 0.0}


def tile_size(width: int, height: int, levels: int) -> tuple[int, int]:
    """The size of a tile picture of a ``width`` x ``height`` frame: each side rounded to a multiple of 64, divided by
    2^levels (floor), doubled back ``levels`` times (TileDetector's)."""
    k = 2 ** levels
    return tuple(max(1, int(np.round(s / 64.0)) * 64 // k) * k for s in (width, height))


def tile(frame: np.ndarray, levels: int) -> np.ndarray:
    """``frame`` (float RGB 0..1) as a tile ControlNet reads it: as 8-bit (ComfyUI's truncation), shrunk by OpenCV's
    area resize to 1/2^levels of its 64-rounded size, then cv2.pyrUp ``levels`` times (a Gaussian upsampling)."""
    a = (np.clip(np.asarray(frame, np.float32)[..., :3], 0.0, 1.0) * 255.0).astype(np.uint8)
    if a.shape[2] == 1:
        a = np.repeat(a, 3, -1)
    w, h = tile_size(a.shape[1], a.shape[0], levels)
    k = 2 ** levels
    small = cv2.resize(a, (w // k, h // k), interpolation=cv2.INTER_AREA)
    if small.ndim == 2:
        small = small[..., None]
    for _ in range(levels):
        small = cv2.pyrUp(small)
    return small.astype(np.float32) / 255.0


class ControlTile(Node):
    """A tile ControlNet's control clip: every frame blurred by a pyramid (its size rounded to a multiple of 64,
    shrunk 2^levels times, doubled back), what ComfyUI's Tile preprocessor (comfyui_controlnet_aux) gives a tile
    ControlNet."""
    id = "control.tile"
    keywords = ("tile", "controlnet", "blur", "pyramid", "TilePreprocessor")
    title = "Control Tile"
    category = CATEGORY
    timing = FRAME
    inputs = (In("video", "Video"),)
    outputs = (Out("video", "Video"),)
    params = (Int("levels", 3, min=1, max=10, help="how many times the picture is halved and doubled back "
                                                   "(ComfyUI's pyrUp_iters): more is blurrier"),)

    def output_shape(self, ctx, video, **_):
        w, h = tile_size(video.width, video.height, ctx.params.levels)
        return {"width": w, "height": h, "channels": 3}

    def frame(self, ctx, i, video):
        return tile(video, ctx.params.levels)


def masked(frame: np.ndarray, mask: np.ndarray, mark: float) -> np.ndarray:
    """``frame`` with every pixel whose ``mask`` (fitted to the frame's size, bilinear) is over 0.5 set to ``mark``
    in every channel (InpaintPreprocessor's)."""
    img = np.array(np.asarray(frame, np.float32)[..., :3], np.float32)
    m = np.asarray(mask, np.float32)
    m = m[..., 0] if m.ndim == 3 else m
    if m.shape != img.shape[:2]:
        m = cv2.resize(np.ascontiguousarray(m), (img.shape[1], img.shape[0]), interpolation=cv2.INTER_LINEAR)
    img[m > 0.5] = mark
    return img


class MaskedPicture(Node):
    """An inpaint ControlNet's control clip: the clip with the masked pixels (mask over 0.5) marked -1, as the
    ControlNet 1.1 inpaint model reads them, or black (xinsir's), what ComfyUI's Inpaint Preprocessor gives."""
    id = "control.masked_picture"
    keywords = ("inpaint", "controlnet", "mask", "InpaintPreprocessor")
    title = "Masked Picture"
    category = CATEGORY
    timing = FRAME
    inputs = (In("video", "Video"), In("mask", "Mask", help="white: the pixels marked (to be made)"))
    outputs = (Out("video", "Video"),)
    params = (Choice("mark", "-1 (ControlNet 1.1 inpaint)", choices=tuple(MARKS),
                     help="the value of a masked pixel: -1 (below black: pipelines that read pictures as 8-bit "
                          "give it as black), or black (ComfyUI's black_pixel_for_xinsir_cn)"),)

    def output_shape(self, ctx, video, mask, **_):
        return {"channels": 3}

    def frame(self, ctx, i, video, mask):
        return masked(video, mask, MARKS[ctx.params.mark])
