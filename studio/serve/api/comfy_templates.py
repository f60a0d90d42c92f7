"""comfy_nodes.json made from ComfyUI's workflow templates (comfyui-workflow-templates-json, MIT; a
test dependency): ``python -m studio.serve.api.comfy_templates`` writes it again (see comfy_declared.py)."""
from __future__ import annotations

import json

from .comfy_declared import (INPUT_FILES, MODEL_WIDGETS, NO_SOCKET, PAGE_WIDGETS, SCALARS, TABLE,
                             template_docs, templates_folder)


def instances(folder: str, types: set[str]) -> dict[str, list[dict]]:
    """Every saved node of a type in ``types`` in the templates of ``folder`` (subgraphs too)."""
    seen: dict[str, list[dict]] = {}
    for _, doc in template_docs(folder):
        graphs = [doc] + [g for g in (doc.get("definitions") or {}).get("subgraphs", []) if isinstance(g, dict)]
        for g in graphs:
            for n in g.get("nodes", []) if isinstance(g.get("nodes"), list) else []:
                if isinstance(n, dict) and n.get("type") in types:
                    seen.setdefault(n["type"], []).append(n)
    return seen


def _kind(values: list, typed: set[str]) -> str:
    known = typed & (set(SCALARS) | {"COMBO"})
    if len(known) == 1:
        return known.pop()
    if values and all(isinstance(v, bool) for v in values):
        return "BOOLEAN"
    if values and all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return "INT"
    if values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        return "FLOAT"
    return "STRING"


def declare(cls: str, nodes: list[dict], names: tuple | None) -> dict | None:
    """The declaration of ``cls`` from its saved ``nodes`` (None where they disagree with ``names``)."""
    from studio.convert.reading.workflow import CONTROLS
    rows = [n.get("widgets_values") if n.get("widgets_values") is not None else [] for n in nodes]
    if not all(isinstance(r, list) for r in rows) or any(len(r) != len(names or ()) for r in rows):
        return None
    sockets: dict[str, str] = {}
    typed: dict[str, set[str]] = {}
    for n in nodes:
        for i in n.get("inputs") or []:
            if not isinstance(i, dict) or not isinstance(i.get("name"), str):
                continue
            if isinstance(i.get("widget"), dict):
                typed.setdefault(i["widget"].get("name"), set()).add(str(i.get("type")))
            elif str(i.get("type")) not in NO_SOCKET and i["name"] not in (names or ()):
                sockets.setdefault(i["name"], str(i.get("type") or "*"))
    widgets: dict[str, list] = {}
    for k, name in enumerate(names or ()):
        if name in CONTROLS:
            if widgets:
                widgets[list(widgets)[-1]][1]["control_after_generate"] = True
            continue
        if name in PAGE_WIDGETS:
            continue
        values = [r[k] for r in rows]
        kind = _kind(values, typed.get(name, set()))
        if name in MODEL_WIDGETS or (cls, name) in INPUT_FILES:  # this machine's files, listed when served
            widgets[name] = [[], {"default": ""}]
        elif kind == "COMBO":
            options = list(dict.fromkeys(v for v in values if isinstance(v, (str, int, float))))
            widgets[name] = [options, {"default": options[0] if options else ""}]
        else:  # text: empty (a template's prompt is no default); a number or switch: the first seen
            widgets[name] = [kind, {"default": "" if kind == "STRING" else values[0]}]
    best = max(nodes, key=lambda n: len(n.get("outputs") or []))
    outs = [[str(o.get("name")), str(o.get("type"))] for o in best.get("outputs") or [] if isinstance(o, dict)]
    for k, out in enumerate(outs):  # an output whose type follows its input's (a switch): any type
        if len({str((n.get("outputs") or [])[k].get("type")) for n in nodes if len(n.get("outputs") or []) > k}) > 1:
            out[1] = "*"
    return {"widgets": widgets, "sockets": sockets, "outputs": outs}


def build(folder: str) -> dict[str, dict]:
    from studio.convert.families import registry as comfy_registry
    from studio.convert.reading.workflow import WIDGETS

    from .object_info import core, read_types
    types = read_types() - set(core())
    family = comfy_registry.lookup("widgets")
    table = {}
    for cls, nodes in sorted(instances(folder, types).items()):
        d = declare(cls, nodes, WIDGETS.get(cls) or family.get(cls))
        if d is not None:
            table[cls] = d
    return table


if __name__ == "__main__":
    where = templates_folder()
    if where is None:
        raise SystemExit("install comfyui-workflow-templates-json (pip install -e '.[test]') first")
    made = build(where)
    with open(TABLE, "w", encoding="utf-8") as f:
        json.dump(made, f, indent=1)  # in order: a node's widgets are its widgets_values' order
        f.write("\n")
    print(f"{len(made)} ComfyUI node types declared in {TABLE}")
