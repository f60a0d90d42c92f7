"""A take's guidance split over its passes: a first pass from step 0 sampling at a cfg above 1 up to a step, every
later pass of the take (the same expert's next steps, the other expert's) at cfg 1 (a three-sampler Wan 2.2 take:
steps 0-1 at cfg 4 without the lightning LoRA, then lightning passes at cfg 1; heldout106 01). ComfyUI guides the
first pass's steps alone; Studio's generators do so with 'guidance_steps' (their guidance on the take's first steps,
the rest sampled with the prompt alone): the first pass's last step is that setting, said. Plain data and stdlib."""
from __future__ import annotations

import math
from typing import Any

from ..values.shown import shown


def cfg_number(v: Any) -> float | None:
    """A cfg as a finite number; None for anything else (a misplaced 'euler', an int past a float, inf)."""
    if not isinstance(v, (int, float)) or isinstance(v, bool):
        return None
    try:
        f = float(v)
    except OverflowError:
        return None
    return f if math.isfinite(f) else None


def guided_first(main, rest, takes=lambda name: True) -> tuple[dict, str]:
    """({'guidance_steps': k}, its sentence) where ``main`` (the take's first pass, a tracing.sampling.Sampling) guides
    steps 0 .. k-1 of its schedule at a cfg above 1 and every pass of ``rest`` samples at cfg 1 on the same schedule;
    ({}, '') otherwise (or where the generator has no 'guidance_steps')."""
    cfg, steps, end = cfg_number(main.cfg), main.steps, main.end
    if cfg is None or cfg <= 1 + 1e-6 or not rest or not isinstance(steps, int) or not isinstance(end, int):
        return {}, ""
    if main.start not in (None, 0) or not 0 < end < steps or not takes("guidance_steps"):
        return {}, ""
    for r in rest:
        c = cfg_number(r.cfg)
        if c is None or c > 1 + 1e-6 or (isinstance(r.steps, int) and r.steps != steps):
            return {}, ""
    name = f"'{main.node.title or main.node.shown_cls}' (#{main.node.id})"
    which = f"steps 0-{end - 1}" if end > 1 else "step 0"
    return {"guidance_steps": end}, (
        f"{name} guides {which} of {steps} at cfg {shown(main.cfg)} and every later pass of the take samples at cfg "
        f"1: the generator's guidance_steps {end} (its guidance {shown(main.cfg)} on the take's first "
        f"{f'{end} steps' if end > 1 else 'step'}, the rest sampled with the prompt alone)")
