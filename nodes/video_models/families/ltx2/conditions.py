"""LTX2ConditionPipeline's conditions: a take continued from frames, keyframes placed on its latent
frames (0, 1, 1 + t, 1 + 2t, ...)."""
from __future__ import annotations

from ...base.calls import to_pil


def frames_condition(clip: list) -> dict:
    from diffusers.pipelines.ltx2.pipeline_ltx2_condition import LTX2VideoCondition
    return {"conditions": [LTX2VideoCondition(frames=clip, index=0, strength=1.0)]}


def start_condition(image, strength: float):
    """The start image (an array, H x W x 3 in 0-1) as LTX2ConditionPipeline's condition at frame 0 at ``strength``
    below 1: its latents start noised to (1 - strength) of the first noise level, the transformer sees them at
    (1 - strength) of each step's timestep, and each step's clean estimate there is strength x the image's latents +
    (1 - strength) x the model's (diffusers' prepare_latents and denoising loop, pipelines/ltx2/
    pipeline_ltx2_condition.py in 0.42.1). ComfyUI's LTXVImgToVideoInplace (and ComfyUI-LTXVideo's
    LTXVImgToVideoConditionOnly) give the frame's latents a noise mask of 1 - strength, which its LTX-2 model reads
    as the tokens' timestep scale and its sampler as the share of the model's estimate kept: the same rule."""
    from diffusers.pipelines.ltx2.pipeline_ltx2_condition import LTX2VideoCondition
    return LTX2VideoCondition(frames=to_pil(image), index=0, strength=float(strength))


def start_held(ctx, sampler, image, strength: float, conditioned: bool) -> float:
    """The strength the start image ``image`` is held at: 1 (the image to video pipeline holds it clean) without one
    or at 1; below 1 the run switched to LTX-2's condition pipeline, said, unless its call is ``conditioned`` already
    (keyframes: the condition pipeline; a control clip: the in-context one, which takes the same conditions)."""
    if image is None or strength >= 1:
        return 1.0
    if not conditioned:
        from ...takes.continuation import condition_pipeline
        condition_pipeline(sampler)
    ctx.info(f"the start image held at strength {strength:g} (its latents partly noised at every step): a condition "
             "at frame 0" + ("" if conditioned else f" of {type(sampler.pipe).__name__}"))
    return float(strength)


def with_start(ctx, sampler, base: dict, img, keyed: list, keyframe_strength: float, strength: float) -> dict:
    """The call's start image ``img`` (an array, or None) and keyframes: the image to video pipeline's 'image' at
    strength 1 with no keyframes; else conditions, the image first at frame 0 at ``strength`` (:func:`start_condition`)."""
    if keyed:
        from ...takes.keyframes_at import ltx_conditions
        conds = ltx_conditions(ctx, sampler, keyed, keyframe_strength, first=img)
        if img is not None:  # (the image is the first condition, at frame 0)
            conds[0].strength = float(strength)
        return {**base, "conditions": conds}
    if img is None:
        return base
    return {**base, "conditions": [start_condition(img, strength)]} if strength < 1 else {**base, "image": to_pil(img)}


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


def with_crf(ref, pipe, call: dict, crf: int = -1) -> dict:
    """The call's image CRF (``image_crf``, and every single-picture condition's ``crf``): ``crf`` where 0 or more
    (ComfyUI's LTXVPreprocess img_compression, the node's 'image_crf'); else the one LTX-2's call would read from its
    text encoder's model type (diffusers' ``resolve_default_image_crf``: Gemma 4, LTX-2.5's, 18; else 33), given in the
    call's arguments only when the text encoder waits on disk because every prompt of the run is in the
    prompt-embedding cache (loading/deferred_text.py): read from its config, the call never touches the encoder. With
    the encoder loaded and no CRF asked, the call as it is."""
    if crf < 0 and getattr(pipe, "text_encoder", None) is not None:
        return call
    if crf < 0:
        from types import SimpleNamespace

        from diffusers.pipelines.ltx2.utils import resolve_default_image_crf
        waiting = getattr(ref.shared.text_loader, "configs", None) or {}
        crf = resolve_default_image_crf(SimpleNamespace(config=waiting.get("text_encoder")))
    out = dict(call)
    if "image" in out:
        out["image_crf"] = int(crf)
    for name in ("conditions", "reference_conditions"):
        for c in out.get(name) or ():
            if getattr(c, "crf", 0) is None:
                c.crf = int(crf)
    return out
