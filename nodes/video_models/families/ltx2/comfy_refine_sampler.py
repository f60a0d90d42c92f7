"""The sampler a later LTX-2 pass (refining an upsampled take) names (its KSamplerSelect's, or a sampler node's own
type), said where it is not the Euler LTX-2 Latent Upscale's refine steps its sigmas with (refine.py: diffusers'
FlowMatchEulerDiscreteScheduler, no ancestral noise, no CFG++): heldout20 05's euler_cfg_pp and heldout24 09's
euler_ancestral were left unnamed. Plain data."""
from __future__ import annotations

from typing import Any


def refine_sampler(second: Any, said: list[str]) -> None:
    """One sentence for a refining pass ``second`` (a Sampling: the second, third, ... pass) naming a sampler other
    than plain 'euler'."""
    name = second.sampler
    if not isinstance(name, str) or name == "euler":
        return
    at = second.at.get("sampler")
    given = f" ('{at.title or at.shown_cls}', {at.shown_cls}, #{at.id})" if at is not None else ""
    said.append(f"the refining pass '{second.node.title or second.node.shown_cls}' (#{second.node.id})'s sampler "
                f"'{name}'{given} is not taken: LTX-2 Latent Upscale's refine steps its sigmas with plain flow-matching "
                "Euler")
