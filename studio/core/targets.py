"""What a render on the command line targets, and how it is set up (Qt-free): ``--frames A-B``,
``--set NODE.PARAM=VALUE``, the graph's file outputs and pointing them at ``-o OUT``. Shared by
``main.py render``, the chunked render (``studio.distributed.cli``) and the Render dialog.

``-o OUT`` (:func:`point_outputs_at`):

- one file output: it writes OUT (a folder OUT, ``renders/``, gets a file named by the node's title);
- several, OUT a file (``plate.mp4``): the one output that writes that kind of file writes OUT, the
  others go beside it named by their titles (``plate_exr_comp.####.exr``). When no output or more
  than one writes that kind, nothing is guessed: the error lists the outputs and how to choose;
- several, OUT a folder (``renders/``, or a name without an extension): each output writes into
  it, named by its title (``renders/h_264_review.mp4``, ``renders/exr_comp.####.exr``).

Names come from the node's title as the canvas shows it, never from its id (``n7.exr`` told the
user nothing)."""
from __future__ import annotations

import os
import re

from studio.core.confine import filter_exts
from studio.core.errors import StudioError


def parse_frames(text: str) -> tuple[int, int]:
    try:
        a, _, b = text.partition("-")
        a_i, b_i = int(a), int(b) + 1 if b else int(a) + 1
    except ValueError:
        raise StudioError(f"--frames expects A-B (inclusive frame numbers), got '{text}'") from None
    if a_i < 0 or b_i <= a_i:
        raise StudioError(f"--frames {text}: the range is empty or negative")
    return a_i, b_i


def find_node(graph, ref: str):
    if ref in graph.nodes:
        return graph.nodes[ref]
    matches = [n for n in graph.nodes.values() if n.label == ref or (n.title or "").lower() == ref.lower()]
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise StudioError(f"'{ref}' names {len(matches)} nodes; use a node id or a title "
                          f"({', '.join(_named(m) for m in matches)})")
    raise StudioError(f"no node '{ref}' in the graph (use a node id or a title: "
                      f"{', '.join(_named(n) for n in graph.nodes.values())})")


def _named(n) -> str:
    return f"{n.id} '{n.label}'" if n.label and n.label != n.id else n.id


def apply_sets(graph, sets: list[str]) -> None:
    from studio.core.errors import ParamError, UnknownParamError
    for s in sets:
        key, eq, value = s.partition("=")
        node_ref, dot, pname = key.rpartition(".")
        if not eq or not dot or not node_ref or not pname:
            raise StudioError(f"--set expects NODE.PARAM=VALUE, got '{s}'")
        n = find_node(graph, node_ref)
        if n.spec is None:
            raise StudioError(f"--set: node '{n.id}' is a placeholder for unknown type '{n.type_id}'")
        p = n.spec.param(pname)
        if p is None:
            raise UnknownParamError(pname, f"'{n.label}' has no such parameter (has: "
                                           f"{', '.join(x.name for x in n.spec.params)})", node_id=n.id)
        try:
            v = p.parse(value)
            if p.kind == "path" and v and not os.path.isabs(os.path.expanduser(v)):
                v = os.path.abspath(os.path.expanduser(v))  # typed on the command line: relative to here
            if p.kind == "path" and v:  # typed on the command line: the user's own choice (to read, or write)
                from .confine import allow_for_session, allow_reading_for_session
                mode = getattr(p, "mode", "")
                (allow_for_session if mode in ("save", "dir") else allow_reading_for_session)(
                    v if mode == "dir" else os.path.dirname(v))
            graph.set_param(n.id, pname, v)
        except ParamError as e:
            raise e.for_node(n.id) from None


PREVIEW_PARAM = "preview_size"  # the generators' 'preview size' (nodes/video_models: pixels and steps)


def full_size(graph) -> list[str]:
    """A render without a window is a final render: every node with a 'preview size' setting
    that would shrink it is set to 'off' (``main.py render`` does this unless given ``--preview``;
    ``--set`` after it still wins). Returns the labels of the nodes changed, to be said."""
    changed = []
    for n in graph.nodes.values():
        p = n.spec.param(PREVIEW_PARAM) if n.spec is not None else None
        if p is None or n.mode == "mute":
            continue
        if (n.params.get(PREVIEW_PARAM, p.default) or "off") != "off":
            graph.set_param(n.id, PREVIEW_PARAM, "off")
            changed.append(n.label)
    return changed


def file_outputs(graph):
    """Output nodes that write a file or folder, with the name of that parameter."""
    out = []
    for n in graph.nodes.values():
        if n.spec is None or not n.spec.is_output or n.mode == "mute":
            continue
        for p in n.spec.params:
            if p.kind == "path" and getattr(p, "mode", "") in ("save", "dir"):
                out.append((n, p.name))
                break
    return out


# -- -o OUT with several outputs (issue 25, point 15) ---------------------------------------------
# the frame-number part of a sequence name and the extension: '.####.exr', '.%04d.png', '.{frame}.tif'
_SUFFIX = re.compile(r"(\.?(?:#+|%0?\d*d|\{[^}]*\}))?(\.[A-Za-z0-9]+)$")


