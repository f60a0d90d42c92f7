"""How a ComfyUI sampler is guided, read by what each guider node declares (its settings, in the order
ComfyUI's and the node packs' declarations give them; read for meaning, nothing copied): the
classifier-free guidance scale the generator's 'guidance' takes, and the values a guider holds that
Studio's generators have no setting for (said, never dropped in silence).

Plain data and stdlib, as the rest of the converter."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import catalogue
from ..families import registry as families
from ..reading.workflow import WIDGETS, CNode, Workflow
from .guider_modalities import by_modality, chain, scales


@dataclass(frozen=True)
class Guider:
    """A guider node as the converter reads it (its settings' names: the mapping's ``widgets``): ``scale``, the
    setting that is the generator's guidance (None: no single scale); ``per_step``: with no scale, it guides
    step by step (said, not taken) rather than running without classifier-free guidance (scale 1);
    ``sound``: the setting that is the sound's own scale (the generator's 'audio_guidance'); ``modalities``: the
    input wired to a chain of per-modality parameter nodes (modality_chain: each a 'modality' and its 'cfg'), whose
    VIDEO cfg is the generator's guidance and AUDIO cfg its 'audio_guidance'; ``rescale``: the setting that is the
    generator's guidance rescale where the family being made has one (its hook 'guidance_rescale': LTX-2's),
    said not taken elsewhere."""
    scale: str | None
    per_step: bool = False
    sound: str | None = None
    modalities: str | None = None
    rescale: str | None = None


# ComfyUI's own guider node types (a family's, its node pack's included: its mapping's ``guiders``); their
# settings' names are reading.workflow.WIDGETS' (a family's: its mapping's widgets)
GUIDERS: dict[str, Guider] = {
    "CFGGuider": Guider("cfg"),
    "BasicGuider": Guider(None),  # one conditioning, no negative: no classifier-free guidance
    "DualCFGGuider": Guider("cfg_conds"),
    "PerpNegGuider": Guider("cfg"),
}
# conditioning nodes that set a guidance-distilled model's embedded guidance (FluxGuidance: Flux,
# HunyuanVideo): node type -> its setting; any other node is told by its declaration (distilled_input)
DISTILLED = {"FluxGuidance": "guidance"}
EMBEDDED = "guidance"  # the FLOAT input a conditioning node declares to set the embedded guidance (FluxGuidance's,
# CLIPTextEncodeFlux's and its packs' twins: every catalogued node giving CONDITIONING with one is such a setter)


def distilled_input(n: CNode) -> str | None:
    """The input of ``n`` that sets a guidance-distilled model's embedded guidance: DISTILLED's, else a FLOAT
    'guidance' its declaration gives beside a CONDITIONING output (CLIPTextEncodeFlux, a pack's FluxGuidance)."""
    if n.cls in DISTILLED:
        return DISTILLED[n.cls]
    t = catalogue.node_type(n.origin or n.cls)
    if t is None or t.inputs is None or "CONDITIONING" not in (t.output_types or ()):
        return None
    return EMBEDDED if any(i.name == EMBEDDED and i.type == "FLOAT" for i in t.inputs) else None


def guider_of(cls: str) -> Guider | None:
    """The guider a node type is (ComfyUI's or a family's), or None when Studio does not know it."""
    return GUIDERS.get(cls) or families.lookup("guiders").get(cls)


def guider_cfg(wf: Workflow, guider: CNode, taken: tuple[str, ...] = ()) -> tuple[Any, list[str]]:
    """The guidance scale a guider gives the sampler (1.0 for a guider without classifier-free guidance;
    None when the guider is one Studio does not know) and the sentences of what else it sets (its settings in
    ``taken`` not among them: taken by the generator being made)."""
    known = guider_of(guider.cls)
    name = f"'{guider.title or guider.shown_cls}' ({guider.shown_cls}, #{guider.id})"
    if known is None:
        return None, [f"the sampler is guided by {name}, which Studio does not read: the generator's guidance is "
                      "its default; set it to the workflow's"]
    if known.modalities is not None:
        return by_modality(wf, guider, known.modalities, name)
    if known.scale is None:
        if known.per_step:
            return None, [f"{name} sets its guidance per step, which Studio's generators do not take: the generator's "
                          "guidance is its default; set it to the workflow's"]
        return 1.0, []
    said = []
    if known.sound is not None:
        v, a = wf.value(guider, known.scale), wf.value(guider, known.sound)
        if v != a:
            said.append(f"{name}: the video's cfg {v} is the generator's guidance, the sound's cfg {a} its "
                        "'audio_guidance'")
    else:
        names = WIDGETS.get(guider.cls) or families.lookup("widgets").get(guider.cls, ())
        rest = {k: wf.value(guider, k) for k in names
                if k != known.scale and k not in taken and wf.value(guider, k) is not None}
        if rest:
            said.append(f"{name}: its {', '.join(f'{k} {v}' for k, v in rest.items())} not taken (the generators take "
                        f"one guidance scale: its {known.scale})")
    return wf.value(guider, known.scale), said


def distilled_guidance(wf: Workflow, start: CNode | None, limit: int = 64) -> tuple[CNode, Any] | None:
    """A FluxGuidance (or the like) on a conditioning's way to its text encoder: the node and its value."""
    seen = set()
    while start is not None and start.id not in seen and limit > 0:
        seen.add(start.id)
        limit -= 1
        own = distilled_input(start)
        if own is not None:
            return start, wf.value(start, own)
        name = next((k for k in ("conditioning", "positive", "conditioning_to", "cond", "cond1") if k in start.links),
                    None)
        start = wf.source(start, name) if name else None
    return None



def modality_chain(wf: Workflow, guider: CNode) -> list[CNode]:
    """The per-modality parameter nodes a guider of ``modalities`` is wired to (guider_modalities.chain); [] else."""
    known = guider_of(guider.cls)
    return chain(wf, guider, known.modalities) if known is not None and known.modalities is not None else []


def modality_scales(wf: Workflow, guider: CNode) -> dict[str, Any]:
    """{modality: its cfg} of a guider of ``modalities`` (guider_modalities.scales); {} else."""
    known = guider_of(guider.cls)
    return scales(wf, guider, known.modalities) if known is not None and known.modalities is not None else {}
