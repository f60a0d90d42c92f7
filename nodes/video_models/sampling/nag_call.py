"""The generators' Normalized Attention Guidance settings (nag_scale, nag_tau, nag_alpha) applied to one pipeline call
through the family's AttentionGuidance capability (Wan's: families/wan/nag.py), the call's negative prompt the NAG
negative; said on the node, and said not applied for a family without it (never dropped silently)."""
from __future__ import annotations

from contextlib import contextmanager

from ..base.capabilities import AttentionGuidance

NAG_HELP = ("Normalized Attention Guidance (NAG): steers the text cross-attention away from the negative prompt, "
            "which keeps a negative prompt working at guidance 1 (distilled / lightning models); above 1: on "
            "(ComfyUI's WanVideoNAG default 11), 0: off")


@contextmanager
def nag_guided(sampler, call: dict):
    """The call run with NAG where the node asks for it (nag_scale above 1) and the family has it; said at the
    sampler's first call."""
    ctx, fam, pipe = sampler.ctx, sampler.fam, sampler.pipe
    say = not getattr(sampler, "nag_said", False)
    sampler.nag_said = True
    p = ctx.params
    scale = float(getattr(p, "nag_scale", 0.0) or 0.0)
    if scale <= 1.0:
        if scale > 0 and say:
            ctx.warn(f"nag_scale {scale:g}: Normalized Attention Guidance guides above 1 only; not applied")
        yield
        return
    cap = fam.capability(AttentionGuidance)
    if cap is None:
        if say:
            ctx.warn(f"nag_scale {scale:g} not applied: {fam.title}: {fam.why_without(AttentionGuidance)}")
        yield
        return
    tau, alpha = float(getattr(p, "nag_tau", 2.5)), float(getattr(p, "nag_alpha", 0.25))
    negative = call.get("negative_prompt")
    negative = negative if isinstance(negative, str) else str(getattr(p, "negative_prompt", "") or "")
    with cap.install(pipe, call, negative, scale, tau, alpha) as n:
        if say:
            ctx.info(f"Normalized Attention Guidance on {n} cross-attention layers (scale {scale:g}, tau {tau:g}, "
                     f"alpha {alpha:g}), away from the negative prompt"
                     + (f" '{negative}'" if negative else " (empty)"))
        yield
