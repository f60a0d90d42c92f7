"""The file a model loader merges into its model's state dict, read by declared types: a loader input the
catalogue declares a text wired in, named for it (KJNodes' DiffusionModelLoaderKJ 'extra_state_dict': a path whose
tensors the loader adds to its model's), its file the text wired (a constant), else the file setting (the
catalogue's, of a models folder) of the node giving it (KJNodes' DiffusionModelSelector gives the path of its
'model_name' when the workflow runs). Plain data and stdlib."""
from __future__ import annotations

from ..catalogue import node_type
from .workflow import CNode, Workflow

EXTRA_INPUTS = ("extra_state_dict",)  # the input names the packs give it (KJNodes')


def _declared_text(cls: str, name: str) -> bool:
    spec = node_type(cls)
    return spec is not None and any(i.name == name and i.type == "STRING" for i in spec.inputs)


def extra_file(wf: Workflow, loader: CNode) -> tuple[str, CNode | None, str] | None:
    """(the file, the node giving it or None for the loader's own text, the input) of ``loader``'s extra state dict where
    one is wired and its file is worked out; None where none is, or it is not known when converting."""
    for key in EXTRA_INPUTS:
        if key not in loader.links or not _declared_text(loader.cls, key):
            continue
        src, v = wf.source(loader, key), wf.value(loader, key)  # (a text worked out through the node giving it)
        if isinstance(v, str) and v.strip():
            return v.strip(), src, key
        spec = node_type(src.cls) if src is not None else None
        for i in (spec.inputs if spec is not None else ()):
            got = wf.value(src, i.name) if i.files else None
            if isinstance(got, str) and got.strip():
                return got.strip(), src, key
    return None
