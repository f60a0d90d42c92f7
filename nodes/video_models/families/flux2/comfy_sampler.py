"""FLUX.2 [klein]'s sampling in a ComfyUI workflow (its mapping's 'sampler_params' hook, after the generic reading).

Its guidance: klein has no embedded guidance (no 'guidance_in'; ComfyUI's Flux2 model passes a FluxGuidance's value
to a model with none, which ignores it), so a FluxGuidance the generic reading took as the embedded guidance of a
sampler at cfg 1 is said not taken, and the generator's guidance is the sampler's cfg (1: no classifier-free
guidance, as ComfyUI runs it).

Its schedule (the generic reading has set ComfyUI's model-config shift where no node on the model's way sets one: the
'comfy_shift' hook, e^2.02). Two ways ComfyUI samples klein, each read as Studio's family makes it (configs.py):
- the sigmas made by Flux2Scheduler (the templates' SamplerCustomAdvanced): the schedule worked out from the size and
  the steps, which is the family's own (its generator's shift 0); a Flux2Scheduler told another size than the take's
  is said (ComfyUI works the schedule out for the size it is told);
- any other scheduler (a KSampler's 'simple'): the model config's shift 2.02 on Flux's exponential scale, which is
  Studio's fixed shift e^2.02: said in those words (the generic sentence names the number alone).

Its file: a GGUF one at the top of the sampler's model way (city96's UnetLoaderGGUF) is said unread now, as its load
refuses it (pipeline.py). Plain stdlib."""
from __future__ import annotations

import math

COMFY_SHIFT = 2.02  # ComfyUI's Flux2 model config's (supported_models.py), as configs.COMFY_SHIFT
FIXED = round(math.exp(COMFY_SHIFT), 4)  # the same schedule as Studio's (diffusers') fixed shift
SCHEDULER = "Flux2Scheduler"


def _generic(said: list) -> int | None:
    """The index of the generic sentence that set the model config's shift, None where none did."""
    start = f"shift {FIXED:g}: no node on the model's way sets one"
    return next((i for i, x in enumerate(said) if x.startswith(start)), None)


EMBEDDED = ": the generator's guidance (the model's embedded guidance; the sampler runs without classifier-free guidance)"


def read_sampler(b, sampler, params: dict, said: list) -> None:
    """The generator's guidance and shift as ComfyUI samples klein; a GGUF file on its model's way said unread."""
    _guidance(b, sampler, params, said)
    _schedule(b, sampler, params, said)
    _gguf(b, sampler, said)


def _gguf(b, sampler, said: list) -> None:
    """The loader at the top of the sampler's model way (through its guider and the model patches between), where it
    loads a GGUF file: Studio's klein reads .safetensors only (its load refuses GGUF in words), said now."""
    n = b.wf.source(sampler, "guider") if sampler is not None else None
    n = n if n is not None and "model" in n.links else sampler
    for _ in range(16):
        up = b.wf.source(n, "model") if n is not None else None
        if up is None:
            break
        n = up
    if n is None or n is sampler:
        return
    files = [v for v in [*n.widgets.values(), *(n.raw if isinstance(n.raw, list) else [])]
             if isinstance(v, str) and v.lower().endswith(".gguf")]
    if files:
        said.append(f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}) loads '{files[0]}', a GGUF file, which "
                    "Studio's FLUX.2 [klein] does not read yet (its load refuses it in words): set its .safetensors "
                    "file (bf16 or fp8) on the still's Load Video Model")


def _cfg(b, sampler):
    """The sampler's cfg: its own or its guider's (None: neither has one, a BasicGuider's)."""
    if sampler is None:
        return None
    guider = b.wf.source(sampler, "guider")
    v = b.wf.value(guider, "cfg") if guider is not None else b.wf.value(sampler, "cfg")
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _guidance(b, sampler, params: dict, said: list) -> None:
    i = next((i for i, x in enumerate(said) if x.endswith(EMBEDDED)), None)
    if i is None:
        return
    cfg = _cfg(b, sampler)
    params["guidance"] = cfg if cfg is not None else 1.0
    said[i] = (f"{said[i][: -len(EMBEDDED)]} (a FluxGuidance's embedded guidance) is not taken: FLUX.2 [klein] has no "
               "embedded guidance (ComfyUI's klein ignores it too); the generator's guidance is the sampler's "
               + (f"cfg {cfg:g}" if cfg is not None else "(none: 1)") + " (no classifier-free guidance)")


def _schedule(b, sampler, params: dict, said: list) -> None:
    i = _generic(said)
    if i is None:
        return
    src = b.wf.source(sampler, "sigmas") if sampler is not None else None
    if src is None or src.cls != SCHEDULER:
        said[i] = (f"shift {FIXED:g}: no node on the model's way sets one, so ComfyUI samples FLUX.2 [klein] at its "
                   f"model config's shift {COMFY_SHIFT:g} on Flux's exponential scale (exp({COMFY_SHIFT:g}) / "
                   f"(exp({COMFY_SHIFT:g}) + 1 / t - 1)), which is the generator's shift e^{COMFY_SHIFT:g} = {FIXED:g}")
        return
    params["shift"] = 0.0
    _own_sampler(params, said)
    name = f"'{src.title or src.shown_cls}' ({src.shown_cls}, #{src.id})"
    w, h = b.wf.value(src, "width"), b.wf.value(src, "height")
    line = (f"{name} makes FLUX.2's own schedule, its shift worked out from the size and the steps: the generator's "
            "shift 0 (the family's own schedule, worked out the same way for the take's size)")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (w, h)):
        line += "; its width and height are wired, not read: Studio works the schedule out for the take's size"
    elif (w, h) != (params.get("width"), params.get("height")):
        line += (f"; it is told {w}x{h}, the take is {params.get('width')}x{params.get('height')}: Studio works the "
                 "schedule out for the take's size, so the shift differs a little from ComfyUI's")
    said[i] = line


def _own_sampler(params: dict, said: list) -> None:
    """Flux2Scheduler's sigmas sampled with another sampler than Euler: it samples its own spacing, said."""
    if params.get("sampler") not in ("euler", "auto", None):
        said.append(f"the generator's sampler '{params['sampler']}' samples its own spacing, not the schedule "
                    "Flux2Scheduler makes (FLUX.2 [klein] samples that one with 'euler' or 'auto' at shift 0)")
