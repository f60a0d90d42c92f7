"""Image to Video's motion reference and mask (Time-to-Move): the inputs and settings declared once here, checked,
and the family's MotionReference capability applied around the take's one call (families/wan/ttm.py for Wan)."""
from __future__ import annotations

from contextlib import nullcontext

from studio.core.errors import StudioError
from studio.core.params import Int
from studio.core.spec import In

from ..base.capabilities import MotionReference

INPUTS = (In("motion_reference", "Video", optional=True,
             help="Time-to-Move: a crude clip of the motion wanted (the still with its parts dragged along their "
                  "paths, or a clip that moves so), as long as the take; with 'motion_mask'"),
          In("motion_mask", "Video", optional=True,
             help="Time-to-Move: where the reference's motion is (white), per frame; with 'motion_reference'"))
PARAMS = (Int("motion_start_step", 3, min=-1, max=1000,
              help="Time-to-Move: the step sampling starts at, from the motion reference noised to it (the weak "
                   "step; -1: from noise at step 0); the reference's 3 of 50"),
          Int("motion_end_step", 6, min=0, max=1000,
              help="Time-to-Move: until this step the masked region follows the motion reference (the strong "
                   "step); the reference's 6 of 50"))


def applied(ctx, s, reference, mask, size: tuple[int, int], n: int, win: int, steps: int, p):
    """The block inside which the take's call follows ``reference`` in ``mask`` (nothing when neither is wired)."""
    if reference is None and mask is None:
        return nullcontext()
    if reference is None or mask is None:
        missing = "motion_reference" if reference is None else "motion_mask"
        raise StudioError(f"Time-to-Move takes a motion reference and its mask together: connect '{missing}' too, "
                          "or neither")
    from studio.engine.clip import as_clip
    reference, mask = as_clip(reference, n), as_clip(mask, n)
    for name, clip in (("motion_reference", reference), ("motion_mask", mask)):
        if clip.n_frames < n:
            raise StudioError(f"'{name}' has {clip.n_frames} frames, the take {n}: give it at least {n} frames, or "
                              f"set frames to {clip.n_frames} or fewer")
    if n > win or s.one_take:
        raise StudioError(f"Time-to-Move steers one window: {n} frames are made as a long take; set frames to {win} or "
                          "fewer")
    start, end = int(p.motion_start_step), int(p.motion_end_step)
    if end < max(0, start):
        raise StudioError(f"motion_end_step ({end}) is before motion_start_step ({start}): the masked region "
                          "follows the reference from the start step until the end step")
    if start >= steps or end > steps:
        raise StudioError(f"Time-to-Move's steps ({start}, {end}) are past the take's {steps} steps: lower them or "
                          "raise 'steps'")
    steer = s.fam.capability(MotionReference)
    if steer is None:
        from ..base.errors import ModelError
        raise ModelError(f"{s.fam.title} takes no motion reference: Time-to-Move steers Wan image to video (Wan 2.2 "
                         "I2V A14B, as released); leave 'motion_reference' and 'motion_mask' unconnected")
    s.no_resume = "Time-to-Move's steps follow its reference"  # a Stop keeps nothing: made again from the start
    return steer.applied(ctx, s.pipe, reference, mask, size, n, start, end, ctx.torch_generator(device="cpu", salt=7))
