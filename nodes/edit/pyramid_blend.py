"""Pyramid Blend: a foreground mixed over a background through a mask band by band (a Laplacian pyramid), so a
seam melts at every scale: what LTX's LTXVLaplacianPyramidBlend (ComfyUI-LTXVideo, pyramid_blending.py, read for
its maths) does after an in/outpainting pass, the generated take over the painted clip.

The maths, as that node works it on each frame: the three pictures padded on the right and bottom (reflected) to a
power of two in each side unless both are already; a Gaussian pyramid of ``levels`` levels (fewer where the padded
frame's shorter side is smaller than 2 ** levels), each level the last blurred by the 5 x 5 binomial kernel
([1 4 6 4 1] / 16 across and down, reflected at the edges) and halved by a bilinear resample (half-pixel centres);
the pictures' Laplacian levels each Gaussian level less the next one doubled (bilinear) and blurred by that kernel;
the mixed levels foreground x mask + background x (1 - mask), the mask's Gaussian level for each; the result built
back from the smallest, each doubled and blurred and its mixed level added; cut to the frame and held to [0, 1].
Before that the mask may be grown coarsely: scaled (bilinear) to 64 pixels on its longer side, each pixel the
largest within 'mask_grow' pixels across and down, scaled back. Vectorised torch on the CPU, one frame at a time."""
from __future__ import annotations

import math

import numpy as np

from studio.core.params import Int
from studio.core.spec import FRAME, In, Node, Out

LOW_RES_SIDE = 64  # the longer side the mask is grown at


def _kernel(torch):
    k = torch.tensor([1.0, 4.0, 6.0, 4.0, 1.0])
    return (k[:, None] * k[None, :] / 256.0)[None, None]


def _blur(x, k):
    import torch.nn.functional as F
    c = x.shape[1]
    return F.conv2d(F.pad(x, (2, 2, 2, 2), mode="reflect"), k.expand(c, 1, 5, 5), groups=c)


def _down(x, k):
    import torch.nn.functional as F
    h, w = x.shape[-2:]
    return F.interpolate(_blur(x, k), size=(h // 2, w // 2), mode="bilinear", align_corners=False)


def _up(x, k):
    import torch.nn.functional as F
    h, w = x.shape[-2:]
    return _blur(F.interpolate(x, size=(h * 2, w * 2), mode="bilinear", align_corners=False), k)


def _pow2(n: int) -> int:
    return 1 << (n - 1).bit_length()


def grown_coarsely(mask, radius: int):
    """``mask`` ([1, 1, H, W] tensor) grown at 64 pixels on its longer side by a (2 radius + 1) square, scaled back."""
    import torch.nn.functional as F
    if radius <= 0:
        return mask
    h, w = mask.shape[-2:]
    if max(h, w) != LOW_RES_SIDE:
        s = LOW_RES_SIDE / max(h, w)
        small = F.interpolate(mask, size=(max(1, int(round(h * s))), max(1, int(round(w * s)))),
                              mode="bilinear", align_corners=False)
    else:
        small = mask
    small = F.max_pool2d(small, kernel_size=2 * radius + 1, stride=1, padding=radius)
    return F.interpolate(small, size=(h, w), mode="bilinear", align_corners=False)


def pyramid_blend(fg: np.ndarray, bg: np.ndarray, mask: np.ndarray, levels: int = 7, mask_grow: int = 0
                  ) -> np.ndarray:
    """``fg`` over ``bg`` (H x W x C float frames) through ``mask`` (H x W or H x W x 1: 1 shows ``fg``), blended
    band by band (the module's maths)."""
    import torch
    import torch.nn.functional as F
    h, w = fg.shape[:2]
    a = torch.tensor(np.asarray(fg, np.float32)).permute(2, 0, 1)[None]  # (copies: the engine's frames are read-only)
    b = torch.tensor(np.asarray(bg, np.float32)).permute(2, 0, 1)[None]
    m = torch.tensor(np.asarray(mask, np.float32).reshape(h, w))[None, None]
    m = grown_coarsely(m, mask_grow)
    pw, ph = (0, 0) if (_pow2(w) == w and _pow2(h) == h) else (_pow2(w) - w, _pow2(h) - h)
    if pw or ph:
        a, b, m = (F.pad(x, (0, pw, 0, ph), mode="reflect") for x in (a, b, m))
    n = max(1, min(levels, int(math.log2(min(h + ph, w + pw)))))
    k = _kernel(torch)
    ga, gb, gm = [a], [b], [m]
    for _ in range(n - 1):
        ga.append(_down(ga[-1], k))
        gb.append(_down(gb[-1], k))
        gm.append(_down(gm[-1], k))
    la = [ga[i] - _up(ga[i + 1], k) for i in range(n - 1)] + [ga[-1]]
    lb = [gb[i] - _up(gb[i + 1], k) for i in range(n - 1)] + [gb[-1]]
    out = la[-1] * gm[-1] + lb[-1] * (1 - gm[-1])
    for i in range(n - 2, -1, -1):
        out = _up(out, k) + la[i] * gm[i] + lb[i] * (1 - gm[i])
    return out[0, :, :h, :w].clamp(0, 1).permute(1, 2, 0).numpy()


class PyramidBlend(Node):
    """Mix a foreground over a background through a mask band by band (a Laplacian pyramid), so the seam melts at
    every scale: the generated take of an in/outpainting pass over its painted clip (LTX's Laplacian Pyramid Blend).
    The three must be the same size; the output is as long as the shortest."""
    id = "edit.pyramid_blend"
    keywords = ("laplacian", "pyramid", "seamless", "blend", "inpaint", "outpaint", "seam")
    title = "Pyramid Blend"
    category = "Edit"
    timing = FRAME
    inputs = (In("background", "Video", help="shown where the mask is black"),
              In("foreground", "Video", help="shown where the mask is white"),
              In("mask", "Mask", help="1: the foreground; 0: the background"))
    outputs = (Out("video", "Video"),)
    params = (Int("levels", 7, min=1, max=12, help="pyramid levels (fewer where the frame is small)"),
              Int("mask_grow", 0, min=0, max=15,
                  help="the mask grown by this many pixels at 64 pixels on its longer side, then scaled back "
                       "(LTX's mask_low_res_dilation); 0 = as it is"))

    def output_shape(self, ctx, background, foreground, mask, **_):
        sizes = {(c.width, c.height) for c in (background, foreground, mask)}
        if len(sizes) != 1:
            raise ValueError(f"the background is {background.width}x{background.height}, the foreground "
                             f"{foreground.width}x{foreground.height}, the mask {mask.width}x{mask.height}: "
                             "they must be the same size")
        return {"channels": max(background.channels, foreground.channels)}

    def frame(self, ctx, i, background, foreground, mask):
        c = max(background.shape[2], foreground.shape[2])
        bg = np.broadcast_to(background, background.shape[:2] + (c,))
        fg = np.broadcast_to(foreground, foreground.shape[:2] + (c,))
        return pyramid_blend(fg, bg, mask[..., :1], ctx.params.levels, ctx.params.mask_grow)
