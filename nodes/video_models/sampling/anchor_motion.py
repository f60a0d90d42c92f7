"""Image to Video's SVI 2.0 Pro conditioning (Stable Video Infinity's anchor and motion latents): the setting declared
once here; on a continued take the windows share ``1 + 4m`` frames (the anchor frame's and the motion latents' span,
as ComfyUI's SVI passes are joined), every window is given the take's picture as its anchor, and the family's
AnchorMotion capability is applied around the calls (families/wan/svi_pro.py for Wan). Said where it is not applied,
never dropped silently."""
from __future__ import annotations

from contextlib import nullcontext

from studio.core.params import Int

from ..base.capabilities import AnchorMotion

PARAMS = (Int("svi_motion_latents", 0, min=0, max=32,
              help="Wan image to video, a continued long take with SVI 2.0 Pro's LoRAs: each window conditioned on "
                   "the start picture (the anchor) and this many last latent frames of the window before, zeros "
                   "after them (KJNodes' WanImageToVideoSVIPro's motion_latent_count); 0: off (each window starts "
                   "from the last frame before)"),)


def count(p) -> int:
    return max(0, int(getattr(p, "svi_motion_latents", 0) or 0))


def usable(ctx, s, p, take: str, n: int, win: int, last_image) -> int:
    """The motion latents this take is made with (0: none), said where asked and not applied."""
    from ..takes.long_take import CONTINUE
    m = count(p)
    if m == 0:
        return 0
    why = ("this take is given a last frame (SVI's condition holds the anchor and the motion latents only)"
           if last_image is not None else "" if s.fam.capability(AnchorMotion) is not None else
           f"{s.fam.title}: {s.fam.why_without(AnchorMotion)}")
    if not why and n > win and (take != CONTINUE or s.context is not None):
        why = f"the take is made as '{take}', not continued window by window"
    if not why and 4 * m + 1 >= win:
        why = f"{m} motion latents span {4 * m} frames, which leaves the window of {win} frames none to make"
    if why:
        ctx.warn(f"svi_motion_latents {m} not applied: {why}"
                 + ("; each window starts from the last frame of the one before, its image"
                    if n > win and take == CONTINUE and s.context is None else ""))
        return 0
    return m


def lead(m: int) -> int:
    """The frames two SVI windows share: the anchor frame's place and the motion latents' (4 frames a latent)."""
    return 1 + 4 * m


def applied(ctx, s, m: int):
    """The block inside which the take's calls make SVI's condition with ``m`` motion latents (nothing at 0)."""
    if m == 0:
        return nullcontext()
    return s.fam.capability(AnchorMotion).applied(ctx, s.pipe, m)


def window(block, lead) -> None:
    """A window's arguments are made: the block told the frames it shares with the window before (None: the first)."""
    told = getattr(block, "window", None)
    if told is not None:
        told(lead)
