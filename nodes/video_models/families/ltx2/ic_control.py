"""LTX-2 control video through an IC-LoRA (in-context LoRA): diffusers' ``LTX2InContextPipeline``.

The control clip (canny edges, depth, pose: Studio's Edges, Depth and Pose nodes make them) is encoded
by the VAE and its tokens are appended to the noisy sequence; the IC-LoRA, wired through Video LoRA
like any LoRA, teaches the transformer to follow them. A LoRA trained on downscaled control clips
says so in its safetensors metadata (``reference_downscale_factor``, as Lightricks' IC-LoRAs and the
pipeline's docstring name it): read from the LoRA files on the model, never guessed. The pipeline
trims a longer clip to the take and crops a clip of another shape: both are said on the node, and a
shorter clip is refused, never stretched. At 'frames', 'width', 'height' and 'fps' 0 the take has the clip's length,
size (where no start picture, keyframe or clip continued sizes it; rounded down to the family's multiple, said) and
rate, as ComfyUI's IC-LoRA workflows measure their control frames (GetImageSize, GetVideoComponents' fps)."""
from __future__ import annotations

import numpy as np

from studio.core.errors import StudioError

from ...base.errors import ModelError

MAX_DOWNSCALE = 8


def take_frames(fam, asked: int, control_frames: int | None) -> int:
    """The frames a take makes: ``asked`` (0: the control clip's own length where one is connected, down to the
    family's rule (8k + 1), as the generators' 'frames' says; else the family's), at or above it by the rule.
    (heldout44 15: an IC-LoRA take of a clip whose length ComfyUI measures was made at the family's 121 frames.)"""
    from ...base.family import valid_frames
    if asked or not control_frames:
        return valid_frames(fam, asked or fam.frames)
    a, b = fam.frame_multiple
    n = valid_frames(fam, control_frames)
    return max(b, (control_frames - b) // a * a + b) if n > control_frames else n


def control_rate(ctx, control) -> float:
    """The frame rate of the control clip that 'fps' 0 takes (said): its own where it is a clip of more than one
    frame (a still has none); 0 where none is wired (then the family's)."""
    rate = float(getattr(control, "fps", 0) or 0) if control is not None and len(control) > 1 else 0.0
    if rate:
        ctx.info(f"fps 0: the control clip's rate, {rate:g}")
    return rate


def control_size(ctx, m: int, control, like: tuple[int, int] | None, width: int, height: int) -> tuple[int, int] | None:
    """The size a 'width' or 'height' 0 takes: ``like`` (a start picture's, a keyframe's, a clip continued), else the
    control clip's, said with the family's rounding down to a multiple of ``m`` (Lightricks' V2V IC-LoRA example
    sizes its latent by GetImageSize of the control frames: the take was made at LTX-2's default size)."""
    if like is not None or control is None or (width and height):
        return like
    cw, ch = int(control.width), int(control.height)
    sides = [(k, v) for k, v, asked in (("width", cw, width), ("height", ch, height)) if not asked]
    got = [max(m, v // m * m) for _, v in sides]
    ctx.info(f"{' and '.join(k for k, _ in sides)} 0: the control clip's {' and '.join(k for k, _ in sides)}, "
             f"{'x'.join(str(v) for _, v in sides)}"
             + (f", rounded down to multiples of {m}: {'x'.join(map(str, got))}"
                if got != [v for _, v in sides] else ""))
    return cw, ch


def downscale_factor(ref) -> int:
    """The ``reference_downscale_factor`` the model's LoRAs were trained with (1 when none says one)."""
    from safetensors import safe_open
    found: dict[int, str] = {}
    for use in ref.loras:
        with safe_open(use.path, "pt", device="cpu") as f:
            meta = f.metadata() or {}
        raw = meta.get("reference_downscale_factor")
        if raw is None:
            continue
        try:
            k = int(float(raw))
        except ValueError:
            k = 0
        if not 1 <= k <= MAX_DOWNSCALE or k != float(raw):
            raise ModelError(f"the LoRA '{use.path}' says its control clips were downscaled by {raw!r}: a whole "
                             f"number from 1 to {MAX_DOWNSCALE} was expected")
        found[k] = use.path
    if len(found) > 1:
        raise ModelError("the model's IC-LoRAs were trained on control clips downscaled differently ("
                         + ", ".join(f"{k}x: '{p}'" for k, p in sorted(found.items())) + "): use one of them")
    return next(iter(found), 1)


def with_control(ctx, s, base: dict, control, n: int, size: tuple[int, int], strength: float, first=None) -> dict:
    """``base`` made a call of ``LTX2InContextPipeline`` (the sampler's pipeline switched to it) with the
    first ``n`` frames of ``control`` as its reference condition; ``first`` (an image) at frame 0."""
    from ...base.calls import to_pil
    from diffusers.pipelines.ltx2.pipeline_ltx2_ic_lora import LTX2ReferenceCondition
    have = len(control)
    if have < n:
        raise StudioError(f"the control clip has {have} frames but {n} are made: give a clip of at least {n} "
                          f"frames, or set frames to {have} or fewer")
    if have > n:
        ctx.info(f"the control clip's first {n} of {have} frames are used (the take's length)")
    if not s.ref.loras:
        ctx.warn("no LoRA on the model: LTX-2 follows a control clip only with an IC-LoRA (canny, depth, pose, "
                 "union); wire it through Video LoRA between the loader and this node")
    k = downscale_factor(s.ref)
    w, h = size
    cw, ch = control.width, control.height
    if abs(cw / ch - w / h) > 0.01:
        ctx.info(f"the control clip ({cw}x{ch}) is cropped to the take's shape ({w}x{h})")
    frames = [to_pil(np.asarray(control.frame(i), np.float32)) for i in range(n)]
    s.pipe = s.ref.pipeline("ic")
    s.task = "ic"
    call = {key: v for key, v in base.items() if key != "image"}
    call["reference_conditions"] = [LTX2ReferenceCondition(frames=frames, strength=float(strength))]
    call["reference_downscale_factor"] = k
    if first is not None and "conditions" not in call:
        from ...takes.keyframes_at import ltx_conditions
        call["conditions"] = ltx_conditions(ctx, s, [], 1.0, first=first)
    ctx.info(f"control clip read in context by {type(s.pipe).__name__}"
             + (f" at 1/{k} of the take's size (the IC-LoRA's own)" if k > 1 else ""))
    return call
