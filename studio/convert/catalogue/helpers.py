"""A pack's helper that builds a declaration from its arguments, read without running it: a module-level lambda
(Derfuu's ``_n = lambda name: f"DF_{name}"`` naming its registrations) or a static/class method of a pack's class
(Derfuu's ``Field.float(step=1)`` giving ``("FLOAT", {"default": 1, ..., "step": 1})``) whose body is only simple
locals (``x = ...``), ``if`` tests on known values, lists grown by loops loops.py follows (``out.append(...)``) and
``return``; a module-level function of such a body (ComfyUI's ``_generate_storyboard_inputs(n)``) likewise. Positional and keyword arguments are bound to
the parameters, a parameter not given takes its default; anything else the body does is ``UNKNOWN``."""
from __future__ import annotations

import ast

from . import loops
from .values import UNKNOWN, ClassRef, Scope, evaluate

_FALL = object()  # a block that ends without returning


def _known(v) -> bool:
    return not (isinstance(v, str) and v == UNKNOWN)


def bind_call(fn, args: list, kwargs: dict, skip_first: bool, scope: Scope, depth: int) -> dict | None:
    """{parameter: value} of a call, or None when the call does not fit the parameters."""
    params = [a.arg for a in fn.args.args][1 if skip_first else 0:]
    if fn.args.vararg or len(args) > len(params) or any(k not in params for k in kwargs):
        return None
    defaults = dict(zip(params[len(params) - len(fn.args.defaults):], fn.args.defaults)) if fn.args.defaults else {}
    bound = dict(zip(params, args))
    for p in params[len(args):]:
        if p in kwargs:
            bound[p] = kwargs[p]
        elif p in defaults:
            bound[p] = evaluate(defaults[p], scope, depth)
        else:
            return None
    return bound


def _block(body, scope: Scope, depth: int):
    for st in body:
        if isinstance(st, ast.Expr) and isinstance(st.value, ast.Constant):  # a docstring
            continue
        if isinstance(st, ast.Assign) and len(st.targets) == 1 and isinstance(st.targets[0], ast.Name):
            scope.local[st.targets[0].id] = evaluate(st.value, scope, depth)
        elif isinstance(st, ast.If):
            test = evaluate(st.test, scope, depth)
            if not _known(test) or not isinstance(test, (bool, int, float, str, list, tuple, dict, type(None))):
                return UNKNOWN
            found = _block(st.body if test else st.orelse, scope, depth)
            if found is not _FALL:
                return found
        elif isinstance(st, ast.Return):
            return evaluate(st.value, scope, depth) if st.value is not None else None
        elif isinstance(st, ast.For):  # a list of inputs built in a loop (Kling's storyboards: loops.py)
            if not loops.run(st, scope, depth):
                return UNKNOWN
        elif isinstance(st, ast.Expr) and isinstance(st.value, ast.Call) and loops.grow(st.value, scope, depth):
            continue
        else:
            return UNKNOWN  # a statement not followed: the value is not known
    return _FALL


def run_helper(fn, path: str, pack, args: list, kwargs: dict, depth: int, first=None):
    """The value a call of ``fn`` (a def or a lambda of the pack, in module ``path``) returns, or UNKNOWN;
    ``first``: the class a class method is called on (its first parameter)."""
    scope = Scope(pack, path)
    bound = bind_call(fn, args, kwargs, first is not None, scope, depth)
    if bound is None:
        return UNKNOWN
    if first is not None:
        bound[fn.args.args[0].arg] = first
    inner = scope.child(bound)
    if isinstance(fn, ast.Lambda):
        return evaluate(fn.body, inner, depth)
    found = _block(fn.body, inner, depth)
    return UNKNOWN if found is _FALL else found


def helper_of(pack, func, scope: Scope, depth: int):
    """(the def or lambda, its module, the class its first parameter is or None) a call's ``func`` names: a
    module-level lambda, or a static/class method of a pack's class (``Field.float``); else None."""
    if isinstance(func, ast.Name):
        for where in [scope.module] + [p for p in pack.constants if p != scope.module][:4]:
            bound = pack.constants.get(where, {}).get(func.id)
            if isinstance(bound, ast.Lambda):
                return bound, where, None
        return None
    if not isinstance(func, ast.Attribute):
        return None
    owner = evaluate(func.value, scope, depth)
    if not isinstance(owner, ClassRef):
        return None
    found = pack.method(owner.name, func.attr)
    if not found:
        return None
    kinds = {getattr(d, "id", None) for d in found[1].decorator_list}
    if "staticmethod" in kinds:
        return found[1], found[0], None
    if "classmethod" in kinds:
        return found[1], found[0], owner
    return None
