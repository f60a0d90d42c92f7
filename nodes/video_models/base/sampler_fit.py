"""Which of the generators' samplers (schedulers.CLASSES) a pipeline can run, read from the installed diffusers'
declarations, not from a list of families (issue 112, samplers10): a pipeline whose ``__call__`` makes a schedule of
sigmas itself and hands it to its scheduler (``retrieve_timesteps(..., sigmas=...)`` or ``set_timesteps(sigmas=...)``:
HunyuanVideo's ``np.linspace(1, 0, steps + 1)[:-1]``, LTX-Video's, LTX-2's...) cannot run a scheduler whose
``set_timesteps`` declares no ``sigmas`` (DPMSolverMultistepScheduler in diffusers 0.42.1): diffusers refuses it in
its own words after the model is loaded. Said before the run (sampling/advice.py), at the run (schedulers.py) and
by the converter, which gives such a generator its family's default sampler instead (studio/convert/mapping/
sampler_taken.py, through the 'sampler_refused' hook of comfy_samplers.py).

The declarations are read from diffusers' source files with ``ast`` (the signature of ``set_timesteps``, the calls
in ``__call__``), so that a check made while a graph is edited imports neither diffusers nor torch (seconds).
Stdlib only; every answer is cached for the process. None: not known (a class not found in diffusers' files, a
modular pipeline): nothing is refused on it."""
from __future__ import annotations

import ast
import functools
import importlib.util
import os
import re

_CLASS = re.compile(r"^class (\w+)\(", re.M)
_FOLDERS = ("pipelines", "schedulers")  # (diffusers' folders holding the pipelines and schedulers)


@functools.lru_cache(maxsize=1)
def _index() -> dict[str, str]:
    """Class name -> the diffusers source file that defines it (its pipelines and schedulers); {} without diffusers."""
    out: dict[str, str] = {}
    for root in filter(None, (_root(),)):
        for sub in _FOLDERS:
            for d, _, files in os.walk(os.path.join(root, sub)):
                for f in sorted(files):
                    if f.endswith(".py"):
                        path = os.path.join(d, f)
                        try:
                            with open(path, encoding="utf-8") as fh:
                                text = fh.read()
                        except (OSError, UnicodeDecodeError):
                            continue
                        for m in _CLASS.finditer(text):
                            out.setdefault(m.group(1), path)
    return out


@functools.lru_cache(maxsize=None)
def _tree(path: str) -> ast.Module | None:
    try:
        with open(path, encoding="utf-8") as fh:
            return ast.parse(fh.read())
    except (OSError, SyntaxError, UnicodeDecodeError, ValueError):
        return None


@functools.lru_cache(maxsize=1)
def _root() -> str | None:
    try:
        spec = importlib.util.find_spec("diffusers")
    except (ImportError, ValueError):
        return None
    return next(iter(spec.submodule_search_locations or ()), None) if spec is not None else None


def _found(name: str, folder: str, depth: int = 0) -> str | None:
    """The file defining ``name``, followed from ``folder``'s ``__init__`` through its relative imports of it (``from
    .hunyuan_video import HunyuanVideoPipeline``, then ``from .pipeline_hunyuan_video import ...``); None: not so."""
    tree = _tree(os.path.join(folder, "__init__.py"))
    sub = next((n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.level == 1 and n.module
                and any(a.name == name for a in n.names)), None) if tree is not None and depth < 4 else None
    if sub is None:
        return None
    path = os.path.join(folder, *sub.split("."))
    return path + ".py" if os.path.isfile(path + ".py") else _found(name, path, depth + 1) if os.path.isdir(path) else None


@functools.lru_cache(maxsize=None)
def _file(name: str) -> str | None:
    """The diffusers file defining the class ``name``: by its packages' imports, else by a look through them all."""
    root = _root()
    found = next((f for sub in _FOLDERS if (f := _found(name, os.path.join(root, sub)))), None) if root else None
    return found or _index().get(name)


