"""Of the ComfyUI nodes not converted, those of a kind Studio has nodes for (a file's or a model part's loader, a
save, a prompt's text encoder, a resize Studio's Scale makes): the note listing what is not converted does not say
Studio has "no node doing what they do" of them, but that nothing converted reads them or gives them what they
write (heldout5's loaders and saves; the seventh held-out set's resizes of a bypassed start image, prompts and model
part loaders of a held task). Plain data and stdlib."""
from __future__ import annotations

from typing import Any

from ..families import registry as families
from ..reading.workflow import LOADER_NODES
from ..tracing.prompts import encoders
from ..tracing.resizes import scale_params
from .kinds import FILE_LOADERS, LOADERS, OUTPUTS


def studio_has(wf: Any, dropped: list) -> tuple[str, int]:
    """(the kinds in words, how many of ``dropped`` are of a kind Studio has nodes for)."""
    parts = {"loaders": 0, "saves": 0, "prompts": 0, "resizes": 0}
    part_loaders, texts = families.lookup("file_loaders"), encoders()
    for n in dropped:
        if n.cls in LOADER_NODES or n.cls in FILE_LOADERS or n.cls in LOADERS or n.cls in part_loaders:
            parts["loaders"] += 1
        elif n.cls in OUTPUTS:
            parts["saves"] += 1
        elif n.cls in texts:
            parts["prompts"] += 1
        elif scale_params(wf, n) is not None:
            parts["resizes"] += 1
    named = [k for k, v in parts.items() if v]
    words = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1] if named else ""
    return words, sum(parts.values())