def slug(title: str) -> str:
    """A file-name-safe form of a node title: 'H.264 review' -> 'h_264_review'."""
    s = "_".join(re.findall(r"[a-z0-9]+", title.lower()))
    return s or "output"


def suffix_of(path: str) -> str:
    """What a new name for this output must end with: its frame-number part and extension."""
    m = _SUFFIX.search(os.path.basename(path or ""))
    return m.group(0) if m else ""


def _exts(n, pname: str) -> set[str]:
    """The extensions an output writes: from its file filter, else from its current path."""
    p = n.spec.param(pname)
    exts = set(filter_exts(getattr(p, "filters", "")))
    if not exts:
        ext = os.path.splitext(n.params.get(pname) or "")[1].lower()
        if ext:
            exts.add(ext)
    return exts


def _unique_names(outs) -> dict[str, str]:
    """node id -> slug of its title, made unique with the node id where two titles share one."""
    names = {n.id: slug(n.label) for n, _ in outs}
    taken: dict[str, int] = {}
    for v in names.values():
        taken[v] = taken.get(v, 0) + 1
    return {nid: (f"{v}_{nid}" if taken[v] > 1 else v) for nid, v in names.items()}


def _looks_like_folder(out: str) -> bool:
    return out.endswith(("/", os.sep)) or os.path.isdir(out) or not os.path.splitext(out)[1]


def describe_outputs(outs) -> str:
    parts = []
    for n, pname in outs:
        exts = sorted(_exts(n, pname))
        kind = "/".join(exts) if exts else "a folder"
        parts.append(f"'{n.label}' ({n.id}, {kind})")
    return ", ".join(parts)


def plan_output_paths(graph, out: str) -> dict[str, tuple[str, str]]:
    """node id -> (parameter, absolute path) for each file output under ``-o OUT``; raises a
    StudioError that lists the outputs when OUT is a file that no output, or several, would write.
    OUT was typed on the command line: a relative OUT is relative to the current folder."""
    trailing = out.endswith(("/", os.sep))
    out = os.path.abspath(os.path.expanduser(out))
    outs = file_outputs(graph)
    if not outs:
        return {}
    names = _unique_names(outs)
    folder = trailing or _looks_like_folder(out)

    def named(dirname: str, prefix: str, n, pname: str) -> str:
        if getattr(n.spec.param(pname), "mode", "") == "dir":
            return os.path.join(dirname, prefix + names[n.id])
        return os.path.join(dirname, prefix + names[n.id] + suffix_of(n.params.get(pname) or ""))

    if len(outs) == 1 and not (folder and (trailing or os.path.isdir(out))):
        n, pname = outs[0]
        return {n.id: (pname, out)}
    if folder:
        return {n.id: (pname, named(out, "", n, pname)) for n, pname in outs}
    ext = os.path.splitext(out)[1].lower()
    writers = [(n, pname) for n, pname in outs if ext in _exts(n, pname)]
    if len(writers) != 1:
        why = (f"no output of this graph writes {ext} files" if not writers else
               f"{len(writers)} outputs write {ext} files ({describe_outputs(writers)})")
        stem = os.path.splitext(os.path.basename(out))[0] or "out"
        first = outs[0][0]
        raise StudioError(
            f"-o {os.path.basename(out)}: {why}. The graph's file outputs: {describe_outputs(outs)}. "
            f"Give -o a folder (-o {stem}/) to write each one there named by its title, or choose each "
            f"path with --set, e.g. --set '{first.label}.{outs[0][1]}=FILE'")
    chosen, _ = writers[0]
    dirname = os.path.dirname(out)
    prefix = os.path.splitext(os.path.basename(out))[0] + "_"
    plan = {}
    for n, pname in outs:
        plan[n.id] = (pname, out if n is chosen else named(dirname, prefix, n, pname))
    return plan


def point_outputs_at(graph, out: str) -> list[str]:
    """Point the graph's file outputs at OUT (see the module's docstring); add a Save Video when
    there is none. Returns the ids of the outputs to run."""
    from .confine import allow_for_session
    plan = plan_output_paths(graph, out)
    if plan:
        for nid, (pname, path) in plan.items():
            graph.set_param(nid, pname, path)
            dir_mode = getattr(graph.nodes[nid].spec.param(pname), "mode", "") == "dir"
            allow_for_session(path if dir_mode else os.path.dirname(path))  # OUT is the user's choice
        return list(plan)
    out = os.path.abspath(os.path.expanduser(out))
    allow_for_session(os.path.dirname(out))
    # no file output: render the last clip the graph makes
    for nid in reversed(graph.topo_order()):
        n = graph.nodes[nid]
        if n.spec and n.mode != "mute":
            port = next((o.name for o in n.spec.outputs if o.type == "Video"), None)
            if port:
                s = graph.add_node("io.save_video", {"path": out})
                graph.connect(nid, port, s.id, "video")
                return [s.id]
    raise StudioError("the graph makes no video to render")
