"""A node a pack makes by calling a class factory of its own on another node, read without running it
(ComfyUI-MultiGPU: ``NODE_CLASS_MAPPINGS["UNETLoaderDisTorch2MultiGPU"] =
override_class_with_distorch_safetensor_v2(GLOBAL_NODE_CLASS_MAPPINGS["UNETLoader"])``, or ``{"X": f(UnetLoaderGGUF)}``).
The factory (through the factories it returns the call of) defines a class on its parameter; that class's
``INPUT_TYPES`` copies the base's (``copy.deepcopy(cls.INPUT_TYPES())``) and sets inputs on it
(``inputs["optional"]["virtual_vram_gb"] = ("FLOAT", {...})``). The made type is the base's declaration (a class of
the pack, or a type already catalogued, named as a mapping's ``["Type"]``) with those inputs set and the class's
own RETURN_TYPES / CATEGORY over the base's; a body doing anything else gives its inputs as unknown."""
from __future__ import annotations

import ast
import copy

from .helpers import bind_call
from .values import UNKNOWN, Scope, evaluate

_BASE = object()  # the factory's parameter that is the base class
_COPIES = ("deepcopy", "copy", "dict")
_KEPT = ("inputs", "outputs", "category", "output_node")  # the base's display name is not the made type's


def _def(pack, name: str):
    """(module, def) of a module-level function ``name`` of the pack, or None."""
    for path, tree in pack.trees.items():
        for st in tree.body:
            if isinstance(st, ast.FunctionDef) and st.name == name:
                return path, st
    return None


def _value(node, scope: Scope):
    return _BASE if isinstance(node, ast.Name) and scope.local.get(node.id) is _BASE else evaluate(node, scope)


def _made_class(pack, name: str, args: list, kwargs: dict, depth: int = 0):
    """(the class the factory ``name`` defines on its base parameter, its module, the factory's bound names)."""
    found = _def(pack, name) if depth < 4 else None
    if not found:
        return None
    path, fn = found
    bound = bind_call(fn, args, kwargs, False, Scope(pack, path), 0)  # (helpers.py: a call fitting the parameters)
    if bound is None or _BASE not in bound.values():
        return None
    scope = Scope(pack, path, local=bound)
    for st in fn.body:
        if isinstance(st, ast.ClassDef) and any(isinstance(b, ast.Name) and bound.get(b.id) is _BASE for b in st.bases):
            return st, path, bound
        if isinstance(st, ast.Return) and isinstance(st.value, ast.Call) and isinstance(st.value.func, ast.Name):
            call = st.value
            kw = {k.arg: _value(k.value, scope) for k in call.keywords if k.arg}
            return _made_class(pack, call.func.id, [_value(a, scope) for a in call.args], kw, depth + 1)
    return None


def _base_record(pack, node, scope: Scope, known: dict, node_record) -> dict | None:
    """The declaration of the factory's argument: a node class of the pack, or ``MAPPING["Type"]`` catalogued."""
    if isinstance(node, ast.Name) and node.id in pack.classes:
        return node_record(node.id)
    if isinstance(node, ast.Subscript) and "MAPPING" in (getattr(node.value, "id", "") or "").upper():
        key = evaluate(node.slice, scope)
        rec = known.get(key) if isinstance(key, str) else None
        return {k: copy.deepcopy(v) for k, v in rec.items() if k in _KEPT} if isinstance(rec, dict) else None
    return None


def _is_base_inputs(value, bound: dict) -> bool:
    """``cls.INPUT_TYPES()`` of the base parameter, maybe inside ``copy.deepcopy(...)``."""
    while isinstance(value, ast.Call) and getattr(value.func, "attr", getattr(value.func, "id", None)) in _COPIES \
            and len(value.args) == 1:
        value = value.args[0]
    f = value.func if isinstance(value, ast.Call) else None
    return isinstance(f, ast.Attribute) and f.attr == "INPUT_TYPES" and isinstance(f.value, ast.Name) \
        and bound.get(f.value.id) is _BASE


