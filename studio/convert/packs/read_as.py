"""The one sentence of what a pack translation read as what (translation.PackTranslation.translate): the pack's own
nodes 'read as ComfyUI's own' types, and apart from them the workflow's ComfyUI nodes the translation rewrote too (a
core EmptyLatentImage a wrapper sampler reads), which are not the pack's; a type a translation names that no
catalogue declares (a family's own reading, such as a wrapper's empty latent with its sampler's length) is said as
Studio's reading, not as a ComfyUI node; another pack's LoRA list the translation read by its shape (its slots of a
file, a strength and a switch: translation._slotted) is said apart, never as the pack's (heldout114 04: dorpxam's
FramePackF1T2VLoraStack, prefixed as kijai's FramePackWrapper nodes are, was said one of "FramePackWrapper nodes").
Told by the catalogue's declared packs and the translation's own test of its nodes; plain data and stdlib."""
from __future__ import annotations

from typing import Callable, Iterable

from .. import catalogue
from ..reading.core_nodes import is_core

IDENT = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def _as(v: str) -> str:
    """What a node was read as: a declared type's name as it is; an undeclared bare type name as Studio's reading."""
    if v and set(v) <= IDENT and catalogue.node_type(v) is None:
        return f"{v} (Studio's own reading of it, not a ComfyUI node)"
    return v


def sentence(pack: str, made: dict[str, str], nodes: Iterable, is_pack: Callable, by_shape: Iterable = ()) -> str:
    """``made`` (a translated node type -> what it was read as) in one sentence; ``nodes`` the workflow's nodes as
    the file has them (before translating), ``is_pack`` the translation's test of its pack's nodes, ``by_shape`` the
    types of LoRA lists it read by their shape (another pack's)."""
    others, shaped = set(), {k for k in by_shape if k in made}
    for n in nodes:
        if n.cls in made and not is_pack(n) and is_core(n):
            others.add(n.cls)  # one of ComfyUI's own nodes the translation rewrote beside the pack's
    own = {k: v for k, v in made.items() if k not in others and k not in shaped}
    parts = []
    if own:
        parts.append(f"{pack} nodes read as ComfyUI's own: " + ", ".join(f"{k} as {_as(v)}" for k, v in sorted(own.items())))
    if others:
        tail = ", ".join(f"{k} as {_as(made[k])}" for k in sorted(others))
        parts.append(f"ComfyUI's own {tail}, read with the {pack} nodes it feeds or takes from" if parts else
                     f"{pack}: ComfyUI's own {tail}, read with the pack's nodes it feeds or takes from")
    for k in sorted(shaped):
        t = catalogue.node_type(k)
        whose = f"{t.pack}'s LoRA list" if t is not None and getattr(t, "pack", "") else \
            "a LoRA list of a pack Studio's catalogue does not hold"
        parts.append(f"{k} as {_as(made[k])} ({whose}, read by its shape: each slot on, a file and a strength)")
    return "; ".join(parts)
