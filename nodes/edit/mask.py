"""Mask tools: a channel picked, threshold, grow/shrink (by a disk or a square), blur, invert, in that order."""
from __future__ import annotations

import cv2
import numpy as np

from studio.core.params import Bool, Choice, Float, Int
from studio.core.spec import FRAME, In, Node, Out

LUMA = np.array([0.2126, 0.7152, 0.0722], np.float32)


EXACT_GROW = 16  # larger grows of a two-level mask go by its distance transform (a ring of edge pixels may differ)
EXACT_BLUR = 12.0  # larger blurs are made at a reduced size (at most about 1/150 off), then scaled up


CHANNELS = ("luma", "red", "green", "blue", "alpha")
SHAPES = ("disk", "square", "diamond")


def grow_and_feather(m: np.ndarray, grow: int, blur: float, shape: str = "disk") -> np.ndarray:
    """A 2-D float mask grown (negative: shrunk) by ``grow`` pixels, then its edge blurred
    (Gaussian sigma ``blur``). Large values cost about what small ones do (an 8192x8192 mask grown
    by 256 and feathered by 100: seconds, not half an hour): see :func:`_grow` and :func:`feather`.
    ``shape`` 'square': each pixel takes the largest (shrunk: smallest) value within ``grow`` pixels
    across and down (a (2 grow + 1)-pixel square, as a max-pool of that size with stride 1 gives); 'diamond':
    within ``grow`` steps across plus down (a 3x3 cross applied ``grow`` times: ComfyUI's GrowMask with
    tapered corners)."""
    if grow:  # past the frame's width plus height every shape reaches every pixel: the same mask, at a bounded cost
        grow = max(-(m.shape[0] + m.shape[1]), min(grow, m.shape[0] + m.shape[1]))
    if grow and shape == "diamond":
        m = _grow_diamond(m, grow)
    elif grow and shape == "square":
        k = cv2.getStructuringElement(cv2.MORPH_RECT, (2 * abs(grow) + 1, 2 * abs(grow) + 1))
        m = (cv2.dilate if grow > 0 else cv2.erode)(m, k, borderType=cv2.BORDER_REPLICATE)
    elif grow:
        m = _grow(m, grow)
    if blur > 0:
        m = feather(m, blur)
    return m


