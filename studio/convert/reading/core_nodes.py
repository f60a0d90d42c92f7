"""Whether a workflow's node is one of ComfyUI's own (core) nodes, as the file's node says (its 'cnr_id' pack) or, where
it says none, as the catalogue files its type (the file's own type: a pack node read as a core one is its pack's).
Plain stdlib."""
from __future__ import annotations

from typing import Any

from .. import catalogue

CORE = ("comfy-core", "Comfy-Org/ComfyUI")  # ComfyUI's own nodes: the registry's id, the catalogue's pack


def is_core(n: Any) -> bool:
    """One of ComfyUI's own nodes, as the file or the catalogue says."""
    if n.pack:
        return n.pack in CORE
    t = catalogue.node_type(n.origin or n.cls)
    return t is not None and t.pack in CORE
