"""A V3 node whose ``define_schema`` takes its base's schema and sets fields on it (ComfyUI's
``schema = super().define_schema(); schema.node_id = "WanContextWindowsManual"; schema.inputs = [...]``): the base's
record with the fields set, under the id set. Read without running anything."""
from __future__ import annotations

import ast
import copy

from .extract import Pack, clean, locals_of
from .schema import read_list, v3_node
from .values import UNKNOWN, Scope, evaluate

FIELDS = {"display_name": "display", "category": "category", "is_output_node": "output_node"}


def _from_super(st) -> str | None:
    """The local name in ``NAME = super().define_schema()``, else None."""
    if isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name):
        f = getattr(st.value, "func", None)
        inner = getattr(getattr(f, "value", None), "func", None)
        if getattr(f, "attr", None) == "define_schema" and getattr(inner, "id", None) == "super":
            return st.targets[0].id
    return None


def derived_v3(pack: Pack, cls: str) -> tuple[str, dict] | None:
    """(node id, record) of a class setting fields on its base's schema, or None."""
    path, node = pack.classes[cls]
    fn = next((s for s in node.body if isinstance(s, ast.FunctionDef) and s.name == "define_schema"), None)
    name = next((n for n in map(_from_super, fn.body if fn else []) if n), None)
    bases = [getattr(b, "id", getattr(b, "attr", None)) for b in node.bases]  # by their last name
    base = next((v for b in bases if b in pack.classes and (v := v3_node(pack, b))), None)
    if name is None or base is None:
        return None
    scope = locals_of(fn, Scope(pack, path, cls, fn.args.args[0].arg if fn.args.args else None))
    node_id, rec = base[0], copy.deepcopy(base[1])
    for st in fn.body:
        t = st.targets[0] if isinstance(st, ast.Assign) and len(st.targets) == 1 else None
        if not (isinstance(t, ast.Attribute) and getattr(t.value, "id", None) == name):
            continue
        v = evaluate(st.value, scope)
        if t.attr == "node_id":
            node_id = v
        elif t.attr in ("inputs", "outputs"):
            rec[t.attr] = read_list(t.attr, v)
        elif t.attr in FIELDS and isinstance(v, (str, bool)) and v is not UNKNOWN:
            rec[FIELDS[t.attr]] = clean(v)
    return (node_id, rec) if isinstance(node_id, str) and node_id != base[0] else None
