"""A pipeline call's arguments as the pipeline takes them: those it has no parameter for said, not dropped
silently; the frame count under the pipeline's own name and handed to one that takes it; a pyramid
pipeline's steps shared over its stages."""
from __future__ import annotations

from types import SimpleNamespace
from typing import Any, Callable

from ..base.calls import call_defaults
from ..base.setting_needs import SETTING_NEEDS


def filter_kwargs(pipe, kwargs: dict[str, Any], warn: Callable[[str], None]) -> dict[str, Any]:
    """The kwargs this pipeline takes; a set value it does not take is reported, not dropped silently."""
    from .call_adapters import guided_by_guider, sized_by_buckets
    accepted = call_defaults(pipe)
    kwargs = _weights_said(pipe, kwargs, warn)
    out = {}
    for need in SETTING_NEEDS:  # a setting the model cannot take: said, and not passed (issue 116)
        why = need.refused(pipe, kwargs.get(need.arg)) if need.arg in kwargs else None
        if why:
            warn(why)
            kwargs = {k: v for k, v in kwargs.items() if k != need.arg}
    for k, v in kwargs.items():  # call_adapters applies a guider's scale, a bucketed pipeline's size
        if k in accepted or (k == "guidance_scale" and guided_by_guider(pipe)) or \
                (k in ("height", "width") and sized_by_buckets(pipe)):
            out[k] = v
        elif k == "num_inference_steps" and STAGED in accepted:  # a pyramid pipeline counts its steps a stage
            out[STAGED] = staged_steps(int(v), accepted[STAGED])
        elif k == "num_frames" and (name := frames_name(accepted)) is not None:  # its other name (Latte's, Sana's)
            out[name] = v
        elif k == "num_frames" and v == 1 and "num_images_per_prompt" in accepted:  # a picture pipeline (SDXL's)
            continue  # makes one picture a call: the one frame asked, nothing lost
        elif _is_set(v):
            warn(f"{type(pipe).__name__} has no '{k}': ignored")
    return out


def _weights_said(pipe, kwargs: dict, warn) -> dict:
    """A prompt or negative still holding ComfyUI's weight syntax '(word:1.3)' here came from a node that gives the
    call its text: weighted embeddings instead where the pipeline's family weighs (sampling/prompt_weighting.py),
    else the syntax removed and the weights said not applied (where ComfyUI reads them: not a literal family)."""
    from . import prompt_weighting as pw
    texts = (kwargs.get("prompt"), kwargs.get("negative_prompt"))
    if not pw.needed_by(pipe, *texts) or pw.literal(pipe) or not isinstance(texts[0], str):
        return kwargs
    if pw.weighs(pipe) and hasattr(pipe, "encode_prompt"):
        from diffusers.utils.torch_utils import get_module_execution_device  # (its text encoder's, offload hooks too)
        te = getattr(pipe, "text_encoder", None)
        got = pw.embeddings(pipe, texts[0], texts[1], get_module_execution_device(te) if te is not None else "cpu")
        rest = {k: v for k, v in kwargs.items() if k not in ("prompt", "negative_prompt")}
        neg = {} if any(k.startswith("negative_") for k in got) else {"negative_prompt": texts[1] or None}
        return pw.with_slot(pipe, {**rest, **got, **neg})
    p, n = pw.cleaned(SimpleNamespace(warn=warn), f"{type(pipe).__name__}'s call",
                      "this node gives its pipeline the words, not weighted embeddings", *texts)
    return {**kwargs, "prompt": p, **({"negative_prompt": n} if "negative_prompt" in kwargs else {})}


def told_rate(pipe, fam, fps: float, say: Callable[[str], None]) -> dict[str, Any]:
    """The family's frame-rate condition (``fam.rate_args``: LTX-Video's and LTX-2's 'frame_rate', I2VGen-XL's
    'target_fps') set to the take's rate ``fps``, said where the pipeline's own default differs (diffusers' LTX-Video
    pipelines default to 25: a 24 take's rope is scaled for 24, heldout104 06)."""
    args = fam.rate_args(fps)
    own = call_defaults(pipe)
    for k, v in args.items():
        d = own.get(k)
        if isinstance(d, (int, float)) and not isinstance(d, bool) and abs(float(d) - float(v)) > 1e-6:
            say(f"{type(pipe).__name__} is told '{k}' {v:g}, the take's rate (its own default: {d:g})")
    return args


FRAMES_AS = ("video_length", "frames")  # other pipelines' names for the frame count (Latte's; Sana Video's)


def frames_name(takes) -> str | None:
    """What a pipeline taking the arguments ``takes`` calls its frame count: ``num_frames``, or one of FRAMES_AS;
    None where it takes none."""
    return next((n for n in ("num_frames",) + FRAMES_AS if n in takes), None)


def call_frames(kwargs: dict) -> int:
    """The frames a pipeline call makes, under any of its names (``num_frames``, FRAMES_AS); 1 when unsaid."""
    return int(next((kwargs[n] for n in ("num_frames",) + FRAMES_AS if kwargs.get(n)), 1))


def decoded_frames(pipe, kwargs: dict) -> int:
    """The frames one decode of the call makes: a pipeline making its take window by window in one call says its
    window's (``frames_per_decode``: Studio's own S2V and SCAIL-2), one taking a clip and no frame count the clip's,
    else the call's frames."""
    per = getattr(pipe, "frames_per_decode", None)
    if per is not None:
        return int(per(kwargs))
    if frames_name(kwargs) is None and hasattr(kwargs.get("video"), "__len__"):
        return len(kwargs["video"])  # a clip refined whole by a pipeline taking no frame count (Kandinsky 6 SR)
    return call_frames(kwargs)


def frames_asked(pipe, kwargs: dict[str, Any]) -> dict[str, Any]:
    """The call with its frame count said to a pipeline that takes one, where the call gives its frames only as a
    clip (Video to Video's ``video``): a video-to-world pipeline otherwise makes its own default length (Cosmos
    1.0's 121, Predict2's 93, Cosmos 3's 189, Helios's 132) and fails on the clip's size or throws frames away.
    The clip's length is the window's, already a count the family accepts (frames_and_window)."""
    if frames_name(kwargs) is not None or not hasattr(kwargs.get("video"), "__len__"):
        return kwargs
    name = frames_name(call_defaults(pipe))
    return dict(kwargs, **{name: len(kwargs["video"])}) if name else kwargs


STAGED = "pyramid_num_inference_steps_list"  # the steps of each stage of a coarse-to-fine (pyramid) sampling


def staged_steps(steps: int, stages) -> list[int]:
    """The node's ``steps`` shared over a pyramid pipeline's stages (as many as its own default list: 6 steps over
    three stages -> [2, 2, 2]; the first stages take what does not divide), at least one a stage."""
    n = max(1, len(stages or ()) or 3)
    base, extra = divmod(max(steps, n), n)
    return [base + (i < extra) for i in range(n)]


def _is_set(v) -> bool:
    """A value given (not None, '', 0): an array or tensor is one, whatever it holds (``v in (0, ...)``
    would compare it element-wise and raise)."""
    if v is None:
        return False
    if isinstance(v, (str, int, float)):
        return v not in ("", 0, 0.0)
    return True
