"""LTXConditionPipeline's conditions: a take continued from frames, keyframes at any frame."""
from __future__ import annotations

from ...base.calls import to_pil


def frames_condition(clip: list) -> dict:
    from diffusers.pipelines.ltx.pipeline_ltx_condition import LTXVideoCondition
    return {"conditions": [LTXVideoCondition(video=clip, frame_index=0, strength=1.0)]}


def keyframe_conditions(ctx, pipe, keys: list, strength: float) -> list:
    from diffusers.pipelines.ltx.pipeline_ltx_condition import LTXVideoCondition
    return [LTXVideoCondition(image=to_pil(k.image), frame_index=k.at, strength=1.0 if k.port == "image" else strength)
            for k in keys]