def _set_inputs(fn, base_inputs, bound: dict, scope: Scope, input_record):
    """The inputs ``fn`` (the made class's INPUT_TYPES) returns, from the base's; UNKNOWN where it does more."""
    if not isinstance(base_inputs, list):
        return UNKNOWN
    inputs, holder, local = [dict(i) for i in base_inputs], None, scope.child(dict(bound))
    for st in fn.body:
        if isinstance(st, ast.Expr) and isinstance(st.value, ast.Constant):
            continue
        if isinstance(st, ast.Assign) and len(st.targets) == 1:
            t = st.targets[0]
            if isinstance(t, ast.Name):
                if _is_base_inputs(st.value, bound):
                    holder = t.id
                else:
                    local.local[t.id] = evaluate(st.value, local)
                continue
            section = _section(t, holder, local)
            if section and isinstance(t.value, ast.Name) and _ensures(st.value, holder, section):
                continue  # inputs["optional"] = inputs.get("optional", {})
            if section and isinstance(t.value, ast.Subscript):
                key, spec = evaluate(t.slice, local), evaluate(st.value, local)
                if not isinstance(key, str) or key == UNKNOWN:
                    return UNKNOWN
                spec = spec if isinstance(spec, (list, tuple)) else [spec]
                rec = input_record(key, spec[0] if spec else UNKNOWN, spec[1] if len(spec) > 1 else {},
                                   section == "required")
                at = next((n for n, i in enumerate(inputs) if i.get("name") == key), None)
                if at is None:
                    inputs.append(rec)
                else:
                    inputs[at] = rec
                continue
            return UNKNOWN
        elif isinstance(st, ast.Return) and isinstance(st.value, ast.Name) and st.value.id == holder:
            return inputs
        else:
            return UNKNOWN
    return UNKNOWN


def _ensures(value, holder: str, section: str) -> bool:
    """``holder.get(section, {})``: the section kept as it is (made empty where absent)."""
    f = value.func if isinstance(value, ast.Call) else None
    return isinstance(f, ast.Attribute) and f.attr == "get" and isinstance(f.value, ast.Name) and \
        f.value.id == holder and bool(value.args) and isinstance(value.args[0], ast.Constant) and \
        value.args[0].value == section


def _section(target, holder, scope: Scope) -> str | None:
    """'required'/'optional' of ``holder["optional"]`` or ``holder["optional"][...]`` (the target's section)."""
    inner = target.value if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Subscript) else target
    if holder and isinstance(inner, ast.Subscript) and isinstance(inner.value, ast.Name) and inner.value.id == holder:
        s = evaluate(inner.slice, scope)
        return s if s in ("required", "optional") else None
    return None


def made_node(pack, call, scope: Scope, known: dict, node_record, input_record, outputs_of) -> dict | None:
    """The record of the type a registration's ``call`` makes, or None when it is not a factory of the pack
    applied to a known node. ``node_record(cls)``: a pack class's record; ``input_record``/``outputs_of``: the
    extractor's readers of an input and of RETURN_TYPES/RETURN_NAMES."""
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and len(call.args) == 1
            and not call.keywords):
        return None
    base = _base_record(pack, call.args[0], scope, known, node_record)
    made = _made_class(pack, call.func.id, [_BASE], {}) if base else None
    if not made:
        return None
    cls, path, bound = made
    inner = Scope(pack, path, local=bound)
    rec = {k: copy.deepcopy(v) for k, v in base.items() if k in _KEPT}
    attrs = {t.id: st.value for st in cls.body if isinstance(st, ast.Assign) for t in st.targets
             if isinstance(t, ast.Name)}
    fn = next((st for st in cls.body if isinstance(st, ast.FunctionDef) and st.name == "INPUT_TYPES"), None)
    if fn is not None:
        rec["inputs"] = _set_inputs(fn, rec.get("inputs"), bound, inner, input_record)
    if "RETURN_TYPES" in attrs:
        names = evaluate(attrs["RETURN_NAMES"], inner) if "RETURN_NAMES" in attrs else None
        rec["outputs"] = outputs_of(evaluate(attrs["RETURN_TYPES"], inner), names)
    for key, attr in (("category", "CATEGORY"), ("output_node", "OUTPUT_NODE")):
        v = evaluate(attrs[attr], inner) if attr in attrs else None
        if isinstance(v, (str, bool)) and v != UNKNOWN:
            rec[key] = v
    return rec
