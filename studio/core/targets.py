"""What a render on the command line targets, and how it is set up (Qt-free): ``--frames A-B``,
``--set NODE.PARAM=VALUE``, the graph's file outputs and pointing them at ``-o OUT``. Shared by
``main.py render``, the chunked render (``studio.distributed.cli``) and the Render dialog."""
from __future__ import annotations

import os

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
            if p.kind == "path" and v and getattr(p, "mode", "") in ("save", "dir"):
                from .confine import allow_for_session  # typed on the command line: the user's own choice
                allow_for_session(v if getattr(p, "mode", "") == "dir" else os.path.dirname(v))
            graph.set_param(n.id, pname, v)
        except ParamError as e:
            raise e.for_node(n.id) from None


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


def point_outputs_at(graph, out: str) -> list[str]:
    """Point the graph's file outputs at OUT; add a Save Video when there is none. Returns targets.
    OUT was typed on the command line, so a relative OUT means relative to the current folder."""
    from .confine import allow_for_session
    out = os.path.abspath(os.path.expanduser(out))
    outs = file_outputs(graph)
    allow_for_session(out if len(outs) > 1 else os.path.dirname(out))  # OUT is the user's choice
    if len(outs) == 1:
        n, pname = outs[0]
        graph.set_param(n.id, pname, out)
        return [n.id]
    if len(outs) > 1:
        os.makedirs(out, exist_ok=True)
        for n, pname in outs:
            ext = os.path.splitext(n.params[pname])[1]
            graph.set_param(n.id, pname, os.path.join(out, f"{n.id}{ext}"))
        return [n.id for n, _ in outs]
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
