"""jamesWalker55's functional nodes: a module-level function under ``@generate_functional_node(category, "Id",
"Shown", multiline_string=..., output_node=...)`` is a node whose inputs are its parameters by their annotations
(``int``/``float`` with their default and the generator's wide range, ``str`` a text with its default, a string
annotation a socket of that type, ``Literal[...]`` a choice) and whose outputs are its ``tuple[...]`` return
annotation's types. Read without running anything; ``functional_nodes(pack)``: {type name: record}."""
from __future__ import annotations

import ast

from .extract import Pack, input_record
from .values import UNKNOWN, Scope, evaluate

DECORATOR = "generate_functional_node"
RANGES = {"int": ("INT", -0xFFFFFFFFFFFFFFFF, 0xFFFFFFFFFFFFFFFF), "float": ("FLOAT", -99999999999999999.0,
                                                                             99999999999999999.0)}
RETURNS = {"int": "INT", "float": "FLOAT", "str": "STRING"}


def _input(name: str, annot, default, scope: Scope, multiline: bool) -> dict:
    kind = getattr(annot, "id", None)
    value = evaluate(default, scope) if default is not None else None
    if kind in RANGES:
        t, lo, hi = RANGES[kind]
        return input_record(name, t, {"default": value, "min": lo, "max": hi}, True)
    if kind == "str":
        return input_record(name, "STRING", {"default": value, "multiline": multiline}, True)
    if isinstance(annot, ast.Constant) and isinstance(annot.value, str):
        return input_record(name, annot.value, {}, True)
    if isinstance(annot, ast.Subscript) and getattr(annot.value, "id", getattr(annot.value, "attr", "")) == "Literal":
        choices = evaluate(annot.slice, scope)
        return input_record(name, list(choices) if isinstance(choices, (list, tuple)) else [choices], {}, True)
    return {"name": name, "type": UNKNOWN, "widget": False}


def _outputs(annot) -> list | str:
    if not (isinstance(annot, ast.Subscript) and getattr(annot.value, "id", "") == "tuple"):
        return UNKNOWN
    parts = annot.slice.elts if isinstance(annot.slice, ast.Tuple) else [annot.slice]
    return [{"type": p.value if isinstance(p, ast.Constant) and isinstance(p.value, str)
             else RETURNS.get(getattr(p, "id", ""), UNKNOWN)} for p in parts]


def functional_nodes(pack: Pack) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for path, tree in pack.trees.items():
        for fn in tree.body:
            if not isinstance(fn, ast.FunctionDef):
                continue
            for d in fn.decorator_list:
                if not (isinstance(d, ast.Call) and getattr(d.func, "id", "") == DECORATOR and len(d.args) >= 3):
                    continue
                scope = Scope(pack, path)
                category, ident, shown = (evaluate(a, scope) for a in d.args[:3])
                kw = {k.arg: evaluate(k.value, scope) for k in d.keywords if k.arg}
                if not isinstance(ident, str):
                    continue
                args = fn.args.args
                defaults = [None] * (len(args) - len(fn.args.defaults)) + list(fn.args.defaults)
                rec = {"inputs": [_input(a.arg, a.annotation, df, scope, kw.get("multiline_string") is True)
                                  for a, df in zip(args, defaults)],
                       "outputs": _outputs(fn.returns), "output_node": kw.get("output_node") is True}
                for key, v in (("category", category), ("display", shown)):
                    if isinstance(v, str) and v is not UNKNOWN:
                        rec[key] = v
                out.setdefault(ident, rec)
    return out