def _class(name: str) -> ast.ClassDef | None:
    path = _file(name)
    tree = _tree(path) if path else None
    return next((n for n in (tree.body if tree else ()) if isinstance(n, ast.ClassDef) and n.name == name), None)


def _method(name: str, method: str, depth: int = 0) -> ast.FunctionDef | None:
    """``name``'s own ``method``, else the first base's that defines it (bases found by their names)."""
    c = _class(name)
    if c is None or depth > 8:
        return None
    own = next((n for n in c.body if isinstance(n, ast.FunctionDef) and n.name == method), None)
    if own is not None:
        return own
    for base in c.bases:
        b = base.id if isinstance(base, ast.Name) else base.attr if isinstance(base, ast.Attribute) else None
        if b and (found := _method(b, method, depth + 1)) is not None:
            return found
    return None


@functools.lru_cache(maxsize=None)
def takes_sigmas(scheduler: str) -> bool | None:
    """The scheduler class's ``set_timesteps`` declares ``sigmas`` (None: its declaration not found)."""
    f = _method(scheduler, "set_timesteps")
    if f is None:
        return None
    a = f.args
    return any(p.arg == "sigmas" for p in (*a.posonlyargs, *a.args, *a.kwonlyargs)) or a.kwarg is not None


def _given_sigmas(call: ast.Call) -> ast.expr | None:
    """The sigmas a ``retrieve_timesteps`` / ``set_timesteps`` call hands the scheduler (keyword, or
    ``retrieve_timesteps``' fifth argument: scheduler, steps, device, timesteps, sigmas), else None."""
    kw = next((k.value for k in call.keywords if k.arg == "sigmas"), None)
    if kw is None and getattr(call.func, "id", "") == "retrieve_timesteps" and len(call.args) >= 5:
        kw = call.args[4]
    return None if isinstance(kw, ast.Constant) and kw.value is None else kw


@functools.lru_cache(maxsize=None)
def own_schedule(pipeline: str) -> bool | None:
    """The pipeline's ``__call__`` hands its scheduler a schedule of sigmas it makes itself (one assigned in the call,
    or an expression), not only the caller's ``sigmas`` passed on (None: its declaration not found)."""
    f = _method(pipeline, "__call__")
    if f is None:
        return None
    made = {t.id for n in ast.walk(f) if isinstance(n, ast.Assign) and not (
        isinstance(n.value, ast.Constant) and n.value.value is None) for t in n.targets if isinstance(t, ast.Name)}
    for n in ast.walk(f):
        if isinstance(n, ast.Call) and getattr(n.func, "id", getattr(n.func, "attr", "")) in (
                "retrieve_timesteps", "set_timesteps"):
            given = _given_sigmas(n)
            if given is not None and (not isinstance(given, ast.Name) or given.id in made):
                return True
    return False


def cause(pipeline: str, sampler: str, classes: dict[str, str]) -> str | None:
    """Why ``pipeline`` (a diffusers pipeline class's name) cannot run the generators' sampler ``sampler`` (``classes``:
    each sampler's scheduler class, schedulers.CLASSES), in words; None where it can or its declarations do not tell
    ('auto': the model's own scheduler, always)."""
    sched = classes.get(sampler or "auto")
    if sched is None or not pipeline or not own_schedule(pipeline) or takes_sigmas(sched) is not False:
        return None
    return f"{pipeline} gives its scheduler a schedule of sigmas, and {sched}'s set_timesteps takes none"


def refusal(pipeline: str, sampler: str, classes: dict[str, str]) -> str | None:
    """The run's refusal of ``sampler`` on ``pipeline`` (:func:`cause`), with the samplers it can run; None: taken."""
    why = cause(pipeline, sampler, classes)
    if why is None:
        return None
    can = ["'auto'", *(f"'{s}'" for s, c in classes.items() if s != sampler and takes_sigmas(c))]
    return f"'sampler' {sampler} cannot run: {why}: set the sampler to {', '.join(can[:-1])} or {can[-1]}"
