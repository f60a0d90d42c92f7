"""Which of the nodes listed as not converted are of a kind Studio has nodes for, told by their types: a file's
loader or a save (the converter's own lists), a loader of one part of a model (a VAE, a text encoder, an image
encoder: no socket, that part out, its file named), a constant (values out, widgets in: the catalogue's primitive).
Such a node listed is not made because nothing converted reads it, never because Studio has no node doing what it
does: the note's first words say so (convert._dropped_note)."""
from __future__ import annotations

from .. import catalogue
from ..reading import by_types
from ..reading.workflow import LOADER_NODES, CNode
from ..tracing.prompts import encoders
from .kinds import OUTPUTS


def kind(n: CNode, fed: frozenset[str] | set[str] = frozenset()) -> str | None:
    """'loaders' / 'constants' / 'prompts' / 'saves' for a node of a kind Studio has nodes for, None for another; a
    node a converted node reads (``fed``: the ids converted nodes read) is none of them, 'nothing converted reads' it
    being false: a value node (the tenth held-out set: WanVideoWrapper's CFG schedule list, a sampler's cfg), a
    loader on an input a pack node's reading let go (proxymine21: HunyuanVideo-Nyan's CLIP-L file on
    HyVideoTextEncode's 'clip_l', that node read as CLIPTextEncode)."""
    if n.cls in OUTPUTS:
        return "saves"
    if n.id in fed:
        return None
    if n.cls in LOADER_NODES or by_types.part_loader(n) is not None:
        return "loaders"
    if n.cls in encoders():  # a prompt's text encoder (the seventh held-out set's held IC-LoRA and FlowEdit files)
        return "prompts"
    return "constants" if catalogue.is_primitive(catalogue.node_type(n.origin or n.cls)) else None


def words(dropped: list[CNode], fed: frozenset[str] | set[str] = frozenset()) -> tuple[int, str]:
    """(how many of ``dropped`` are of such a kind, the kinds in words: 'the loaders and saves', ...)."""
    kinds = [k for k in (kind(n, fed) for n in dropped) if k]
    named = [k for k in ("loaders", "constants", "prompts", "saves") if k in kinds]
    text = ", ".join(named[:-1]) + (" and " if len(named) > 1 else "") + named[-1] if named else ""
    return len(kinds), text
