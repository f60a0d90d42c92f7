"""LTX2ConditionPipeline's conditions: a take continued from frames, keyframes placed on its latent
frames (0, 1, 1 + t, 1 + 2t, ...)."""
from __future__ import annotations

from ...base.calls import to_pil


def frames_condition(clip: list) -> dict:
    from diffusers.pipelines.ltx2.pipeline_ltx2_condition import LTX2VideoCondition
    return {"conditions": [LTX2VideoCondition(frames=clip, index=0, strength=1.0)]}


def keyframe_conditions(ctx, pipe, keys: list, strength: float) -> list:
    from diffusers.pipelines.ltx2.pipeline_ltx2_condition import LTX2VideoCondition
    t = int(getattr(pipe, "vae_temporal_compression_ratio", 8) or 8)
    out = []
    for k in keys:
        idx = 0 if k.at == 0 else (k.at - 1 + t // 2) // t + 1  # the latent frame nearest
        placed = 0 if idx == 0 else (idx - 1) * t + 1
        if placed != k.at:
            ctx.info(f"LTX-2 places keyframes on its latent frames (0, 1, {1 + t}, {1 + 2 * t}, ...): '{k.port}' "
                     f"at frame {k.at} sits at frame {placed}")
        out.append(LTX2VideoCondition(frames=to_pil(k.image), index=idx,
                                      strength=1.0 if k.port == "image" else strength))
    return out


def with_crf(ref, pipe, call: dict) -> dict:
    """The image CRF LTX-2's call would read from its text encoder's model type (diffusers'
    ``resolve_default_image_crf``: Gemma 4, LTX-2.5's, 18; else 33), given in the call's arguments
    (``image_crf``, and every condition's unset ``crf``) when the text encoder waits on disk because
    every prompt of the run is in the prompt-embedding cache (loading/deferred_text.py): read from
    its config, the call never touches the encoder. With the encoder loaded the call as it is."""
    if getattr(pipe, "text_encoder", None) is not None:
        return call
    from types import SimpleNamespace

    from diffusers.pipelines.ltx2.utils import resolve_default_image_crf
    waiting = getattr(ref.shared.text_loader, "configs", None) or {}
    crf = resolve_default_image_crf(SimpleNamespace(config=waiting.get("text_encoder")))
    out = dict(call)
    if "image" in out:
        out["image_crf"] = crf
    for name in ("conditions", "reference_conditions"):
        for c in out.get(name) or ():
            if getattr(c, "crf", 0) is None:
                c.crf = crf
    return out
