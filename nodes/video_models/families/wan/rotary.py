"""Wan's rotary position turn as diffusers' WanAttnProcessor gives it (its apply_rotary_emb: pairs of features
interleaved), for the attentions a Wan variant computes itself (Stand-In's, InfiniteTalk's audio)."""
from __future__ import annotations


def rotated(x, cos, sin):
    """``x`` [B, S, heads, d] turned by (cos, sin), in ``x``'s dtype."""
    import torch
    x1, x2 = x.unflatten(-1, (-1, 2)).unbind(-1)
    c, s = cos[..., 0::2], sin[..., 1::2]
    out = torch.empty_like(x)
    out[..., 0::2] = x1 * c - x2 * s
    out[..., 1::2] = x1 * s + x2 * c
    return out.type_as(x)
