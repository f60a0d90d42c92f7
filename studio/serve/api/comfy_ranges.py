"""The ranges ComfyUI declares for the numbers of the nodes the October 2025 catalogue
(studio/convert/catalogue) lacks or has older: min, max, step (and round where declared) as ComfyUI's
comfy_extras/ declare them (facts read, no code copied; MAX_RESOLUTION is ComfyUI's 16384). ComfyUI's own generic
nodes' here (nodes_primitive.py, TrimVideoLatent); a model family's nodes' in its own folder, declared through its
hook 'comfy_ranges' (nodes/video_models/families/<family>/: Wan's nodes_wan.py, nodes_wanmove.py, SCAIL-2's
nodes_scail.py, HunyuanVideo 1.5's, Kandinsky 5's, LTX's nodes_lt.py and nodes_lt_audio.py, MiniMax H3's, LTX-2's
TextGenerate prompt) and merged here. The templates Studio's table is made from (comfy_nodes.json) carry each
widget's value and default, never its range: these are added to what /object_info serves, so the page's widgets
stop at them and /prompt refuses a value past them (checks/validate.py) before anything is made of it."""
from __future__ import annotations

import sys

from studio.convert.families import registry as families

RANGES: dict[str, dict[str, dict]] = {
    # ComfyUI's primitives: no range of their own, declared as -sys.maxsize..sys.maxsize (a float's too)
    "PrimitiveInt": {"value": {"min": -sys.maxsize, "max": sys.maxsize}},
    "PrimitiveFloat": {"value": {"min": -sys.maxsize, "max": sys.maxsize, "step": 0.1}},
    "TrimVideoLatent": {"trim_amount": {"min": 0, "max": 99999}},
}


def ranges() -> dict[str, dict[str, dict]]:
    """Every node type's declared ranges known here: the families' (their hook 'comfy_ranges') and RANGES."""
    return {**families.lookup("comfy_ranges"), **RANGES}


def declared_range(cls: str, name: str) -> dict:
    """The min/max/step ComfyUI declares for the input ``name`` of ``cls``: RANGES', else its family's (ranges()),
    else the catalogue's (the node types read from the packs' own sources, studio/convert/catalogue); {}: none
    known."""
    got = (RANGES[cls] if cls in RANGES else families.lookup("comfy_ranges").get(cls, {})).get(name)
    if got is None:
        from studio.convert import catalogue
        got = {k: v for k, v in catalogue.ranges(cls).get(name, {}).items() if k != "default"}
    return got
