"""The node types a pack makes when ComfyUI loads it, which no class of it declares (data/made_types.json, made by
scripts/made_types.py from ComfyUI-MultiGPU's sources, never run): a type wrapping another (its ``override_class``
kinds: the wrapped type's declared inputs, from the catalogue, with the kind's inputs added as optional ones, one
already declared replaced in place) and its own copies of another pack's nodes, registered by a function (their
declarations read by the catalogue's extractor). ``made_type(name)``: a catalogue.NodeType, or None. Stdlib."""
from __future__ import annotations

import functools
import json
import os

from .. import catalogue

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "made_types.json")
FIELDS = ("name", "type", "optional", "widget", "options", "min", "max", "step", "default", "upload", "files",
          "multiline", "control")


@functools.lru_cache(maxsize=1)
def _data() -> dict:
    try:
        with open(DATA, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return {}


def _input(d: dict) -> catalogue.Input:
    kw = {k: d[k] for k in FIELDS if k in d}
    if isinstance(kw.get("options"), list):
        kw["options"] = tuple(kw["options"])
    return catalogue.Input(**kw)


@functools.lru_cache(maxsize=256)
def made_type(name: str) -> catalogue.NodeType | None:
    """The declared type ``name`` a pack makes when loaded; None for one it does not make (or whose wrapped type the
    catalogue does not hold)."""
    d = _data()
    pack, commit = d.get("pack", ""), d.get("commit", "")
    own = d.get("declared", {}).get(name)
    if own is not None:
        ins = tuple(_input(i) for i in own["inputs"]) if isinstance(own.get("inputs"), list) else None
        return catalogue.NodeType(name, pack, commit, own.get("category", ""), "", ins,
                                  tuple(catalogue.Output(o.get("type", ""), o.get("name")) for o in own["outputs"]))
    of, kind = (d.get("wrapped", {}).get(name) or (None, None))
    base = catalogue.node_type(of) if of else None
    if base is None or base.inputs is None or base.outputs is None or kind not in d.get("kinds", {}):
        return None
    ins = list(base.inputs)
    for add in d["kinds"][kind]:
        i = _input(add)
        at = next((k for k, x in enumerate(ins) if x.name == i.name and x.optional), None)
        if at is None:
            ins.append(i)
        else:
            ins[at] = i
    return catalogue.NodeType(name, pack, commit, "multigpu", "", tuple(ins), base.outputs)


def copied(name: str) -> str | None:
    """The class a type a pack makes copies, by its name (MultiGPU's WanVideoBlockSwapMultiGPU: WanVideoBlockSwap)."""
    return (_data().get("declared", {}).get(name) or {}).get("class")


def copy_of(cls: str) -> str | None:
    """The first type (by name) a pack makes as a copy of class ``cls``; None where it makes none."""
    return next((name for name, d in sorted((_data().get("declared") or {}).items())
                 if isinstance(d, dict) and d.get("class") == cls), None)
