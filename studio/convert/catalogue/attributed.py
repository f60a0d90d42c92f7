"""Registrations a pack makes from its classes' own attributes: its code reads an id attribute of its node classes
(``getattr(cls, "NODE_ID")``, ``cls.__dict__["NODE_NAME"] + SUFFIX``) and registers each class under that value
(THE-ANGEL-AI's LTX2 MultiGPU builds NODE_CLASS_MAPPINGS so, alt-key-project's Dream packs with their " [Dream]" /
" [DVB]" suffix). Only attributes the pack itself reads so, named ``ID``/``*_ID``/``NODE_*``, and set on a node class
as a literal string; the display name from ``DISPLAY_NAME`` where the pack reads that too. Read without running
anything."""
from __future__ import annotations

import ast

from .values import Scope, evaluate


def _attr_read(n) -> str | None:
    """The attribute name ``n`` reads: ``getattr(x, "A", ...)`` or ``x.__dict__["A"]``."""
    if isinstance(n, ast.Call) and getattr(n.func, "id", None) == "getattr" and len(n.args) >= 2 and \
            isinstance(n.args[1], ast.Constant) and isinstance(n.args[1].value, str):
        return n.args[1].value
    if isinstance(n, ast.Subscript) and isinstance(n.value, ast.Attribute) and n.value.attr == "__dict__" and \
            isinstance(n.slice, ast.Constant) and isinstance(n.slice.value, str):
        return n.slice.value
    return None


def _reads(pack) -> tuple[set, set]:
    """({(id attribute, suffix)}, {every attribute read}) of a pack's code."""
    ids, read = set(), set()
    for path, tree in pack.trees.items():
        suffixed = {}
        for n in ast.walk(tree):
            if isinstance(n, ast.BinOp) and isinstance(n.op, ast.Add) and _attr_read(n.left):
                tail = evaluate(n.right, Scope(pack, path))
                if isinstance(tail, str) and tail != "unknown":
                    suffixed[id(n.left)] = tail
        for n in ast.walk(tree):
            a = _attr_read(n)
            if a:
                read.add(a)
                if a.upper() == "ID" or a.upper().endswith("_ID") or a.upper().startswith("NODE_"):
                    ids.add((a, suffixed.get(id(n), "")))
    joined = {a for a, suffix in ids if suffix}  # read with its suffix to register: the bare value is no name
    return {(a, suffix) for a, suffix in ids if suffix or a not in joined}, read


def literal(cls: ast.ClassDef, attr: str) -> str | None:
    """The literal string class attribute ``attr`` of ``cls`` sets, else None."""
    for st in cls.body:
        if isinstance(st, ast.Assign) and any(getattr(t, "id", None) == attr for t in st.targets) and \
                isinstance(st.value, ast.Constant) and isinstance(st.value.value, str):
            return st.value.value
    return None


def attributed(pack, is_node, classes: dict, display: dict) -> None:
    """Each node class of ``pack`` whose id attribute (one the pack reads so) is a literal: registered."""
    ids, read = _reads(pack)
    if not ids:
        return
    for cls, (_, node) in pack.classes.items():
        if not is_node(node):
            continue
        for attr, suffix in sorted(ids):
            value = literal(node, attr)
            if value:
                key = value + suffix
                classes.setdefault(key, cls)
                shown = literal(node, "DISPLAY_NAME") if "DISPLAY_NAME" in read else None
                if shown:
                    display.setdefault(key, shown)
