"""A UI file whose link rows come from no node's output (clipwork9, issue 112; heldout58 01, a hand-written example
whose rows give 5 values, [id, origin slot, target node, target slot, type], the origin node left out). ComfyUI's
frontend reads a row by place, [id, origin node, origin slot, target node, target slot, type] (LiteGraph's LLink), and
wires an input to the output the row names: a row naming a node the file does not hold, or an output past the ones
that node has, wires nothing. Where every row is such, no input of the file is wired; where each output node the
catalogue declares then lacks an input it requires, ComfyUI refuses every output and runs nothing. Said in one
sentence, by the rows and the nodes' saved inputs and outputs (no node named by type). Stdlib."""
from __future__ import annotations

from typing import Any

from .. import catalogue


def _from_an_output(row: list, outs: dict[str, int]) -> bool:
    """Whether ``row``, read by ComfyUI's places, names an output of a node the file holds."""
    if len(row) < 3 or isinstance(row[1], bool) or str(row[1]) not in outs:
        return False
    slot = row[2]
    return isinstance(slot, int) and not isinstance(slot, bool) and 0 <= slot < max(outs[str(row[1])], 1)


def _shape(rows: list[list]) -> str:
    sizes = {len(r) for r in rows}
    return (f" (each of {sizes.pop()} values, where ComfyUI's rows give 6: id, origin node, origin slot, target node, "
            "target slot, type)") if len(sizes) == 1 and 6 not in sizes else ""


def said(doc: Any) -> list[str]:
    """The sentence saying that no link row of UI file ``doc`` comes from a node's output, and what ComfyUI makes of
    it; [] where one does (or the file has no rows)."""
    nodes = [n for n in doc.get("nodes") or [] if isinstance(n, dict) and "id" in n]
    rows = [r for r in doc.get("links") or [] if isinstance(r, list) and r]
    if not rows or len(rows) != len(doc.get("links") or []):
        return []
    outs = {str(n["id"]): len(n.get("outputs") or []) for n in nodes}
    if any(_from_an_output(r, outs) for r in rows):
        return []
    ids = {r[0] for r in rows}
    fed = [(n, i) for n in nodes for i in n.get("inputs") or [] if isinstance(i, dict) and i.get("link") in ids]
    if not fed:
        return []
    line = (f"the file's {len(rows)} link row{'s' if len(rows) != 1 else ''}{_shape(rows)} name no output of a node it "
            "holds as where they come from (read as ComfyUI reads them: a node the file does not hold, or an output "
            f"past the ones that node has): none of the {len(fed)} input{'s' if len(fed) != 1 else ''} that name "
            "them is given an output when ComfyUI runs it")
    refused, many = _refused(nodes, fed)
    return [line + (f", so {refused} {'lack' if many else 'lacks'} an input {'they require' if many else 'it requires'} "
                    "and ComfyUI runs nothing of the workflow" if refused else "")]


def _refused(nodes: list[dict], fed: list[tuple[dict, dict]]) -> tuple[str, bool]:
    """(the output nodes (the catalogue's) in words, whether more than one) where every enabled one is fed an input
    it requires by those rows alone; ('', False) where none is known or one is not."""
    outputs, lacking = [], set()
    for n in nodes:
        t = catalogue.node_type(str(n.get("type")))
        if t is None or not t.output_node or n.get("mode") not in (None, 0):
            continue
        outputs.append(n)
        for m, i in fed:
            d = t.input(str(i.get("name"))) if m is n else None
            if d is not None and not d.optional and not d.widget:
                lacking.add(str(n["id"]))
    if not outputs or any(str(n["id"]) not in lacking for n in outputs):
        return "", False
    return ", ".join(f"'{n.get('title') or n['type']}' ({n['type']}, #{n['id']})" for n in outputs), len(outputs) > 1
