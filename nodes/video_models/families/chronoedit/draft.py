"""ChronoEdit's Draft: the release's 8-step distilled LoRA (``chronoedit_distill_lora.safetensors``, in
nvidia/ChronoEdit-14B-Diffusers' ``lora/`` folder, and in ComfyUI's loras under that name) at strength 1, with
8 steps, guidance 1 and its UniPC scheduler at flow shift 2, as diffusers' docs run it (api/pipelines/
chronoedit.md, 'Inference with 8-Step Distillation Lora'; the release's README recommends the same three).
The LoRA is the file the node's 'distill_lora' names, else the one of that name in the models folders' loras;
neither: Draft is refused in words, before the model is touched (nothing is downloaded)."""
from __future__ import annotations

import os

from ...base.drafts import DraftRecipe
from ...base.errors import ModelError

DISTILLED = DraftRecipe("8-step distilled LoRA (ChronoEdit)", "diffusers docs: api/pipelines/chronoedit.md", steps=8,
                        cfg=1.0, shift=2.0, tasks=("image_edit",), loras=(("", ("chronoedit_distill",)),))
FILE = "chronoedit_distill_lora.safetensors"
NEEDED = (f"Draft needs ChronoEdit's 8-step distilled LoRA: set 'distill_lora' to {FILE} (the ChronoEdit-14B "
          "release's lora/ folder, or ComfyUI's loras), or run Final")


def found() -> str | None:
    """The release's distilled LoRA in the models folders' loras, by its name; None when none is there."""
    from studio.core.models import find_kind
    got = find_kind("lora", DISTILLED.loras[0][1])
    return got[0].path if got else None


def distill_lora(picked: str, base_dir: str | None) -> str:
    """The distilled LoRA's path: the file picked ('distill_lora': beside the graph, else in the models
    folders' loras), else the release's found by name; refused in words when there is neither."""
    from ...loading.load import lora_check
    from ...loading.node import find_part
    if picked.strip():
        path = find_part("lora", picked, base_dir)
        lora_check(path)  # a folder, a FIFO or a device is refused here, before it is opened
        return os.path.abspath(path)
    path = found()
    if path is None:
        raise ModelError(f"{NEEDED}: none is set, and no file named *{DISTILLED.loras[0][1][0]}* is in the models "
                         "folders' loras")
    return path
