"""Where the window puts files (issue 15): an unsaved graph resolves relative paths against the
project folder; Save As and the file pickers open in the graph's folder or that project folder,
never the shipped templates folder, which is refused as a place to save."""
from __future__ import annotations

import os

from studio.core.graph import Graph
from studio.core.project import project_dir
from studio.core.params import Path as PathParam

from studio.core.assets import in_templates  # noqa: F401 - the window asks it here


def graph_folder(graph: Graph, path: str | None) -> str:
    """Where dialogs about this graph open: its file's folder, else its base folder, else the
    project folder; never the shipped templates folder."""
    for cand in (os.path.dirname(os.path.abspath(path)) if path else None, graph.base_dir):
        if cand and not in_templates(cand) and os.path.isdir(cand):
            return cand
    return project_dir()


def input_exists(path: str) -> bool:
    """A file or folder, or a frame pattern (plate.####.exr) whose folder exists."""
    if os.path.exists(path):
        return True
    from studio.engine.sequence import pattern_fingerprint
    try:
        return pattern_fingerprint(path) is not None
    except (OSError, ValueError):
        return False


def rewrite_inputs(graph: Graph, base: str, to) -> int:
    """Every relative path of a file the graph reads (groups included) that exists against
    ``base`` is replaced by ``to(absolute path)``. Returns how many changed."""
    n_changed = 0
    for n in graph.nodes.values():
        if n.subgraph is not None:
            n_changed += rewrite_inputs(n.subgraph, base, to)
        for p in (n.spec.params if n.spec is not None else ()):
            v = n.params.get(p.name)
            if not (isinstance(p, PathParam) and p.mode in ("open", "dir") and not p.lookup
                    and isinstance(v, str) and v and not os.path.isabs(v)):
                continue
            cand = os.path.normpath(os.path.join(base, v))
            if input_exists(cand):
                n.params[p.name] = to(cand)
                n_changed += 1
    return n_changed


def absolutise_inputs(graph: Graph) -> int:
    """Make the relative paths of files the graph reads absolute (where they exist against its
    ``base_dir``), then drop the base: a template opened untitled keeps its media, and what it
    writes (outputs, checkpoints) goes to the project folder. Returns how many paths changed."""
    base = graph.base_dir
    graph.base_dir = None
    if not base:
        return 0
    changed = rewrite_inputs(graph, base, lambda p: p)

    def drop_bases(g: Graph) -> None:
        for n in g.nodes.values():
            if n.subgraph is not None:
                n.subgraph.base_dir = None
                drop_bases(n.subgraph)
    drop_bases(graph)
    return changed


def resolve_for_dialog(value: str, base: str) -> str:
    """A path parameter's value as a dialog's starting point: relative values mean ``base``."""
    if not value:
        return base
    full = value if os.path.isabs(value) else os.path.join(base, value)
    return full if os.path.exists(full) or os.path.isdir(os.path.dirname(full)) else base
