"""Image to Video's motion amplitude (ComfyUI's PainterI2V): the setting declared once here, and the family's
ConditionAmplitude capability applied around the take's calls (families/wan/amplitude.py for Wan); said where it is
not applied, never dropped silently."""
from __future__ import annotations

from contextlib import nullcontext

from studio.core.params import Float

from ..base.capabilities import ConditionAmplitude

PARAMS = (Float("motion_amplitude", 1.0, min=1.0, max=2.0,
                help="Wan image to video: the start picture's condition latents after its first frame moved away "
                     "from it by this factor (their mean per frame kept), as ComfyUI's PainterI2V does against the "
                     "slow motion of few-step LoRAs (its 1.15); 1: off"),)


def applied(ctx, s, p, last_image):
    """The block inside which the take's calls make their condition with ``p.motion_amplitude`` (nothing at 1)."""
    amplitude = float(getattr(p, "motion_amplitude", 1.0) or 1.0)
    if amplitude == 1.0:
        return nullcontext()
    if last_image is not None:  # (the node moves blank frames away from the picture; a last frame is no blank one)
        ctx.warn(f"motion_amplitude {amplitude:g} not applied: it moves the blank frames after a start picture, and "
                 "this take is given a last frame too")
        return nullcontext()
    cap = s.fam.capability(ConditionAmplitude)
    if cap is None:
        ctx.warn(f"motion_amplitude {amplitude:g} not applied: {s.fam.title}: {s.fam.why_without(ConditionAmplitude)}")
        return nullcontext()
    ctx.stream_to = None  # (every window made inside the block: none left to the outputs' pulls after it closed)
    return cap.applied(ctx, s.pipe, amplitude)
