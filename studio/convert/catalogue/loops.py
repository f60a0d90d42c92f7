"""A ``for`` loop of a declaration read without running the pack: a loop over ``range(...)`` of known bounds (or a
literal list) whose body only binds names, grows lists (``x.append(...)``, ``x.extend([...])``) and runs such loops
in turn, as KJNodes' LTXVAddGuideMulti builds its dynamic combo's choices (``for n in range(1, 21): ... options.append(
io.DynamicCombo.Option(key=str(n), inputs=...))``). Run on copies of the lists it grows: the scope changes only when
the whole loop was followed (else it stays as it was, the loop's lists as the reader saw them before). Stdlib only."""
from __future__ import annotations

import ast

from .values import UNKNOWN, Scope, evaluate

STEPS = 5000  # statements a loop may run (nested ones included): more is not a declaration's loop
_GROW = ("append", "extend")


def run(st: ast.For, scope: Scope, depth: int = 0) -> bool:
    """Run loop ``st`` in ``scope`` (its locals updated where it was followed to its end); whether it was."""
    trial = scope.child({k: list(v) if isinstance(v, list) else v for k, v in scope.local.items()})
    if not _loop(st, trial, depth, [STEPS]):
        for name in _grown(st):  # a list the loop grows, not followed: its items are not known (never a wrong [])
            if isinstance(scope.local.get(name), list):
                scope.local[name] = UNKNOWN
        return False
    scope.local.update(trial.local)
    return True


def _grown(st: ast.For) -> set:
    """The names of the lists loop ``st`` grows (``x.append`` / ``x.extend`` anywhere in it)."""
    return {c.func.value.id for c in ast.walk(st) if isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute)
            and c.func.attr in _GROW and isinstance(c.func.value, ast.Name)}


def _loop(st: ast.For, scope: Scope, depth: int, budget: list) -> bool:
    if st.orelse or not isinstance(st.target, ast.Name):
        return False
    items = _items(st.iter, scope, depth)
    if items is None:
        return False
    for item in items:
        scope.local[st.target.id] = item
        if not _body(st.body, scope, depth, budget):
            return False
    return True


def _items(node, scope: Scope, depth: int) -> list | None:
    """What a loop runs over: ``range(...)`` of known ints, or a known list / tuple; else None."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "range" and not node.keywords:
        bounds = [evaluate(a, scope, depth) for a in node.args]
        if 1 <= len(bounds) <= 3 and all(isinstance(b, int) and not isinstance(b, bool) for b in bounds):
            r = range(*bounds)
            return list(r) if len(r) <= STEPS else None
        return None
    v = evaluate(node, scope, depth)
    return list(v) if isinstance(v, (list, tuple)) and UNKNOWN not in v else None


def _body(body: list, scope: Scope, depth: int, budget: list) -> bool:
    for st in body:
        budget[0] -= 1
        if budget[0] < 0:
            return False
        if isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name):
            scope.local[st.targets[0].id] = evaluate(st.value, scope, depth)
        elif isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Tuple):
            if not _unpack(st.targets[0], evaluate(st.value, scope, depth), scope):
                return False
        elif isinstance(st, ast.For):
            if not _loop(st, scope, depth, budget):
                return False
        elif isinstance(st, ast.Expr) and isinstance(st.value, ast.Call) and grow(st.value, scope, depth):
            continue
        elif not (isinstance(st, ast.Expr) and isinstance(st.value, ast.Constant)):  # (a docstring / comment string)
            return False
    return True


def grow(call: ast.Call, scope: Scope, depth: int) -> bool:
    """``x.append(v)`` / ``x.extend([...])`` on a local list, its value known; whether it was."""
    f = call.func
    if not (isinstance(f, ast.Attribute) and f.attr in _GROW and isinstance(f.value, ast.Name)
            and len(call.args) == 1 and not call.keywords):
        return False
    holder, v = scope.local.get(f.value.id), evaluate(call.args[0], scope, depth)
    grown = v if f.attr == "extend" else [v]
    if not isinstance(holder, list) or not isinstance(grown, list) or any(g is UNKNOWN or g == UNKNOWN for g in grown
                                                                           if isinstance(g, str)):
        return False
    holder.extend(grown)
    return True


def _unpack(target: ast.Tuple, v, scope: Scope) -> bool:
    """``a, b = (1, 2)``: the names bound where the value is a known sequence of as many items; whether it was."""
    if not isinstance(v, (list, tuple)) or len(v) != len(target.elts) or \
            not all(isinstance(e, ast.Name) for e in target.elts):
        return False
    scope.local.update({e.id: x for e, x in zip(target.elts, v)})
    return True
