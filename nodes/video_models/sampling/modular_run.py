"""Text to Video with a modular pipeline (MiniMax H3: diffusers' MiniMaxH3ModularPipeline), called as
diffusers documents it: ``pipe(prompt=..., generator=..., num_inference_steps=..., height=..., width=...,
num_frames=..., output_type='np')``, its ``videos`` the clip. One call makes the whole clip (no windows,
no previews); what the node asks that the model does not take is refused or said, before the call."""
from __future__ import annotations

import numpy as np

from studio.core.errors import StudioError


def _refuse_inputs(fam, features, schedule, keys: dict, keyframes: str) -> None:
    if features is not None:
        raise StudioError(f"{fam.title} reads a prompt's text (its Qwen3-VL's hidden state 50): Features cannot "
                          "stand in for it; connect a Text or type the prompt")
    if schedule is not None:
        raise StudioError(f"{fam.title} makes a clip in one call: a prompt schedule cannot change its prompt")
    if any(v is not None for v in keys.values()) or keyframes.strip():
        raise StudioError(f"{fam.title} takes no keyframes at any frame in Studio's Text to Video")


def _size(ctx, fam, pipe, side: int) -> tuple[int, int]:
    """(width, height): asked (rounded down to 32, said), else the model's 16:9 canvas; shrunk to
    ``side`` on the longest side at preview size (0: not)."""
    p, m = ctx.params, fam.size_multiple
    short = int(pipe.config.get("canvas_short_edge", 768)) if hasattr(pipe, "config") else 768
    w = p.width or round(short * 16 / 9 / m) * m
    h = p.height or short
    if side and max(w, h) > side:
        k = side / max(w, h)
        pw, ph = max(m, int(w * k) // m * m), max(m, int(h * k) // m * m)
        ctx.info(f"preview size: {pw}x{ph} instead of {w}x{h} (set 'preview size' to off for the full size)")
        return pw, ph
    w2, h2 = max(m, w // m * m), max(m, h // m * m)
    if (w2, h2) != (w, h):
        ctx.warn(f"{fam.title} needs sizes in multiples of {m}: {w}x{h} asked, making {w2}x{h2}")
    return w2, h2


def text_to_video(ctx, ref, text: str, negative: str, features, schedule, keys: dict, n: int, steps: int,
                  preview_side: int):
    """(the clip of ``text`` made by ``ref``'s modular pipeline in one call, width, height): ``n``
    frames, ``steps`` steps, at most ``preview_side`` pixels on the longest side (0: the size asked)."""
    from studio.engine.clip import ArrayClip
    p, fam, pipe = ctx.params, ref.fam, ref.module
    _refuse_inputs(fam, features, schedule, keys, getattr(p, "keyframes", ""))
    if negative.strip():
        ctx.warn(f"{fam.title} is guidance-distilled: it takes no negative prompt (not used)")
    if p.guidance != 5.0 or p.guidance_2:
        ctx.warn(f"{fam.title} is guidance-distilled: 'guidance' is not used (one pass a step)")
    w, h = _size(ctx, fam, pipe, preview_side)
    fam.refuse_call("t2v", n, h, w)
    gen = ctx.torch_generator(device="cpu", salt=0)
    state = pipe(prompt=text, generator=gen, num_inference_steps=steps, height=h, width=w, num_frames=n,
                 output_type="np")
    frames = np.clip(np.asarray(state.get("videos")[0], np.float32), 0, 1)
    rate = state.get("sampling_rate")
    ctx.info(f"{fam.title} also made a soundtrack ({rate} Hz stereo) beside the video: Text to Video's output "
             "is the video, the sound is not kept")
    return ArrayClip(frames, p.fps or fam.fps), w, h
