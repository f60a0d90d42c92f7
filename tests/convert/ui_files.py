"""A ComfyUI UI file (the frontend's JSON: nodes with their inputs and outputs, links) written from a short list, for
tests: ``nodes`` as (id, type, [(input, type)], [output type or (output name, type)], widgets_values), ``links`` as
(from id, slot, to id, input name); each input's and output's links filled in from ``links``."""
from __future__ import annotations

VALUES = ("INT", "FLOAT", "STRING", "BOOLEAN", "COMBO")


def ui(nodes: list[tuple], links: list[tuple], widget_inputs: bool = False) -> dict:
    """The UI file; ``widget_inputs``: a setting listed among the inputs carries its 'widget' entry, as the frontend
    lists a widget turned into an input."""
    ids = {(dst, name): (k, src, slot) for k, (src, slot, dst, name) in enumerate(links, 1)}
    made = []
    for nid, cls, ins, outs, values in nodes:
        named = [o if isinstance(o, tuple) else (o, o) for o in outs]
        made.append({"id": nid, "type": cls, "mode": 0, "widgets_values": values,
                     "inputs": [{"name": n, "type": t, "link": ids.get((nid, n), (None,))[0],
                                 **({"widget": {"name": n}} if widget_inputs and t in VALUES else {})}
                                for n, t in ins],
                     "outputs": [{"name": o, "type": t, "links": [k for (k, s, sl) in ids.values()
                                                                  if s == nid and sl == i]}
                                 for i, (o, t) in enumerate(named)]})
    out = []
    for (dst, name), (k, src, slot) in ids.items():
        t = next(n["outputs"][slot]["type"] for n in made if n["id"] == src)
        at = next(i for n in made if n["id"] == dst for i, x in enumerate(n["inputs"]) if x["name"] == name)
        out.append([k, src, slot, dst, at, t])
    return {"nodes": made, "links": out, "last_node_id": max(n["id"] for n in made), "version": 0.4}
