"""A generator node's time before its run (issue 104 item 1), from the model wired into it and its settings as
the run will take them: the frames a window and the windows (advice.clip_and_window), 'preview size' on a CPU
(the longest side and the steps it samples at), guidance on or off. The figures come from this machine's
measured runs (estimates/foresee_time.py), what differs by family from its declared Cost (read there). Plain
Python: no torch."""
from __future__ import annotations

from .advice import clip_and_window, family_wired, native_frames
from .preview_size import PREVIEW_SIDE, PREVIEW_STEPS, shrunk


def estimate(params: dict, inputs: dict, shape=None, frames_in: int | None = None,
             encoded_windows: float = 0.0, task: str = "") -> str | None:
    """The node's time in words, or that nothing measures it here; None where no model is foreseen (nothing to
    time). ``shape(params, fam)``: (frames a call, calls, denoising loops a call[, frames the VAE decodes a call
    where not those: Framepack's]) as the node makes them (its ``take_shape``), None for windows of 'window'
    frames, 'overlap' apart. ``frames_in``: the frames wired in (the VAE encodes them: another model's run is scaled
    to that); ``encoded_windows``: the windows the node's pipeline encodes whatever is wired (the node's word, else
    its family's declared Cost for ``task``)."""
    from ..estimates.foresee_time import asked_for, this_machine, words_for
    fam, title = family_wired(inputs)
    facts = inputs.get("model") or {}
    if fam is None or not facts.get("path"):
        return None
    got = shape(params, fam) if shape is not None else None
    if got is None:
        n, win = clip_and_window(fam, params, native_frames(inputs))
        ov = int(params.get("overlap") or 0)
        got = min(n, win), 1 if n <= win else 1 + -(-(n - win) // max(1, win - min(ov, win - 1))), 1
    frames, windows, loops, *more = got  # and, where a node says so, the frames its VAE decodes a call
    w, h, steps = int(params.get("width") or 0), int(params.get("height") or 0), int(params.get("steps") or 1)
    image = inputs.get("image") or {}
    if not (w and h) and isinstance(image.get("width"), int) and isinstance(image.get("height"), int):
        w, h = image["width"], image["height"]  # sized by its image (0: the image's size, Framepack's bucket near it)
    asked = params.get("preview_size") or "off"
    if asked == "always" or (asked == "on CPU" and (this_machine() or "cpu").startswith("cpu")):
        steps = min(steps, PREVIEW_STEPS)
        if w and h and max(w, h) > PREVIEW_SIDE:
            w, h = shrunk(w, h, fam.size_multiple)
    guided = float(params.get("guidance", 1.0) or 1.0) > 1.0
    from ..estimates.times import prompts_digest  # the prompts as the prompt cache met them before (its records)
    prompt, negative = params.get("prompt"), params.get("negative_prompt") or ""
    wired = any(inputs.get(k) is not None for k in ("prompt", "features", "negative", "schedule"))
    prompts = 0 if wired or not isinstance(prompt, str) else prompts_digest(
        prompt, negative if guided and isinstance(negative, str) else "")
    return words_for(asked_for(fam, task, encoded_windows, path=str(facts["path"]),
                               title=str(facts.get("variant") or title), frame_pixels=w * h if w and h else 0,
                               frames=frames, windows=windows, steps=steps * loops, guided=guided,
                               weights=int(facts.get("weights") or 0), all_weights=int(facts.get("all_weights") or 0),
                               size=(w, h), frames_in=frames_in, loops=max(1, loops),
                               decoded=int(more[0]) if more else 0, prompts=prompts))
