"""Which classes of a pack are node types, and under which names: the dict literals a pack registers them
with (``NODE_CLASS_MAPPINGS = {...}``, ``.update({...})`` (in a function too), ``MAPPINGS["X"] = Cls``, a module-level function's
returned ``{"X": Cls}``, a factory's ``{"X": f(Base)}`` (factory.py), KJNodes' ``{"X": {"class":
Cls, "name": ...}}``, ``{"X": (Cls, "Shown")}``, decorators, comfy_mtb's ``__nodes__``, a class's ``NODE_ID`` the pack reads: attributed.py), the display names beside them, every V3 class whose
schema names its node id (or sets it on its base's: derived.py) and jamesWalker55's functional nodes (functional.py).
``extract_pack(sources)``: {type name: record}, read without running anything."""
from __future__ import annotations

import ast

from .attributed import attributed
from .derived import derived_v3
from .extract import Pack, input_record, is_node, output_records, v1_node
from .factory import made_node
from .functional import functional_nodes
from .introspected import introspected
from .listed import listed
from .schema import v3_node
from .values import UNKNOWN, Scope, evaluate


def _statements(body):
    """A module's top-level statements, those inside module-level ``if``/``try``/``with`` blocks too."""
    for st in body:
        yield st
        for part in ("body", "orelse", "finalbody"):
            inner = getattr(st, part, None)
            if isinstance(inner, list) and isinstance(st, (ast.If, ast.Try, ast.With)):
                yield from _statements(inner)
        for h in getattr(st, "handlers", []) or []:
            yield from _statements(h.body)


def _class_named(pack: Pack, v) -> str | None:
    name = v.id if isinstance(v, ast.Name) else v.attr if isinstance(v, ast.Attribute) else None
    if name not in pack.classes:  # registered under the name it was imported as (``import Guide as V2Guide``)
        name = pack.aliases.get(name, name)
    return name if name in pack.classes and is_node(pack.classes[name][1]) else None


def _made(pack: Pack, value, scope: Scope, key: str, made: dict) -> None:
    """A type made by a factory of the pack on another node (factory.py), under ``key``."""
    rec = made_node(pack, value, scope, pack.known, lambda c: (v3_node(pack, c) or (None, None))[1] or
                    v1_node(pack, c), input_record, output_records) if isinstance(value, ast.Call) else None
    if rec is not None:
        made.setdefault(key, rec)


def _entries(pack: Pack, path: str, d: ast.Dict, classes: dict, display: dict, made: dict) -> None:
    """A dict literal's node entries: "name": Cls, or "name": {"class": Cls, "name": "Shown"}, or "name":
    factory(Base)."""
    scope = Scope(pack, path)
    for k, v in zip(d.keys, d.values):
        if k is None:
            continue
        key = evaluate(k, scope)
        if not isinstance(key, str) or key == UNKNOWN:  # a name not worked out is no type's name
            continue
        if isinstance(v, ast.Dict):
            inner = {evaluate(a, scope): b for a, b in zip(v.keys, v.values) if a is not None}
            cls = _class_named(pack, inner.get("class"))
            shown = evaluate(inner["name"], scope) if "name" in inner else None
            if cls and isinstance(shown, str):
                display.setdefault(key, shown)
        elif isinstance(v, (ast.Tuple, ast.List)) and v.elts:  # "name": (Cls, "Shown") (spacepxl's Image-Filters)
            cls = _class_named(pack, v.elts[0])
            shown = evaluate(v.elts[1], scope) if cls and len(v.elts) > 1 else None
            if isinstance(shown, str) and shown != UNKNOWN:
                display.setdefault(key, shown)
        else:
            cls = _class_named(pack, v)
            if cls is None:
                _made(pack, v, scope, key, made)
        if cls:
            classes.setdefault(key, cls)


def _mapping_update(st) -> bool:
    """``X_MAPPINGS.update({...})``: a statement adding registrations (or display names) to a mapping."""
    if not (isinstance(st, ast.Expr) and isinstance(st.value, ast.Call) and st.value.args and
            getattr(st.value.func, "attr", None) == "update" and isinstance(st.value.args[0], ast.Dict)):
        return False
    holder = st.value.func.value
    return "MAPPING" in (getattr(holder, "id", getattr(holder, "attr", "")) or "").upper()


def _display(pack: Pack, path: str, d: ast.Dict, display: dict) -> None:
    scope = Scope(pack, path)
    for k, v in zip(d.keys, d.values):
        key, shown = (evaluate(k, scope), evaluate(v, scope)) if k is not None else (None, None)
        if isinstance(key, str) and isinstance(shown, str):
            display.setdefault(key, shown)


