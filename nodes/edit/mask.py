"""Mask tools: threshold, grow/shrink, blur, invert, in that order."""
from __future__ import annotations

import cv2
import numpy as np

from studio.core.params import Bool, Float, Int
from studio.core.spec import FRAME, In, Node, Out

LUMA = np.array([0.2126, 0.7152, 0.0722], np.float32)


def grow_and_feather(m: np.ndarray, grow: int, blur: float) -> np.ndarray:
    """A 2-D float mask grown (negative: shrunk) by ``grow`` pixels, then its edge blurred
    (Gaussian sigma ``blur``)."""
    if grow:
        r = abs(grow)
        k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1))
        m = (cv2.dilate if grow > 0 else cv2.erode)(m, k, borderType=cv2.BORDER_REPLICATE)
    if blur > 0:
        m = cv2.GaussianBlur(m, (0, 0), blur, borderType=cv2.BORDER_REPLICATE)
    return m


class MaskTools(Node):
    """Shape a mask: threshold it, grow or shrink it, feather its edge, invert it (applied in
    that order). A video on the input becomes a mask by its luma (Rec. 709 weights)."""
    id = "edit.mask_tools"
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
