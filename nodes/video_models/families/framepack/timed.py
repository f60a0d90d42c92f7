"""Framepack's timed prompts and keyframes, section by section (issue 112), on diffusers'
HunyuanVideoFramepackPipeline as it is (pipelines/hunyuan_video/pipeline_hunyuan_video_framepack.py, diffusers
0.42.1), whose ``__call__`` loops the sections itself and hands nothing of a section to a caller. Two of its own
seams are used, nothing of its loop copied: its ``prepare_latents``, called once at the start of each section (the
section's noise), counts the sections; a hook on its transformer (diffusers' HookRegistry, base/hooks.py) then gives
the section's calls their conditioning:

* a timed prompt: the positive call of each step is given the embeddings (Llama tokens, their mask, CLIP-L pooled)
  of the prompt whose span holds the section's start (each prompt encoded once, before the call). A step's
  positive call is its first: the pipeline hands both calls of a step (with true CFG, the negative second) the one
  ``timestep`` tensor it makes a step (``t.expand``), so a new one is a new step's positive call;
* a keyframe: the section holding its second is conditioned on it as FramePack's keyframe forks condition a section
  (nirvash's and gamtruliar's ComfyUI-FramePackWrapper, read for behaviour): the clean latent standing for the start
  image (the first of ``latents_clean``) is the keyframe's latent, and the SigLIP image embedding is the keyframe's,
  for that section only (the forks' spread of a keyframe over the sections after it, and their weights, are not
  built). Its latent is the VAE's mean (its ``latent_dist.mode()``: deterministic, the call's seed untouched).

Sections in time: the pipeline's anti-drifting order makes the last section first (loop k is section n - 1 - k in
time); 'vanilla' (F1) makes them forward. Each section adds ``window x 4`` frames to the take (its blended decode),
so section j starts at frame ``j x window x 4``. Where no timed prompt or keyframe is given nothing is hooked: the
call is today's."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from studio.core.errors import StudioError

_LINE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*s?\s*:\s*(.*\S)\s*$")


def parse_timed(text: str) -> list[tuple[float, str]]:
    """'seconds: prompt' lines ('2.5: the fox jumps'; an 's' after the seconds allowed), sorted by their seconds;
    blank lines skipped; any other line refused in words."""
    out = []
    for n, line in enumerate((text or "").splitlines(), 1):
        if not line.strip():
            continue
        m = _LINE.match(line)
        if m is None:
            raise StudioError(f"'prompts' line {n} ('{line.strip()[:40]}') is not 'seconds: prompt'")
        out.append((float(m.group(1)), m.group(2)))
    return sorted(out, key=lambda x: x[0])


def section_start(j: int, window: int, fps: float, temporal: int = 4) -> float:
    """The second section ``j`` (in time) starts at."""
    return j * window * temporal / fps


def section_of(second: float, n: int, window: int, fps: float, temporal: int = 4) -> int:
    """The section (in time, 0..n-1) holding ``second``; past the take: n."""
    j = int(second * fps // (window * temporal))
    return j if j < n else n


def prompt_per_section(prompt: str, timed: list[tuple[float, str]], n: int, window: int, fps: float) -> list[str]:
    """Each section's prompt (in time): that of the last timed line at or before its start, else ``prompt``."""
    out = []
    for j in range(n):
        start = section_start(j, window, fps)
        held = [p for at, p in timed if at <= start + 1e-9]
        out.append(held[-1] if held else prompt)
    return out


@dataclass
class SectionHook:
    """The hooks on one pipeline for one call: ``prompts[j]`` (embeddings, or None: the call's own) and ``keys[j]``
    ((latent, image embedding), or None) for section j in time; ``forward``: 'vanilla' sampling."""
    n: int
    forward: bool
    prompts: list = field(default_factory=list)
    keys: list = field(default_factory=list)
    section: int = -1
    _step: object = None
    _handles: list = field(default_factory=list)

    def install(self, pipe) -> None:
        own = pipe.prepare_latents  # a section's noise: once at the start of each section (its loop)

        def counted(*a, **kw):
            self.section += 1
            self._step = None
            return own(*a, **kw)
        image = pipe.prepare_image_latents  # the still's latent: once at the start of each call (a call made again)

        def restarted(*a, **kw):
            self.section, self._step = -1, None
            return image(*a, **kw)
        pipe.prepare_latents, pipe.prepare_image_latents = counted, restarted
        self._handles.append(lambda: [pipe.__dict__.pop(k, None) for k in ("prepare_latents", "prepare_image_latents")])
        from ...base.hooks import denoiser_hooks
        hooks = denoiser_hooks(pipe, "framepack_sections", self._model_hook, attrs=("transformer",)).__enter__()
        self._handles.append(lambda: hooks.__exit__(None, None, None))

    def _model_hook(self, module):
        """diffusers' ModelHook (through its HookRegistry, base/hooks.py) giving each call its section's inputs."""
        from diffusers.hooks import ModelHook
        pre = self._pre

        class _Sections(ModelHook):
            def pre_forward(self, module, *args, **kwargs):
                return pre(module, args, kwargs)
        return _Sections()

    def remove(self) -> None:
        while self._handles:
            self._handles.pop()()

    def _in_time(self) -> int:
        k = max(0, min(self.section, self.n - 1))
        return k if self.forward else self.n - 1 - k

    def _pre(self, module, args, kwargs):
        j = self._in_time()
        positive = kwargs.get("timestep") is not self._step
        self._step = kwargs.get("timestep")
        like = kwargs["encoder_hidden_states"]
        if positive and j < len(self.prompts) and self.prompts[j] is not None:
            embeds, mask, pooled = self.prompts[j]
            kwargs["encoder_hidden_states"] = embeds.to(like.device, like.dtype)
            kwargs["encoder_attention_mask"] = mask.to(like.device, kwargs["encoder_attention_mask"].dtype)
            kwargs["pooled_projections"] = pooled.to(like.device, kwargs["pooled_projections"].dtype)
        if j < len(self.keys) and self.keys[j] is not None:
            latent, image = self.keys[j]
            clean = kwargs["latents_clean"]
            kwargs["latents_clean"] = clean.clone()
            kwargs["latents_clean"][:, :, :1] = latent.to(clean.device, clean.dtype)
            kwargs["image_embeds"] = image.to(clean.device, kwargs["image_embeds"].dtype)
        return args, kwargs
