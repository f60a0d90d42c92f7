"""The converter's question of every family (hook 'sampler_refused', studio/convert/families/hooks.py): can the
pipeline of a family's task run the generators' sampler a workflow's sampler maps to? Answered from diffusers'
declarations (sampler_fit.py), so that a converted generator is never given a sampler its pipeline refuses at the
run (issue 112, samplers10: HunyuanVideo with 'dpm++'). A mapping of no node type: its hook only. Plain data and
stdlib (diffusers' sources read, not imported)."""
from __future__ import annotations

from studio.convert.api import ComfyMapping

from .registry import FAMILIES
from .sampler_fit import cause
from .schedulers import CLASSES


def refused(family: str, task: str, sampler: str) -> str | None:
    """Why the pipeline of ``family``'s ``task`` cannot run ``sampler``, in words; None where it can or is not known."""
    fam = FAMILIES.get(family)
    pipeline = getattr(fam, task, None) if fam is not None and task else None
    return cause(pipeline, sampler, CLASSES) if isinstance(pipeline, str) and pipeline else None


MAPPING = ComfyMapping(key="samplers_taken", hooks={"sampler_refused": refused})
