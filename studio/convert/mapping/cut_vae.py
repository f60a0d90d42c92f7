"""A take's VAE whose every loader on the way is bypassed or muted (yameprogrammer's LTX-2.3 I2V and Director v20:
rgthree context switches of a bypassed VAELoaderKJ and a bypassed checkpoint): ComfyUI gives nothing from a muted
node, nor from a bypassed one with no input of its output's type, so no VAE reaches the take's decoders, and Load
Video Model's 'vae' was left empty with nothing said. Told by types: the VAE-typed inputs of the take's nodes that
the modes unwired (CNode.cut, through bundles too: reading/bundles.py), each named with the loaders cut. Plain
stdlib."""
from __future__ import annotations

from typing import Any

from ..reading.workflow import MODES

MAX_NAMED = 3


def said(wf: Any, up: list[Any], params: dict[str, Any], lp: set[str]) -> list[str]:
    """One sentence where a VAE-typed input of the take's nodes ``up`` is unwired as ComfyUI runs the modes, its
    loaders bypassed or muted, and Load Video Model's 'vae' (``params``; ``lp`` its params) is left empty."""
    if "vae" not in lp or params.get("vae"):
        return []
    groups: dict[tuple[str, ...], list[str]] = {}
    for n in up:
        for k, dead in (getattr(n, "cut", None) or {}).items():
            lost = tuple(d for d in dead if d in wf.nodes and "VAE" in wf.nodes[d].out_types)
            if n.in_types.get(k) == "VAE" and k not in n.links and lost:
                groups.setdefault(lost, []).append(n.where(k))
    if not groups:
        return []
    parts = [_group(wf, lost, readers) for lost, readers in groups.items()]
    them = "it" if sum(map(len, groups.values())) == 1 else "them"
    return ["No VAE reaches " + "; nor ".join(parts) + ": ComfyUI gives nothing from a muted node, nor from a bypassed "
            f"one with no input to pass on, so ComfyUI has no VAE for {them} either; Load Video Model's 'vae' is left "
            "empty: it reads the VAE from 'base' (a diffusers folder of the same family), or from the model's own "
            "file where that holds one"]


def _group(wf: Any, lost: tuple[str, ...], readers: list[str]) -> str:
    """'A, B and N more: its loader(s) X (bypassed in ComfyUI) ...'."""
    shown = readers[:MAX_NAMED]
    more = len(readers) - len(shown)
    who = ", ".join(shown) + (f" and {more} more" if more else "")
    loaders = " and ".join(f"'{m.title or m.shown_cls}' ({m.shown_cls}, #{m.id}, {MODES.get(m.mode, 'off')} in ComfyUI)"
                           for m in (wf.nodes[d] for d in lost))
    return f"{who} (the loader{'s' if len(lost) > 1 else ''} on the way: {loaders})"
