"""A V3 node's template sockets (COMFY_MATCHTYPE_V3: ResizeImageMaskNode's 'input' and its output) typed by what is
wired into them where the file saves no type (an API file) or saves it unresolved, '*' (a UI blueprint's subgraph,
left10): the wired source's declared output type, and each template output the type of its template input. The
seventh held-out set's resizes, catalogued by catalog2 with their template type, were said to give "settings
Studio's nodes do not take" instead of pictures. Plain data and stdlib."""
from __future__ import annotations

from typing import Any

from .. import catalogue

MAX_ROUNDS = 8  # a chain of template nodes is typed one more link each round


def _template(t: str) -> bool:
    return isinstance(t, str) and t.startswith("COMFY_")


def _out_type(src: Any, slot: int) -> str | None:
    """``src``'s output ``slot`` type: the file's, else its pack's declared one (no template)."""
    if src is None:
        return None
    if 0 <= slot < len(src.out_types) and src.out_types[slot] and not _template(src.out_types[slot]):
        return src.out_types[slot]
    t = catalogue.node_type(src.shown_cls)
    o = t.output_types[slot] if t is not None and t.outputs and 0 <= slot < len(t.output_types) else None
    return o if o and not _template(o) else None


def type_templates(wf: Any) -> None:
    """Each node's template inputs and outputs the file does not type, typed in place (see the module)."""
    todo = []
    for n in wf.nodes.values():
        t = catalogue.node_type(n.shown_cls)
        if t is not None and t.inputs is not None and t.outputs is not None and (
                any(_template(i.type) for i in t.sockets) or any(_template(o) for o in t.output_types)):
            todo.append((n, t))
    for _ in range(MAX_ROUNDS if todo else 0):
        changed = False
        for n, t in todo:
            for i in t.sockets:
                if _template(i.type) and i.name in n.links and n.in_types.get(i.name) in (None, "", "*"):
                    got = _out_type(wf.nodes.get(n.links[i.name][0]), n.links[i.name][1])
                    if got:
                        n.in_types[i.name], changed = got, True
            for k, o in enumerate(t.output_types):
                if not _template(o) or k < len(n.out_types) and n.out_types[k] not in ("", "*"):
                    continue  # (a UI file may save a template's output as '*', unresolved: a blueprint's resize, left10)
                match = next((n.in_types[i.name] for i in t.sockets if i.type == o and n.in_types.get(i.name)), None)
                if match:
                    n.out_types.extend([""] * (k + 1 - len(n.out_types)))
                    n.out_types[k], changed = match, True
        if not changed:
            break