def _grow(m: np.ndarray, grow: int) -> np.ndarray:
    """Dilate (erode) by a disk of radius ``grow``: OpenCV's ellipse kernel, whose cost grows with
    the radius (256 on 4096x4096: minutes); past EXACT_GROW a two-level mask (0 and 1: a shape or a
    threshold) is grown by its exact Euclidean distance transform instead, in one pass whatever
    the radius."""
    r = abs(grow)
    if r > EXACT_GROW:
        inside = m >= 0.5
        if np.array_equal(m, inside):  # 0 and 1 only
            if grow > 0:
                d = cv2.distanceTransform((~inside).view(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
                return (d <= r).astype(np.float32)
            d = cv2.distanceTransform(inside.view(np.uint8), cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
            return (d > r).astype(np.float32)
    k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
    return (cv2.dilate if grow > 0 else cv2.erode)(m, k, borderType=cv2.BORDER_REPLICATE)


def _grow_diamond(m: np.ndarray, grow: int) -> np.ndarray:
    """Dilate (erode) by a diamond of radius ``grow`` (pixels within ``grow`` steps across plus down): a 3x3
    cross applied ``grow`` times (edges replicated); past EXACT_GROW a two-level mask goes by its city-block
    distance transform, in one pass whatever the radius."""
    r = abs(grow)
    if r > EXACT_GROW:
        inside = m >= 0.5
        if np.array_equal(m, inside):
            if grow > 0:
                d = cv2.distanceTransform((~inside).view(np.uint8), cv2.DIST_L1, 3)
                return (d <= r).astype(np.float32)
            d = cv2.distanceTransform(inside.view(np.uint8), cv2.DIST_L1, 3)
            return (d > r).astype(np.float32)
    k = cv2.getStructuringElement(cv2.MORPH_CROSS, (3, 3))
    return (cv2.dilate if grow > 0 else cv2.erode)(m, k, iterations=r, borderType=cv2.BORDER_REPLICATE)


def feather(m: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur of sigma ``sigma`` (edges replicated). OpenCV's kernel is 8 sigma wide, so a
    large sigma on a large frame is slow (100 on 8192x8192: minutes); from 2 * EXACT_BLUR up the
    mask is blurred at 1/f of its size (f = sigma // EXACT_BLUR, by area), with the sigma less what
    the area average and the bilinear scaling back add, then scaled back up."""
    f = int(sigma // EXACT_BLUR)
    if f < 2:
        return cv2.GaussianBlur(m, (0, 0), sigma, borderType=cv2.BORDER_REPLICATE)
    h, w = m.shape[:2]
    sw, sh = -(-w // f), -(-h // f)
    small = cv2.resize(m, (sw, sh), interpolation=cv2.INTER_AREA)
    fx, fy = w / sw, h / sh
    # the area average adds a variance of f^2/12, the linear scaling up f^2/6: f^2/4 in all
    sx, sy = (float(np.sqrt(max(sigma ** 2 - k ** 2 / 4, 1e-6))) / k for k in (fx, fy))
    small = cv2.GaussianBlur(small, (0, 0), sx, sigmaY=sy, borderType=cv2.BORDER_REPLICATE)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


def picked(frame: np.ndarray, channel: str) -> np.ndarray:
    """The 2-D mask ``channel`` picks of an H x W x C frame: its luma (Rec. 709 weights; any other than a
    three-channel frame: its first channel), or one colour channel (ComfyUI's ImageToMask), or its alpha (1
    where the frame has none)."""
    c = frame.shape[2]
    if channel == "luma":
        return frame @ LUMA if c == 3 else frame[..., 0]
    if channel == "alpha":
        return frame[..., 3] if c == 4 else (frame[..., 1] if c == 2 else np.ones(frame.shape[:2], np.float32))
    return frame[..., min(CHANNELS.index(channel) - 1, c - 1)] if c >= 3 else frame[..., 0]


class MaskTools(Node):
    """Shape a mask: pick it from a channel, threshold it, grow or shrink it (by a disk or a square),
    feather its edge, invert it (applied in that order). A video on the input becomes a mask by its luma
    (Rec. 709 weights) or by one of its channels."""
    id = "edit.mask_tools"
    keywords = ("roto", "matte", "key", "feather", "choke", "erode", "dilate", "edge blur")
    title = "Mask Tools"
    category = "Edit"
    timing = FRAME
    inputs = (In("mask", "Video", help="a mask, or a video used by its luma"),)
    outputs = (Out("mask", "Mask"),)
    params = (Choice("channel", "luma", choices=CHANNELS,
                     help="what of a video makes the mask: its luma, or one channel (ComfyUI's ImageToMask)"),
              Float("threshold", -1.0, min=-1.0, max=1.0, help="1 above it, 0 below; -1 = off"),
              Int("grow", 0, min=-16384, max=16384, help="pixels to grow (negative: shrink)"),
              Choice("grow_shape", "disk", choices=SHAPES,
                     help="disk: within 'grow' pixels in any direction; square: within 'grow' pixels across and "
                          "down (a max-pool of 2 x grow + 1 pixels: LTX's Dilate Video Mask, ComfyUI's GrowMask "
                          "without tapered corners); diamond: within 'grow' steps across plus down (ComfyUI's "
                          "GrowMask with tapered corners)"),
              Float("blur", 0.0, min=0.0, max=256.0, help="edge feather: Gaussian sigma in pixels"),
              Bool("invert", False))

    def output_shape(self, ctx, mask, **_):
        return {"channels": 1}

    def frame(self, ctx, i, mask):
        p = ctx.params
        m = np.ascontiguousarray(picked(mask, p.channel), np.float32)
        if p.threshold >= 0:
            m = (m > p.threshold).astype(np.float32)
        m = grow_and_feather(m, p.grow, p.blur, p.grow_shape)
        if p.invert:
            m = 1.0 - m
        return np.clip(m, 0.0, 1.0).reshape(mask.shape[0], mask.shape[1], 1)
