"""Image to Video's middle picture (the ComfyUI-Wan22FMLF pack's first / middle / last frames): the input and settings
declared once here, the family's MiddleFrame capability applied around the take's call (families/wan/middle_frame.py
for Wan). Refused in words where it cannot apply, never dropped silently."""
from __future__ import annotations

from contextlib import nullcontext

from studio.core.errors import StudioError
from studio.core.params import Float, Int
from studio.core.spec import In

from ..base.capabilities import MiddleFrame

INPUTS = (In("middle_image", "Image", optional=True,
             help="a picture the take passes through at 'middle_frame' (Wan image to video, one window), held with "
                  "'middle_strength' by the high-noise expert and 'middle_strength_2' by the low-noise one"),)
PARAMS = (Int("middle_frame", 0, min=0, max=100000,
              help="the frame of the middle picture (its latent frame's last: a multiple of 4); 0: the take's "
                   "middle, as the Wan22FMLF pack's ratio 0.5"),
          Float("middle_strength", 0.8, min=0.0, max=1.0,
                help="how firmly the middle picture is held (the high-noise expert's, or the only one's; the pack's "
                     "high_noise_mid_strength)"),
          Float("middle_strength_2", 0.2, min=0.0, max=1.0,
                help="Wan 2.2 A14B: the low-noise expert's strength (the pack's low_noise_mid_strength; at 0 its "
                     "condition is made without the picture)"))


def pack_frame(ratio: float, length: int) -> int:
    """The Wan22FMLF pack's middle frame for its middle_frame_ratio: ``int(length * ratio)`` rounded down to a
    multiple of 4, kept in 4 .. length - 5 (its _calculate_aligned_position and the clamp after it)."""
    at = min(max(0, int(length * float(ratio)) // 4 * 4), max(0, length - 1))
    return max(4, min(at, length - 5))


def frame_of(p, n: int) -> int:
    """The middle picture's frame in a take of ``n`` frames (0: the pack's frame for the ratio 0.5)."""
    at = int(getattr(p, "middle_frame", 0) or 0)
    return at if at > 0 else pack_frame(0.5, n)


def applied(ctx, s, p, picture, n: int, win: int, svi: int):
    """The block inside which the take's call holds ``picture`` (nothing where none is wired); refused in words
    where it cannot apply."""
    if picture is None:
        return nullcontext()
    why = "" if s.fam.capability(MiddleFrame) is not None else f"{s.fam.title}: {s.fam.why_without(MiddleFrame)}"
    if not why and (n > win or s.context is not None):
        why = f"the take of {n} frames is made in windows of {win}: a middle picture conditions one call"
    if not why and svi:
        why = "SVI 2.0 Pro's condition (svi_motion_latents) holds the anchor and the motion latents only"
    at = frame_of(p, n)
    if not why and not 4 <= at <= n - 5:
        why = f"middle_frame {at} is not between the first and the last latent frames of {n} frames (4 .. {n - 5})"
    if why:
        raise StudioError(f"Image to Video: the middle picture cannot be applied ({why}): leave 'middle_image' "
                          "unconnected")
    laid = 4 * max(1, min((at + 3) // 4, (n - 1) // 4 - 1))  # the last frame of its latent frame (Wan's grouping)
    if laid != at:
        ctx.info(f"middle_frame {at}: the picture is laid at frame {laid}, the last frame of the latent frame holding "
                 f"{at} (as the Wan22FMLF pack aligns it)")
    img = picture.frame(0) if hasattr(picture, "frame") else picture
    ctx.stream_to = None  # (the call made inside the block)
    return s.fam.capability(MiddleFrame).applied(ctx, s.pipe, img, laid, float(p.middle_strength),
                                                 float(p.middle_strength_2))
