"""An input of a generator's task node that no file Studio reads feeds, made when the workflow runs from what a pass of
the workflow decodes (a Fun Control clip drawn by Canny from a text-to-video take through GetVideoComponents, another
take's decoded frames given straight, or a still another model makes; heldout106 03): the fallback sentence ("made by
ComfyUI nodes Studio does not convert (see their note)") named nodes Studio converts or passes over, none in that
note. Said here instead: the decoder, its sampler and the steps between, and that Studio does not wire it into this
generator. Walked back through the inputs that carry pictures, by the catalogue's declared types (tracing.roles).
Plain data and stdlib."""
from __future__ import annotations

from ..reading.workflow import CNode, Workflow
from ..tracing.roles import in_type
from ..tracing.sampling import SAMPLERS

PICTURES = ("IMAGE", "VIDEO")
MAX_STEPS = 8


def _named(n: CNode) -> str:
    return f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"


def _decoded_pass(wf: Workflow, n: CNode) -> CNode | None:
    """The sampler whose latent ``n`` decodes (a pass of the workflow's own: a take, or a still another model makes)."""
    s = wf.source(n, "samples") if n.cls.startswith("VAEDecode") else None
    return s if s is not None and s.cls in SAMPLERS else None


def _picture_input(wf: Workflow, n: CNode) -> str | None:
    """The one input of ``n`` that carries pictures or a clip, by its declared type (None: none, or more than one)."""
    ins = [k for k in n.links if in_type(n, k) in PICTURES]
    return ins[0] if len(ins) == 1 else None


def line(wf: Workflow, node: CNode, port: str, into: str) -> str | None:
    """The sentence for ``node``'s ``port`` made from what a pass decodes; None where it is not."""
    src, steps = wf.source(node, port), []
    for _ in range(MAX_STEPS):
        if src is None:
            return None
        if (sampler := _decoded_pass(wf, src)) is not None:
            via = f" through {', '.join(_named(n) for n in steps)}" if steps else ""
            return (f"{node.of(port)} is made from what {_named(src)} decodes of {_named(sampler)}'s latent (a pass of "
                    f"this workflow){via} when the workflow runs: Studio does not wire it into this generator (connect "
                    f"a picture or clip to the generator's '{into}')")
        k = _picture_input(wf, src)
        if k is None:
            return None
        steps.append(src)
        src = wf.source(src, k)
    return None
