"""A ComfyUI sampler's settings, read whichever way the workflow wires them (KSampler,
KSamplerAdvanced, SamplerCustom with KSamplerSelect and a scheduler node, SamplerCustomAdvanced with
RandomNoise, CFGGuider, KSamplerSelect and sigmas), and the diffusers scheduler nearest to its
sampler and scheduler names."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..families import registry as families
from .guiders import guider_cfg, modality_chain
from .sampler_nodes import sampler_of_type
from . import sampler_wraps
from .expert_sigmas import expert_part
from .sigma_steps import sigma_steps, split
from ..reading.workflow import CNode, Workflow

SAMPLERS = ("KSampler", "KSamplerAdvanced", "SamplerCustom", "SamplerCustomAdvanced")

# ComfyUI sampler name (its start) -> the diffusers scheduler that steps the same way
NEAREST = (
    ("uni_pc", "UniPCMultistepScheduler"),
    ("dpmpp_2m", "DPMSolverMultistepScheduler"),
    ("dpmpp_3m", "DPMSolverMultistepScheduler"),
    ("dpmpp_sde", "DPMSolverSDEScheduler"),
    ("dpmpp_2s", "DPMSolverSinglestepScheduler"),
    ("dpm_2", "KDPM2DiscreteScheduler"),
    ("heun", "FlowMatchHeunDiscreteScheduler (flow models) / HeunDiscreteScheduler"),
    ("lcm", "LCMScheduler"),
    ("ddim", "DDIMScheduler"),
    ("ddpm", "DDPMScheduler"),
    ("lms", "LMSDiscreteScheduler"),
    ("euler_ancestral", "EulerAncestralDiscreteScheduler (flow models: FlowMatchEulerDiscreteScheduler, "
                        "without the ancestral noise)"),
    ("euler", "FlowMatchEulerDiscreteScheduler (flow models) / EulerDiscreteScheduler"),
    ("res_multistep", "none close: the model's own scheduler"),
)
SIGMAS = {"karras": "use_karras_sigmas=True", "exponential": "use_exponential_sigmas=True",
          "beta": "use_beta_sigmas=True", "simple": "its own spacing", "normal": "its own spacing",
          "sgm_uniform": "timestep_spacing='trailing'", "ddim_uniform": "timestep_spacing='leading'"}


# ComfyUI sampler name (its start) -> the generators' 'sampler' choice (nodes/video_models/base/schedulers.py)
CHOICES = (("uni_pc", "unipc"), ("dpmpp_2m", "dpm++"), ("dpmpp_3m", "dpm++"), ("euler", "euler"))


def studio_sampler(sampler: str | None) -> str:
    """The generators' 'sampler' nearest ComfyUI's: 'auto' (the model's own) where none is close."""
    return next((c for k, c in CHOICES if (sampler or "").startswith(k)), "auto")


# the nearest schedulers taking no use_karras / use_exponential / use_beta sigmas (their __init__ in diffusers
# 0.42.1): 'LCMScheduler, use_karras_sigmas=True' named an option it lacks (proxymine24)
NO_SIGMA_SPACING = ("LCMScheduler", "DDIMScheduler", "DDPMScheduler")


def nearest_scheduler(sampler: str | None, scheduler: str | None) -> str:
    """'uni_pc' + 'simple' -> 'UniPCMultistepScheduler (its own spacing)'."""
    name = next((d for k, d in NEAREST if (sampler or "").startswith(k)), "the model's own scheduler")
    spacing = SIGMAS.get(scheduler or "", "")
    if spacing.startswith("use_") and name.startswith(NO_SIGMA_SPACING):
        spacing = f"which has no '{scheduler}' sigma spacing (its own used)"
    return f"{name}{f', {spacing}' if spacing else ''}"


@dataclass
class Sampling:
    node: CNode
    seed: int | None = None
    steps: int | None = None
    cfg: float | None = None
    sampler: str | None = None
    scheduler: str | None = None
    start: int | None = None  # KSamplerAdvanced's steps window
    end: int | None = None
    extra: dict = field(default_factory=dict)  # LTXVScheduler's shifts, ManualSigmas' values
    used: set = field(default_factory=set)  # the helper nodes read (KSamplerSelect, RandomNoise, ...)
    said: list = field(default_factory=list)  # what its guider sets that the generator does not take
    at: dict = field(default_factory=dict)  # a setting read from a helper node -> that node (its sentences name it)

    def inputs(self, wf: Workflow) -> CNode:
        """The node whose model / positive / negative inputs this sampler uses (its guider's for
        SamplerCustomAdvanced)."""
        g = wf.source(self.node, "guider") if self.node.cls == "SamplerCustomAdvanced" else None
        return g or self.node


def _str(v) -> str | None:
    return v if isinstance(v, str) else None


def _num(v, kind):
    """``v`` as an int or a float; as it is when it is not one (a string, infinity, an int past a
    float's range): the node it is given to says it could not take it, and what it used instead."""
    try:
        return None if v is None or isinstance(v, bool) else kind(v)
    except (TypeError, ValueError, OverflowError):
        return v


def _sampler(wf: Workflow, s: CNode, out: Sampling) -> None:
    """The sampler ``s`` is given by a node (KSamplerSelect's name, a node of one sampler's type), read into ``out``;
    through a node changing the sampler it is given, said (sampler_wraps: heldout126 01, Detail Daemon's)."""
    wraps, sel = sampler_wraps.through(wf, wf.source(s, "sampler"))
    if sel is not None:
        out.sampler = _str(wf.value(sel, "sampler_name"))
        if out.sampler is None and (named := sampler_of_type(sel)) is not None:
            out.sampler, out.at["sampler"] = named, sel  # a node of one sampler (SamplerEulerAncestral): named
        out.used.add(sel.id)
    out.used.update(w.id for w in wraps)
    out.said += [sampler_wraps.said(w, wraps[i + 1] if i + 1 < len(wraps) else sel, out.sampler)
                 for i, w in enumerate(wraps)]


def read_sampling(wf: Workflow, s: CNode) -> Sampling:
    out = Sampling(s)
    val = wf.value
    if s.cls == "KSampler":
        out.seed, out.steps, out.cfg = _num(val(s, "seed"), int), _num(val(s, "steps"), int), _num(val(s, "cfg"), float)
        out.sampler, out.scheduler = _str(val(s, "sampler_name")), _str(val(s, "scheduler"))
        return _wired_sigmas(wf, s, out)
    if s.cls == "KSamplerAdvanced":
        out.seed, out.steps, out.cfg = (_num(val(s, "noise_seed"), int), _num(val(s, "steps"), int),
                                        _num(val(s, "cfg"), float))
        out.sampler, out.scheduler = _str(val(s, "sampler_name")), _str(val(s, "scheduler"))
        out.start, out.end = _num(val(s, "start_at_step"), int), _num(val(s, "end_at_step"), int)
        return _wired_sigmas(wf, s, out)
    if s.cls == "SamplerCustom":
        out.seed, out.cfg = _num(val(s, "noise_seed"), int), _num(val(s, "cfg"), float)
    else:  # SamplerCustomAdvanced
        noise, guider = wf.source(s, "noise"), wf.source(s, "guider")
        if noise is not None:
            out.seed = _num(val(noise, "noise_seed"), int)
            out.used.add(noise.id)
            out.at["seed"] = noise
        if guider is not None:
            cfg, out.said = guider_cfg(wf, guider)
            out.cfg = _num(cfg, float)
            out.used.add(guider.id)
            out.used.update(x.id for x in modality_chain(wf, guider))  # its parameters, read (and their rest said)
            out.at["cfg"] = guider
    _sampler(wf, s, out)
    given, first, last, splitters = split(wf, s)  # (one part of ComfyUI's SplitSigmas: the pass's steps of the whole)
    sig, steps_of = sigma_steps(wf, given)
    if splitters:
        out.used.update(x.id for x in splitters)
        out.start, out.end = first, last
    out.used.update(x.id for x in steps_of)
    if sig is not None:
        out.used.add(sig.id)
        out.at["steps"] = sig
        if sig.cls == "BasicScheduler" or sig.cls in families.lookup("schedulers"):  # or a family's
            out.steps = _num(val(sig, "steps"), int)
            out.scheduler = _str(val(sig, "scheduler")) if sig.cls == "BasicScheduler" else None
            out.extra = {k: val(sig, k) for k in ("max_shift", "base_shift", "stretch", "terminal", "denoise")
                         if val(sig, k) is not None}
        elif sig.cls == "ManualSigmas":  # its steps one fewer than its numbers; a list holding what is no number
            text = str(val(sig, "sigmas") or "")  # (a template's '{{SIGMAS}}': heldout14) counts no steps
            parts = [x.strip() for x in text.replace(";", ",").split(",") if x.strip()]
            out.steps = max(1, len(parts) - 1) if parts and all(_float(x) is not None for x in parts) else None
            out.extra = {"sigmas": text}
        elif isinstance(steps := _num(val(sig, "steps"), int), int):  # another scheduler (Karras, Align Your
            out.steps = steps  # Steps...): its steps; its own spacing said, the model's used
            out.extra = {"scheduler": sig.shown_cls, **{k: v for k, v in sig.widgets.items() if k != "steps"
                                                        and isinstance(v, (int, float)) and not isinstance(v, bool)}}
    for x in steps_of:  # (a step changing them between: said in the note of what the generator does not take)
        out.extra[f"then {x.shown_cls} (#{x.id})"] = ", ".join(f"{k} {v}" for k, v in x.widgets.items()) or "its change"
    return _expert_part(wf, s, out)


def _expert_part(wf: Workflow, s: CNode, out: Sampling) -> Sampling:
    """``out`` with the steps and the part of them ``s`` runs where its sigmas are one expert's part of a
    two-expert scheduler's (expert_sigmas: WanMoEScheduler's sigmas_high / sigmas_low)."""
    if (part := expert_part(wf, s)) is None:
        return out
    sig, out.steps, out.start, out.end = part
    out.at["steps"] = sig
    out.used.add(sig.id)
    return out



def _wired_sigmas(wf: Workflow, s: CNode, out: Sampling) -> Sampling:
    """A pack's sampler read as KSampler(Advanced) whose own SIGMAS input is wired (WanVideoSampler: "the sigmas
    input will override the steps, shift and scheduler"; ComfyUI's own two declare none): its steps are the
    sigmas' - counted where ManualSigmas or a scheduler Studio reads gives them, else made when the workflow runs by
    the node giving them (`at`: said by takes.passes.unread), not its 'steps' widget (heldout39 15 made 1 step of
    WanMoEScheduler's 10 + 10, unsaid)."""
    src = wf.source(s, "sigmas")
    if src is None:
        return out
    if expert_part(wf, s) is not None:  # (a two-expert scheduler's part: its steps and this sampler's share)
        return _expert_part(wf, s, out)
    sig, between = sigma_steps(wf, src)
    sig = sig or src
    out.at["steps"], out.steps = sig, None
    if sig.cls == "ManualSigmas":
        parts = [x.strip() for x in str(wf.value(sig, "sigmas") or "").replace(";", ",").split(",") if x.strip()]
        out.steps = max(1, len(parts) - 1) if parts and all(_float(x) is not None for x in parts) else None
    elif sig.cls == "BasicScheduler" or sig.cls in families.lookup("schedulers"):
        out.steps = _num(wf.value(sig, "steps"), int)
    if out.steps is not None:
        out.used.update({sig.id, *(x.id for x in between)})
    return out


def _float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None