def _registered(pack: Pack) -> tuple[dict, dict, dict]:
    """{type name: class name}, {type name: display name} and {type name: record} (types a factory makes) of
    every registration the pack writes out."""
    classes: dict[str, str] = {}
    display: dict[str, str] = {}
    made: dict[str, dict] = {}
    for path, tree in pack.trees.items():
        for st in _statements(tree.body):
            _decorated(pack, st, classes, display)
            listed(st, lambda v: _class_named(pack, v), classes)
            if isinstance(st, ast.FunctionDef):  # a loader of a pack's mappings returning them (MultiGPU's WanVideo)
                for inner in _statements(st.body):  # or updating the mappings it is given (RES4LYF's add_beta)
                    if isinstance(inner, ast.Return) and isinstance(inner.value, ast.Dict):
                        _entries(pack, path, inner.value, classes, display, made)
                    elif _mapping_update(inner):
                        holder = inner.value.func.value
                        named = getattr(holder, "id", getattr(holder, "attr", "")) or ""
                        (_display(pack, path, inner.value.args[0], display) if "DISPLAY" in named.upper() else
                         _entries(pack, path, inner.value.args[0], classes, display, made))
                continue
            target, value = None, None
            if isinstance(st, (ast.Assign, ast.AnnAssign)):
                target = st.targets[0] if isinstance(st, ast.Assign) else st.target
                value = st.value
            elif isinstance(st, ast.Expr) and isinstance(st.value, ast.Call) and \
                    getattr(st.value.func, "attr", None) == "update" and st.value.args:
                target, value = st.value.func.value, st.value.args[0]
            if value is None:
                continue
            holder = target.value if isinstance(target, ast.Subscript) else target
            named = getattr(holder, "id", getattr(holder, "attr", "")) or ""
            if isinstance(target, ast.Subscript) and "MAPPING" in named.upper():
                key, cls = evaluate(target.slice, Scope(pack, path)), _class_named(pack, value)
                if isinstance(key, str) and key != UNKNOWN and cls:
                    classes.setdefault(key, cls)
                elif isinstance(key, str) and key != UNKNOWN:
                    _made(pack, value, Scope(pack, path), key, made)
            elif isinstance(value, ast.Dict):
                if "DISPLAY" in named.upper():
                    _display(pack, path, value, display)
                else:
                    _entries(pack, path, value, classes, display, made)
    attributed(pack, is_node, classes, display)
    introspected(pack, classes, display)
    return classes, display, made


def extract_pack(sources: dict[str, str], core_constants: dict | None = None,
                 io_types: dict | None = None, known: dict | None = None) -> dict[str, dict]:
    """{type name: record} of a pack's sources ({path: text}); ``core_constants``: names the pack imports
    from ComfyUI (MAX_RESOLUTION...), ``io_types``: V3 ``io.<Kind>`` -> its type when the pack has no _io.py;
    ``known``: the types already catalogued ({name: record}), the bases a pack's factory may make types of."""
    pack = Pack(sources, core_constants, io_types)
    pack.known = dict(known or {})
    classes, display, made = _registered(pack)
    out: dict[str, dict] = {}
    for name, cls in classes.items():
        v3 = v3_node(pack, cls)
        rec = v3[1] if v3 else v1_node(pack, cls)
        if name in display:
            rec["display"] = display[name]
        out[name] = rec
    for cls, (_, node) in pack.classes.items():
        v3 = v3_node(pack, cls) if any(isinstance(s, ast.FunctionDef) and s.name == "define_schema"
                                       for s in node.body) else _inherited_v3(pack, cls)
        v3 = v3 or derived_v3(pack, cls)
        if v3 and v3[0] not in out:
            out[v3[0]] = v3[1]
    for name, rec in functional_nodes(pack).items():
        out.setdefault(name, rec)
    for name, rec in made.items():
        out.setdefault(name, rec)
    return out


def _inherited_v3(pack: Pack, cls: str) -> tuple[str, dict] | None:
    """A class whose base's ``define_schema`` reads the node id from the class (``node_id = "X"``): its own node,
    never the base's id again."""
    found = pack.method(cls, "define_schema")
    if not found:
        return None
    owner = next((c for c, (p, n) in pack.classes.items() if p == found[0] and found[1] in n.body), None)
    v3, base = v3_node(pack, cls), v3_node(pack, owner) if owner else None
    return v3 if v3 and (base is None or base[0] != v3[0]) else None


def _decorated(pack: Pack, st, classes: dict, display: dict) -> None:
    """``@register_node("Id", "Shown")`` above a node class (jamesWalker55's packs), or LTXVideo's ``@comfy_node``
    (``name=`` else the class's name less a trailing "Node"; ``description=`` shown; ``skip=True`` not registered):
    a registration."""
    if not isinstance(st, ast.ClassDef) or not is_node(st) or st.name not in pack.classes:
        return
    for d in st.decorator_list:
        f = d.func if isinstance(d, ast.Call) else d
        fname = (getattr(f, "id", getattr(f, "attr", "")) or "").lower()
        args = list(d.args) if isinstance(d, ast.Call) else []
        kw = {k.arg: k.value for k in d.keywords if k.arg} if isinstance(d, ast.Call) else {}
        if fname == "comfy_node":
            if isinstance(kw.get("skip"), ast.Constant) and kw["skip"].value is True:
                continue
            default = st.name[:-4] if st.name.endswith("Node") else st.name
            name, shown = kw.get("name", ast.Constant(default)), kw.get("description")
        elif "register" in fname and args:
            name, shown = args[0], args[1] if len(args) > 1 else None
        else:
            continue
        if isinstance(name, ast.Constant) and isinstance(name.value, str):
            classes.setdefault(name.value, st.name)
            if isinstance(shown, ast.Constant) and isinstance(shown.value, str):
                display.setdefault(name.value, shown.value)


def constants_of(sources: dict[str, str], names=("MAX_RESOLUTION",)) -> dict:
    """The core's module-level constants packs import (``nodes.MAX_RESOLUTION``), evaluated."""
    pack = Pack(sources)
    out = {}
    for n in names:
        for path in pack.constants:
            if n in pack.constants[path]:
                v = pack.constant(n, path, 0)
                if isinstance(v, (int, float, str)) and v != "unknown":
                    out[n] = v
                    break
    return out


def io_types_of(sources: dict[str, str]) -> dict:
    """ComfyUI's V3 io kinds (``Image`` -> "IMAGE") read from its ``@comfytype(io_type=...)`` classes."""
    return dict(Pack(sources).io_types)
