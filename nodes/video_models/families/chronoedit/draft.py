"""ChronoEdit's Draft: the release's 8-step distilled LoRA (``chronoedit_distill_lora.safetensors``, in
nvidia/ChronoEdit-14B-Diffusers' ``lora/`` folder, and in ComfyUI's loras under that name) at strength 1, with
8 steps, guidance 1 and its UniPC scheduler at flow shift 2, as diffusers' docs run it (api/pipelines/
chronoedit.md, 'Inference with 8-Step Distillation Lora'; the release's README recommends the same three).
The LoRA is the file the node's 'distill_lora' names (a file named there and missing is refused in words), else the
one of that name in the models folders' loras; neither: the final settings run, said as information, as the other
generators' Draft does where no distilled file is found (sampling/draft.py; nothing is downloaded)."""
from __future__ import annotations

import os

from ...base.drafts import DraftRecipe

DISTILLED = DraftRecipe("8-step distilled LoRA (ChronoEdit)", "diffusers docs: api/pipelines/chronoedit.md", steps=8,
                        cfg=1.0, shift=2.0, tasks=("image_edit",), loras=(("", ("chronoedit_distill",)),))
FILE = "chronoedit_distill_lora.safetensors"
NOT_FOUND = (f"draft: no distilled LoRA found for ChronoEdit: 'distill_lora' is empty and no file named "
             f"*{DISTILLED.loras[0][1][0]}* is in the models folders' loras (the release's {FILE}, in its lora/ "
             "folder or ComfyUI's loras): the final settings run")


def found() -> str | None:
    """The release's distilled LoRA in the models folders' loras, by its name; None when none is there."""
    from studio.core.models import find_kind
    got = find_kind("lora", DISTILLED.loras[0][1])
    return got[0].path if got else None


def distill_lora(picked: str, base_dir: str | None) -> str | None:
    """The distilled LoRA's path: the file picked ('distill_lora': beside the graph, else in the models
    folders' loras; refused in words where it is not there), else the release's found by name; None: neither."""
    from ...loading.load import lora_check
    from ...loading.node import find_part
    if picked.strip():
        path = find_part("lora", picked, base_dir)
        lora_check(path)  # a folder, a FIFO or a device is refused here, before it is opened
        return os.path.abspath(path)
    return found()
