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
from .tasks import FIELD_KINDS, makers


def pipeline_for(fam, node: str) -> str | None:
    """The pipeline class ``fam``'s generator of Studio type ``node`` runs: the first pipeline field of the family
    (FIELD_KINDS' order: t2v before its keyframed 'cond') whose task kinds that node makes (tasks.makers: the family's
    own makers, else the generic ones); None where none does. Declarations only: no node module imported."""
    return next((p for f, kinds in FIELD_KINDS.items() if isinstance(p := getattr(fam, f, None), str) and p
                 and any(m.node == node for k in kinds for m in makers(fam, k))), None)


def refused(family: str, node: str, sampler: str) -> str | None:
    """Why the pipeline ``family``'s generator of Studio type ``node`` runs cannot run ``sampler``, in words; None
    where it can or is not known."""
    fam = FAMILIES.get(family)
    pipeline = pipeline_for(fam, node) if fam is not None and node else None
    return cause(pipeline, sampler, CLASSES) if pipeline else None


MAPPING = ComfyMapping(key="samplers_taken", hooks={"sampler_refused": refused})
