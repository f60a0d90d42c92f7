"""Values a node gives that its own settings are, read by its declared (UI-saved) types and names, without running
it: a BOOLEAN output named as one of its BOOLEAN settings gives that setting (ComfyUI-Easy-Use's and
other packs' 'LoadImageWithEnable' gives its BOOLEAN 'enable' out as 'ENABLE', for switches to read), and a COMBO
output named as one of its COMBO settings, or as that name less its '_name', gives that choice where nothing is
wired to it (rgthree's KSampler Config gives its 'sampler_name' out as SAMPLER: proxymine19), and an INT 'batch_size'
output a latent maker's batch as set, wired or not (heldout88 04: CR SD1.5 Aspect Ratio's), and a size picker's
width / height its settings where it detects no picture's (ResolutionMaster's 'auto_detect'); a logical NOT
(one input, BOOLEAN or of any type, one BOOLEAN out, 'not' a word of its type's name: ComfyUI's ComfyNotNode) gives the other truth.
Plain data and stdlib."""
from __future__ import annotations

import re
from typing import Any

from .. import catalogue
from .aspect_size import out_names

FLAGS = ("BOOLEAN",)  # a flag is given out as set; a number of the same name may be worked out (a resize's width)
COUNTS = ("batch_size",)  # a count given out as set (a latent maker's batch)
DETECTS = "auto_detect"  # a size picker's setting taking its size from a picture wired in (ResolutionMaster's)
CHOICES = ("COMBO",)  # a choice too (rgthree's KSampler Config gives its 'sampler_name' out as SAMPLER: proxymine19)


def own_setting(node, slot: int) -> str | None:
    """The setting output ``slot`` of ``node`` gives as it is (its name and type the setting's), else None."""
    if (count := _count(node, slot)) is not None:
        return count
    if (side := _picked_side(node, slot)) is not None:
        return side
    if not 0 <= slot < len(node.out_types) or slot >= len(node.out_names) or node.out_types[slot] not in FLAGS + CHOICES:
        return None
    name = node.out_names[slot].strip().lower()
    for k in node.widgets:
        named = k.lower() == name or (node.out_types[slot] in CHOICES and k.lower() == f"{name}_name")
        if named and node.in_types.get(k, node.out_types[slot]) == node.out_types[slot] and k not in node.links:
            return k
    return None


def _count(node, slot: int) -> str | None:
    """A latent maker's batch given out as set, wired or not (CR SD1.5 Aspect Ratio's INT 'batch_size' out: heldout88
    04's BatchPromptSchedule took its max_frames from it): an INT output named as one of COUNTS, of an INT setting of
    that name; else None. (Not a width or height: a preset or a ratio may set those, preset_size.py / aspect_size.py.)"""
    if not 0 <= slot < len(node.out_types) or slot >= len(node.out_names) or node.out_types[slot] != "INT":
        return None
    name = node.out_names[slot].strip()
    if name in COUNTS and (name in node.widgets or name in node.links) and node.in_types.get(name, "INT") == "INT":
        return name
    return None


def _picked_side(node, slot: int) -> str | None:
    """A size picker's width or height given out as set (heldout85 11: Azornes' ResolutionMaster, Manual 720 x 1280,
    said "cannot work out"): its outputs are its width and height settings unless its 'auto_detect' is on with a
    picture wired to it (the pack's main(), read for that fact). By its types: an INT output named 'width' or 'height'
    of an INT setting of that name, beside a BOOLEAN 'auto_detect' setting that is off, or no picture wired."""
    names = out_names(node)  # (as its type declares them where the file saves none: an API file)
    if not 0 <= slot < len(names) or names[slot] not in ("width", "height") or names[slot] not in node.widgets:
        return None
    detect = node.widgets.get(DETECTS)
    t = catalogue.node_type(node.origin or node.cls)
    pictured = any(node.in_types.get(k) == "IMAGE" or t is not None and (i := t.input(k)) is not None and
                   i.type == "IMAGE" for k in node.links)
    return names[slot] if detect is False or (isinstance(detect, bool) and not pictured) else None


def is_not(node) -> str | None:
    """The input a logical NOT negates (its one BOOLEAN input), else None."""
    words = set(re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])", node.cls.replace("_", " ")))
    if "not" not in {w.lower() for w in words} or node.out_types != ["BOOLEAN"]:
        return None
    ins = list(node.in_types.items())  # its one input: a BOOLEAN, or any type ('*', ComfyUI's own NOT)
    return ins[0][0] if len(ins) == 1 and ins[0][1] in ("BOOLEAN", "*") else None


def negated(v: Any) -> bool | None:
    return (not v) if isinstance(v, bool) else None
