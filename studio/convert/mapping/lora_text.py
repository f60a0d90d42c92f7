"""What a LoRA's text-encoder strength (ComfyUI's LoraLoader 'strength_clip', a stack's second strength) becomes,
said once the model's loader is known: Video LoRA gives a LoRA one strength. Where the family's pipeline puts a
LoRA's text-encoder keys on its text encoder (the 'lora_text' hook: diffusers' StableDiffusionPipeline and
StableDiffusionXLPipeline load them with the denoiser's, at the adapter's one weight), a text-encoder strength equal to
the model's is applied as the workflow asks (nothing said) and another is said not taken; elsewhere Video LoRA puts the
LoRA on the denoiser alone and the text-encoder strength is said not applied."""
from __future__ import annotations

from typing import Any

from ..families import registry as families
from ..reading.workflow import CNode
from ..tracing.stills import read_as
from ..tracing.tasks import family
from ..tracing.walks import model_file, upstream


def say(b: Any, sampler: CNode, loader: CNode | None, pending: list[tuple], said: list[str]) -> None:
    """The sentences of ``pending`` (LoRA name, text-encoder strength, model strength, whether a stack's), the family
    ``sampler`` samples with read (claimed by the nodes upstream of it, AnimateDiff's, else the model ``loader``'s
    file's)."""
    if not pending:
        return
    fam = read_as(family(model_file(b.wf, loader), None, upstream(b.wf, sampler)), b.still_as) \
        if loader is not None else None
    on_text = fam is not None and families.family_hook(fam, "lora_text")
    for name, clip, strength, stacked in pending:
        shown = f"{clip:g}" if stacked else f"{clip}"
        given = f"{strength:g}" if isinstance(strength, (int, float)) else f"{strength}"
        if on_text and clip != strength:
            line = (f"LoRA '{name}': its text-encoder strength {shown} is not taken (Video LoRA gives it one strength, "
                    f"{given}, on {fam}'s denoiser and, where the LoRA holds text-encoder keys, its text encoder)")
        elif on_text:
            continue  # (its text-encoder keys applied at the model's strength, the one the workflow gives them)
        else:
            line = f"LoRA '{name}': its text-encoder strength {shown} is not applied (Video LoRA puts it on the denoiser)"
        if line not in said:
            said.append(line)
