"""The checks every run and ``validate`` make on a compiled plan before anything runs, so a graph
that validates renders and a graph from elsewhere cannot touch files it was not allowed to:

- every file the graph would write is inside an allowed folder (:mod:`studio.core.confine`), is
  not a file the graph reads, and a frame pattern is a pattern (:mod:`studio.core.patterns`);
- every file it reads is there and readable (a frame pattern: at least one frame);
- a model name is found in the models folders (the loader's own check);
- each node's own checks (``Node.preflight``: a container and its codec, a sequence's span);
- what each node can tell from what is wired into it (``Node.advise``, studio.engine.foresight: a
  mode its model cannot make, frames that will be dropped).

Cheap: stat calls, folder listings and file headers; nothing is decoded. Plain Python."""
from __future__ import annotations

import os
from typing import Any

from studio.core import confine
from studio.core.errors import GraphError, StudioError
from studio.core.params import Path as PathParam
from studio.core.params import String
from studio.core.patterns import has_token, pattern_problem, regex_for


class PreflightError(GraphError):
    """Several problems found before a run; ``errors`` holds each (the message shows the first)."""

    def __init__(self, errors: list[StudioError]):
        self.errors = list(errors)
        super().__init__(f"{errors[0]} (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})",
                         node_id=getattr(errors[0], "node_id", None))


def writes_of(n, params: dict[str, Any]) -> list[tuple[str, str, PathParam]]:
    """(parameter name, resolved path, parameter) of every file or folder node ``n`` writes: Path
    parameters in "save" mode, and "dir" mode on output nodes (with their ``pattern``, if any)."""
    out = []
    for p in n.spec.params:
        if not isinstance(p, PathParam) or p.lookup:
            continue
        v = params.get(p.name)
        if not v:
            continue
        if p.mode == "save" or (p.mode == "dir" and n.spec.is_output):
            pat = n.spec.param("pattern")
            if p.mode == "dir" and isinstance(pat, String) and params.get("pattern"):
                v = os.path.join(v, params["pattern"])
            out.append((p.name, v, p))
    return out


def reads_of(n, params: dict[str, Any]) -> list[tuple[str, str]]:
    """(parameter name, resolved path) of every file or folder node ``n`` reads."""
    out = []
    for p in n.spec.params:
        if isinstance(p, PathParam) and not p.lookup and params.get(p.name) and not (
                p.mode == "save" or (p.mode == "dir" and n.spec.is_output)):
            out.append((p.name, params[p.name]))
    return out


def looked_up_outside(n, params: dict[str, Any], readable: list[str]) -> list[tuple[str, str]]:
    """(parameter name, path) of each model a node looks up by name (a Path with ``lookup``) that is given as an
    absolute path outside the folders a graph may read: a name is looked up inside the models folders and the
    graph's folder only (studio.core.models.resolve), a path from elsewhere is the user's to allow."""
    out = []
    for p in n.spec.params:
        v = params.get(p.name)
        if isinstance(p, PathParam) and p.lookup and p.mode != "save" and isinstance(v, str) and v.strip():
            path = os.path.expanduser(v.strip())
            if os.path.isabs(path) and os.path.lexists(path) and confine.outside(path, readable):
                out.append((p.name, path))
    return out


def _err(n, text: str) -> GraphError:
    return GraphError(f"'{n.label}' ({n.id}): {text}", node_id=n.id)


def _read_problem(path: str) -> str | None:
    """Why ``path`` (a file, a folder or a frame pattern) cannot be read, or None."""
    folder, base = os.path.split(path)
    if has_token(base) and not os.path.exists(path):
        if not os.path.isdir(folder or "."):
            return f"folder not found: {folder}"
        rx = regex_for(base)
        try:
            with os.scandir(folder or ".") as it:  # stops at the first frame: costs what is on disk
                if any(rx.match(e.name) for e in it):
                    return None
        except OSError as e:
            return f"cannot list {folder}: {e.strerror}"
        return f"no frames match {path} (not found)"
    if not os.path.exists(path):
        return f"not found: {path}"
    if not os.access(path, os.R_OK):
        return f"{path} cannot be read (permission denied)"
    if not os.path.isdir(path):
        from studio.core.limits import regular_file_problem
        why = regular_file_problem(path)  # a FIFO would block the reader, a device never end
        if why:
            return f"{path}: {why}"
    return None


