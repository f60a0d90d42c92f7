"""A saved value of a node no pack in Studio's catalogue declares, named by the places a catalogued node declares
its settings in (uncatalogued_twins.py, task_twins.py): each of that node's settings in turn takes the next saved value
of the type (and within the range) it declares, a seed's control value after it skipped (a seed is the value saved
just before a control word, where one fits); the values passed over are kept, to be said. Plain data and stdlib."""
from __future__ import annotations

import math
import re
from typing import Any

from ..reading.subgraphs import SEED_CONTROLS
from ..reading.workflow import CNode
from .twins import declared


def uncatalogued(n: CNode) -> bool:
    """No pack in the catalogue declares ``n``'s type (nor one a pack makes when loaded)."""
    t = declared(n.shown_cls)
    return t is None or t.inputs is None


# the models folders whose lists ComfyUI fills with files (each name with its extension): a value there that names no
# file ('True', a switch's word saved first by a node of more settings) is not its file (heldout59 12, 13:
# HunyuanNyanCLIP read as HyVideoModelLoader took its first value 'True' as the model, its file 'not taken')
MODEL_FILES = frozenset({"checkpoints", "diffusion_models", "unet", "unet_gguf", "gguf", "loras", "vae",
                         "text_encoders", "clip", "clip_vision", "controlnet", "upscale_models",
                         "latent_upscale_models", "model_patches", "animatediff_models", "audio_encoders",
                         "style_models", "embeddings", "vae_approx"})
FILE_NAME = re.compile(r"[^/\\]\.[A-Za-z0-9_]{1,12}$")


def names_file(v: str, i) -> bool:
    """``v`` may be a file of the models folder input ``i`` lists (a name with an extension), or ``i`` lists none."""
    return getattr(i, "files", None) not in MODEL_FILES or bool(FILE_NAME.search(v.strip()))


def fits(v: Any, i) -> bool:
    """A saved value of the type (and within the range) input ``i`` declares."""
    if i.type == "BOOLEAN":
        return isinstance(v, bool)
    if i.type in ("INT", "FLOAT"):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or (i.type == "INT" and not float(v).is_integer()):
            return False
        lo, hi = (x if isinstance(x, (int, float)) else None for x in (i.min, i.max))
        return math.isfinite(v) and (lo is None or v >= lo) and (hi is None or v <= hi)
    if i.type == "STRING":
        return isinstance(v, str)
    if i.type == "COMBO":
        return isinstance(v, str) and (not isinstance(i.options, tuple) or v in i.options)
    return False


def placed(n: CNode, r) -> tuple[dict[str, Any], list[tuple[int, Any]]] | None:
    """({r's setting: n's saved value}, [(place, value) of those not r's]) of a UI file's unnamed values, read by the
    places ``r`` declares its settings in: each in turn the next value that fits it (a seed's control value after
    it skipped; a models folder's list the next file name: ``names_file``); None where a required setting finds
    none."""
    raw = n.raw if isinstance(n.raw, list) else []
    out, extra, at = {}, [], 0
    for i in r.widgets:
        k = at
        while k < len(raw) and not (fits(raw[k], i) and (i.type != "COMBO" or names_file(raw[k], i))):
            k += 1
        if i.control:  # a seed is the value ComfyUI's page saves just before its control word (heldout87 06: the RAVE
            c = next((j for j in range(at, len(raw)) if raw[j] in SEED_CONTROLS), None)  # sampler's grid size 3,
            if c is not None and c - 1 >= at and fits(raw[c - 1], i):  # saved first, was said its seed, its
                k = c - 1  # seed being the 0 before 'fixed')
        if k == len(raw):
            if i.optional:
                continue
            return None
        extra += [(j, raw[j]) for j in range(at, k)]
        out[i.name] = raw[k]
        at = k + 1
        if i.control and at < len(raw) and raw[at] in SEED_CONTROLS:
            at += 1
    return out, extra + [(j, raw[j]) for j in range(at, len(raw))]
