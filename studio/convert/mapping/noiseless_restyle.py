"""A restyle whose pass adds no noise to the encoded clip (its noise ComfyUI's DisableNoise, its add_noise off: read by
walks.adds_noise) and whose denoise is not a whole one: the pass samples the clip itself (an inversion or an edit
along the model's flow, as FlowEdit and RF-inversion make: LTXTricks' flow_edit and iv2v), not the clip noised to a
strength. Studio makes it as Video to Video, which noises the clip to its 'strength' (SDEdit, diffusers' own
video-to-video): one sentence says the difference, naming the pass, what disables its noise and its own sampler."""
from __future__ import annotations

from ..reading.workflow import CNode, Workflow
from ..tracing.walks import adds_noise


def _name(n: CNode) -> str:
    return f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"


def noiseless_sentence(wf: Workflow, first: CNode) -> str | None:
    """The sentence for a Video to Video made of ``first``'s pass where that pass adds no noise; None where it does."""
    if adds_noise(wf, first):
        return None
    noise = wf.source(first, "noise")
    how = f"its noise is {_name(noise)}" if noise is not None else "its add_noise is off"
    sampler = wf.source(first, "sampler")
    own = (f", with the sampler {_name(sampler)}" if sampler is not None and sampler.shown_cls != "KSamplerSelect"
           else "")
    return (f"'{first.title or first.shown_cls}' (#{first.id}) adds no noise to the encoded clip ({how}): it samples "
            f"the clip itself{own}, an edit or inversion of the clip (as FlowEdit and RF-inversion make), where "
            "Studio's Video to Video noises the clip to its 'strength' and denoises it toward its prompt: the take "
            "is a restyle of the clip, not this workflow's edit")
