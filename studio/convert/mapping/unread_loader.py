"""The model a held pack sampler is given, where no loader Studio reads loads it (heldout85 07): a fork's renamed
WanVideoWrapper loader ('WanVideoModelLoader_jc', a type no pack in the catalogue declares) naming
'WanVideo\\SCAIL2_14B_bf16.safetensors' had the held task said to be made "with an unrecognised model". The node on
the sampler's 'model' input (followed back through the model patches on its way, by their 'model' input) whose type the catalogue does not declare and whose saved values name one model file (a value ending in a
model file's extension) gives the family its file names (tracing.tasks.family), with the file and the node named;
None where there is no such node or several files (nothing guessed). Plain stdlib."""
from __future__ import annotations

from typing import Any

from .. import catalogue
from ..tracing.tasks import family

MODEL_FILES = (".safetensors", ".gguf", ".ckpt", ".pt", ".pth", ".bin", ".sft")
DEPTH = 8  # model patches passed back through, at most


def _base(path: str) -> str:
    """A model file's name without its folders (ComfyUI's files name them with either slash)."""
    return path.replace("\\", "/").rsplit("/", 1)[-1]


def _files(n: Any) -> list[str]:
    return [v for v in n.settings().values() if isinstance(v, str) and v.lower().endswith(MODEL_FILES)]


def named(wf: Any, sampler: Any, up: list) -> str | None:
    """The family a held sampler's undeclared model loader names, with its file and the loader, in words; None."""
    n = wf.source(sampler, "model")
    for _ in range(DEPTH):
        if n is None:
            return None
        if catalogue.node_type(n.shown_cls) is None and len(files := _files(n)) == 1:
            fam = family(files[0], None, up)
            return f"{fam} ('{_base(files[0])}', the file {n.named()} loads, a type no pack in Studio's catalogue " \
                   "declares)"
        if "model" not in n.links:
            return None
        n = wf.source(n, "model")
    return None