def _write_problem(path: str) -> str | None:
    """Why nothing can be written at ``path``: its nearest existing folder is read-only or not
    writable (os.access: EROFS and permissions), or None."""
    folder = os.path.dirname(os.path.abspath(path))
    while folder and not os.path.exists(folder):
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    if os.path.isdir(folder) and not os.access(folder, os.W_OK | os.X_OK):
        try:
            ro = bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
        except (OSError, AttributeError):
            ro = False
        return f"{folder} is {'on a read-only file system' if ro else 'not writable (permission denied)'}"
    return None


def check(plan, base_dir: str | None, confine_outputs: bool = True,
          notes: list | None = None) -> list[StudioError]:
    """Every problem of ``plan`` (studio.engine.plan.Plan) a run would meet, before it runs; what the
    nodes advise from what is wired into them (studio.engine.foresight) is an error too, or, a
    warning or information, added to ``notes`` as (node id, label, words, level)."""
    errors: list[StudioError] = []
    dirs = confine.allowed_dirs(base_dir) if confine_outputs else []
    readable = confine.readable_dirs(base_dir) if confine_outputs else []
    reads: list[tuple[Any, str, str]] = []
    writes: list[tuple[Any, str, str]] = []
    for st in plan.steps:
        n = st.node
        for pname, path in reads_of(n, st.params):
            reads.append((n, pname, path))
            there = os.path.lexists(path) or (has_token(os.path.basename(path)) and os.path.isdir(os.path.dirname(path)))
            if confine_outputs and there and confine.outside(path, readable):  # said before anything of it is read
                # (a file that is not there is said missing: the artist fixes that first, and asks about no folder)
                r = confine.real(path)
                errors.append(confine.OutsideReadableError(n.id, n.label, pname, path,
                                                           r if os.path.isdir(r) else os.path.dirname(r)))
                continue
            why = _read_problem(path)
            if why:
                errors.append(_err(n, f"cannot read '{pname}': {why}"))
        for pname, path in looked_up_outside(n, st.params, readable) if confine_outputs else ():
            errors.append(confine.OutsideReadableError(n.id, n.label, pname, path, os.path.dirname(confine.real(path))))
        for pname, path, p in writes_of(n, st.params):
            base = os.path.basename(path)
            composed = p.mode == "dir" and isinstance(n.spec.param("pattern"), String)
            if composed:
                base = st.params.get("pattern") or ""
            if has_token(base) or composed:
                why = pattern_problem(base)
                if why:
                    which = "pattern" if p.mode == "dir" else pname
                    errors.append(_err(n, f"'{which}' {base!r}: {why}"))
                    continue
            writes.append((n, pname, path))
            if p.mode == "save":
                from studio.core.paths import output_problem
                from studio.core.project import resolve_output
                typed = resolve_output(n.params.get(pname) or "", base_dir)
                why = output_problem(typed) if os.path.isdir(typed) else output_problem(path)
                if why:
                    errors.append(_err(n, f"cannot write '{pname}': {why}"))
                    continue
            why = _write_problem(path)
            if why:
                errors.append(_err(n, f"cannot write '{pname}': {why}"))
                continue
            if confine_outputs and confine.outside(path, dirs):
                r = confine.real(path)
                folder = r if p.mode == "dir" and not has_token(base) else os.path.dirname(r)
                errors.append(confine.OutsideAllowedError(n.id, n.label, pname, path, folder))
        if n.spec.preflight:
            try:
                problems = n.spec.cls.preflight(st.params, base_dir)
            except StudioError as e:
                problems = [str(e)]
            errors += [_err(n, why) for why in problems]
    from .foresight import advice
    for n, level, text in advice(plan, base_dir):
        if level == "error":
            errors.append(_err(n, text))
        elif notes is not None:
            notes.append((n.id, n.label, text, level))
    for (wn, wp, wpath), (rn, rp, rpath) in confine.overlaps([(w, w[2]) for w in writes], [(r, r[2]) for r in reads]):
        errors.append(confine.OverwritesInputError(
            f"'{wn.label}' ({wn.id}) would write over {rpath}, which '{rn.label}' ({rn.id}) reads "
            f"('{rp}'): choose another output path", node_id=wn.id))
    return errors
