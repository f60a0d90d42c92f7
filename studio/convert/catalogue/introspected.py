"""Registrations a pack makes by walking its own members: a module that calls ``inspect.getmembers(...)`` on
itself and registers each node class it finds under its class name (siraxe's SA-Nodes-QQ builds
NODE_CLASS_MAPPINGS so in its ``__init__.py``, with no literal mapping). The members such a module holds are the
classes of the modules it star-imports (``from .nodes.nodes import *``), followed through their own star imports;
each class there with a node's declaration (``INPUT_TYPES`` and ``FUNCTION``, or ``define_schema``) is registered
under its name, its display name the class's literal ``DISPLAY_NAME`` where it has one. A filter the walk applies
by a name's content is code, not declared: such a type may be catalogued though the pack skips it (a type no
workflow then names). Read without running anything."""
from __future__ import annotations

import ast

from .attributed import literal


def _walks_members(tree) -> bool:
    return any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "getmembers"
               and getattr(n.func.value, "id", None) == "inspect" for n in ast.walk(tree))


def _star_module(pack, path: str, st) -> str | None:
    """The pack's file a relative ``from .a.b import *`` in ``path`` names, if the pack holds it."""
    if not (isinstance(st, ast.ImportFrom) and st.level and any(a.name == "*" for a in st.names)):
        return None
    base = path.split("/")[:-1]
    base = base[:len(base) - (st.level - 1)] if st.level > 1 else base
    parts = base + (st.module.split(".") if st.module else [])
    for cand in ("/".join(parts) + ".py", "/".join(parts + ["__init__.py"])):
        if cand in pack.trees:
            return cand
    return None


def _star_files(pack, path: str) -> list[str]:
    seen, todo = [], [path]
    while todo:
        p = todo.pop()
        for st in pack.trees[p].body:
            m = _star_module(pack, p, st)
            if m and m not in seen and m != path:
                seen.append(m)
                todo.append(m)
    return seen


def _declares(cls: ast.ClassDef) -> bool:
    names = {st.name for st in cls.body if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef))}
    names |= {t.id for st in cls.body if isinstance(st, ast.Assign) for t in st.targets if isinstance(t, ast.Name)}
    return "define_schema" in names or {"INPUT_TYPES", "FUNCTION"} <= names


def introspected(pack, classes: dict, display: dict) -> None:
    """Each node class a member-walking module of ``pack`` holds (see the module's docstring): registered."""
    for path, tree in pack.trees.items():
        if not _walks_members(tree):
            continue
        for f in sorted(_star_files(pack, path)):
            for st in pack.trees[f].body:
                if isinstance(st, ast.ClassDef) and _declares(st) and st.name not in classes:
                    classes[st.name] = st.name
                    shown = literal(st, "DISPLAY_NAME")
                    if shown:
                        display.setdefault(st.name, shown)
