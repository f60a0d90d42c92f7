"""Mask tools: threshold, grow/shrink, blur, invert, in that order."""
from __future__ import annotations

import cv2
import numpy as np

from studio.core.params import Bool, Float, Int
from studio.core.spec import FRAME, In, Node, Out

LUMA = np.array([0.2126, 0.7152, 0.0722], np.float32)


EXACT_GROW = 16  # larger grows of a two-level mask go by its distance transform (a ring of edge pixels may differ)
EXACT_BLUR = 12.0  # larger blurs are made at a reduced size (at most about 1/150 off), then scaled up


def grow_and_feather(m: np.ndarray, grow: int, blur: float) -> np.ndarray:
    """A 2-D float mask grown (negative: shrunk) by ``grow`` pixels, then its edge blurred
    (Gaussian sigma ``blur``). Large values cost about what small ones do (an 8192x8192 mask grown
    by 256 and feathered by 100: seconds, not half an hour): see :func:`_grow` and :func:`feather`."""
    if grow:
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


class MaskTools(Node):
    """Shape a mask: threshold it, grow or shrink it, feather its edge, invert it (applied in
    that order). A video on the input becomes a mask by its luma (Rec. 709 weights)."""
    id = "edit.mask_tools"
    keywords = ("roto", "matte", "key", "feather", "choke", "erode", "dilate", "edge blur")
    title = "Mask Tools"
    category = "Edit"
    timing = FRAME
    inputs = (In("mask", "Video", help="a mask, or a video used by its luma"),)
    outputs = (Out("mask", "Mask"),)
    params = (Float("threshold", -1.0, min=-1.0, max=1.0, help="1 above it, 0 below; -1 = off"),
              Int("grow", 0, min=-512, max=512, help="pixels to grow (negative: shrink)"),
              Float("blur", 0.0, min=0.0, max=256.0, help="edge feather: Gaussian sigma in pixels"),
              Bool("invert", False))

    def output_shape(self, ctx, mask, **_):
        return {"channels": 1}

    def frame(self, ctx, i, mask):
        p = ctx.params
        m = mask @ LUMA if mask.shape[2] == 3 else mask[..., 0]
        m = np.ascontiguousarray(m, np.float32)
        if p.threshold >= 0:
            m = (m > p.threshold).astype(np.float32)
        m = grow_and_feather(m, p.grow, p.blur)
        if p.invert:
            m = 1.0 - m
        return np.clip(m, 0.0, 1.0).reshape(mask.shape[0], mask.shape[1], 1)
