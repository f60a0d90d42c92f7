"""A part file Load Video Model is given that the same workflow loads as a LoRA (heldout21 07: ComfyUI's 'Pose to
Video' blueprint wires its one 'lora_name' input into both LoraLoaderModelOnly and LTXAVTextEncoderLoader, so the
text encoder is set to the IC-LoRA's file as saved): said, never set in silence. By the file's name alone: any node
whose LoRA file (reading.lora_names) is the same file."""
from __future__ import annotations

from ..reading.lora_names import lora_of
from ..reading.workflow import CNode, Workflow


def _loader(wf: Workflow, value: str, part: CNode) -> CNode | None:
    """The first node (in the file's order) other than ``part`` that loads ``value`` as a LoRA; None."""
    return next((m for m in wf.nodes.values() if m is not part and m.enabled
                 and (got := lora_of(wf, m)) is not None and got[0] == value), None)


def said(wf: Workflow, part: CNode, what: str, param: str, value: str) -> str | None:
    """The sentence for ``part``'s ``what`` file ``value`` set on Load Video Model's ``param``, where another node
    loads that file as a LoRA; None where none does."""
    lora = _loader(wf, value, part)
    if lora is None:
        return None
    return (f"{what} '{value}' of {part.named()} is the file {lora.named()} loads as a LoRA: set on Load Video "
            f"Model's '{param}' as the workflow gives it; a LoRA file holds no {what}: set '{param}' to the "
            f"{what}'s own file")
