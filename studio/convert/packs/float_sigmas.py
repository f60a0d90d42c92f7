"""A schedule written as text and turned into sigmas by two nodes, read as ComfyUI's ManualSigmas of that text: a node
giving SIGMAS from one FLOAT list (KJNodes' FloatToSigmas) fed by a node parsing one STRING into that FLOAT list
(KJNodes' StringToFloatList), told by their declared types (one STRING in, FLOAT out; one FLOAT in, SIGMAS out). What
they do with the numbers their declaration does not say: the two names are read for it (the text split at its commas
into numbers, those numbers the sigmas, as KJNodes' nodes.py does, read for meaning). Lightricks' LTX-Video 13B
examples write their distilled schedules so ('1.0000, 0.9937, ..., 0.0'; the upscale pass's '0.99, 0.9094, 0.0'), said
"a value Studio cannot work out" with the generator's own steps and strength standing (heldout33 02, 03, 04). Only a
text of numbers alone, fixed in the file, is read; the parser's node is left for any other reader. Plain stdlib."""
from __future__ import annotations

import math

from .. import catalogue
from ..reading.workflow import CNode, Workflow

TO_SIGMAS, PARSE = "FloatToSigmas", "StringToFloatList"  # (their behaviour is in their names only: see above)


def _declares(name: str, ins: tuple[str, ...], out: str) -> bool:
    t = catalogue.node_type(name)
    return t is not None and t.inputs is not None and tuple(i.type for i in t.inputs) == ins and \
        tuple(t.output_types) == (out,)


def _numbers(text) -> str | None:
    """The text where it is numbers separated by commas (at least two, finite), else None."""
    if not isinstance(text, str):
        return None
    parts = [p.strip() for p in text.split(",") if p.strip()]
    try:
        values = [float(p) for p in parts]
    except ValueError:
        return None
    return ", ".join(parts) if len(values) >= 2 and all(math.isfinite(v) for v in values) else None


def translate(wf: Workflow) -> list[str]:
    """Each FloatToSigmas fed a fixed text of numbers by StringToFloatList, rewritten in place as ManualSigmas of that
    text; the sentences saying so."""
    if not (_declares(TO_SIGMAS, ("FLOAT",), "SIGMAS") and _declares(PARSE, ("STRING",), "FLOAT")):
        return []
    said = []
    for n in [n for n in wf.nodes.values() if n.cls == TO_SIGMAS and n.enabled and set(n.links) == {"float_list"}]:
        src = wf.source(n, "float_list")
        if src is None or src.cls != PARSE or not src.enabled or "string" in src.links:
            continue
        text = _numbers(wf.value(src, "string"))
        if text is None:
            continue
        wf.nodes[n.id] = CNode(n.id, "ManualSigmas", n.title, n.mode, {"sigmas": text}, {}, n.pos, origin=n.cls)
        if not any(v[0] == src.id for m in wf.nodes.values() for v in m.links.values()):
            wf.taken.add(src.id)  # (read here alone)
        said.append(f"{n.named()} is read as ComfyUI's ManualSigmas of the numbers {src.named()} parses from its "
                    f"text ('{text}')")
    return said
