"""The shift ComfyUI samples a family's model at where no node on the model's way sets one: the one its model config
gives (ComfyUI's supported_models' sampling_settings), declared by the family's mapping as its 'comfy_shift' hook (Wan:
8, the shift of every Wan model config ComfyUI makes from WAN21_T2V: Wan 2.1, Wan 2.2 A14B, TI2V 5B, VACE, Fun,
Camera, HuMo, Animate, S2V). A family named by its model file ('Wan 2.2', 'Wan 2.1': heldout58 05, a Wan 2.2 A14B take
with both shift nodes bypassed) is its mapping's too. A take given its sigmas by hand (ManualSigmas, a pack's list read
as it: heldout58's regression, a Lightning sigma list into WanVideoSampler) samples those, no model's shift: none
said. A pack's sampler running its own pipeline on a model of its own type (VideoX-Fun's Wan2_2I2VSampler on its
FunModels: heldout49's zhaofuq files) samples at its pipeline's shift, not ComfyUI's model config's: only a sampler
that is ComfyUI's own or takes ComfyUI's MODEL (declared types) is given it. Plain data and stdlib."""
from __future__ import annotations

from .. import catalogue
from ..families import registry as families
from ..reading.core_nodes import is_core


def comfy_shift(title: str | None) -> float | None:
    """The shift ComfyUI samples family ``title`` at where no node sets one (None: not declared)."""
    m = families.lookup("by_title").get(title)
    if m is None:  # a title a mapping gives by a model file's name
        m = next((m for m in families.mappings() if any(t == title for _, t in m.files)), None)
    return families.hook(m, "comfy_shift") if m is not None else None


def hand_sigmas(s) -> bool:
    """Whether sampling ``s`` (tracing.sampling.Sampling) takes a sigma list given by hand, not the model's schedule."""
    return "sigmas" in s.extra or getattr(s.at.get("steps"), "cls", None) == "ManualSigmas"


def comfy_model_sampler(n) -> bool:
    """Whether sampler node ``n`` samples a ComfyUI model (its model config's shift applies): one of ComfyUI's own
    nodes, or a type (the file's own, where read as another) declaring a MODEL input, in the catalogue or in the UI
    file's own input types (a pack the catalogue lacks: BlenderNeko's Tiled KSampler)."""
    if is_core(n) or "MODEL" in n.in_types.values():
        return True
    t = catalogue.node_type(n.origin or n.cls)
    return t is not None and t.inputs is not None and any(i.type == "MODEL" for i in t.inputs)
