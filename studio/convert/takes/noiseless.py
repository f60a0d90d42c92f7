"""A take's first pass that adds no noise of its own to the latent it samples (its add_noise off: SamplerCustom,
KSamplerAdvanced; ComfyUI's DisableNoise as its noise), told by tracing.walks.adds_noise (declared settings, never a
pack's name): ComfyUI samples that latent as it is given, Studio's generator starts its take from its own noise
(heldout46 09: FunPack's LTX-2.3 'Low Resolution Sampler', a SamplerCustom with add_noise off, made unsaid). Plain
stdlib."""
from __future__ import annotations

from ..reading.workflow import CNode, Workflow
from ..tracing.walks import adds_noise

SAID = "adds no noise"  # the words of this sentence, and of takes.passes' seed line for a DisableNoise (said once)


def line(wf: Workflow, first: CNode) -> str | None:
    """The sentence of first pass ``first`` where it adds no noise; None where it does."""
    if adds_noise(wf, first):
        return None
    noise = wf.source(first, "noise")
    how = (f"its noise {noise.named()}" if noise is not None and noise.cls == "DisableNoise" else "its add_noise off")
    return (f"{first.named()} {SAID} of its own to the latent it samples ({how}): ComfyUI samples that latent as it "
            "is given; Studio's generator starts its take from its own noise")


def say(wf: Workflow, first: CNode, said: list[str]) -> None:
    """Add ``line`` to ``said`` where the pass adds no noise and no sentence says so yet."""
    text = line(wf, first)
    if text is not None and not any(SAID in s for s in said):
        said.append(text)
