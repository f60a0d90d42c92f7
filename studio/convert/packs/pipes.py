"""A pack's pipes read through, by the types and names its nodes declare (Easy-Use's pipeIn / pipeEdit / pipeOut,
Impact's ToBasicPipe / FromBasicPipe): a pipe is an output whose type names a PIPE; a node putting fields into one
declares a socket per field (its name and type: 'model' MODEL, 'pos' CONDITIONING...) and, optionally, the pipe it
adds to (a socket of the pipe's type, whose fields it passes on where its own are not wired); a node taking one apart
declares an output per field, named as the setter's socket. Each output of a node taking a pipe apart is read
as what its field was given: its readers are wired to the node that gave the field (the node's own socket of that
name first, as pipeEdit replaces a field), so the prompts, the latent's size and length, the model and the VAE reach
the generator. A field Studio cannot follow (a muted node on the way, a node re-encoding the pipe's prompt from its
own text, a pipe made by a pack's loader) is left as it was and said where it is read. The pipe nodes read through
are read (not listed as not converted); one sentence names each field read and the node that put it in. Linear in
the workflow's size (each field followed back at most through the pipe nodes once). Plain data and stdlib."""
from __future__ import annotations

from .. import catalogue
from ..reading.workflow import CNode, Workflow

MAX_CHAIN = 256  # pipe nodes followed back for one field (a circle ends where it comes round)
MUTED, BYPASSED = 2, 4


def _type(n: CNode):
    t = catalogue.node_type(n.origin or n.cls)
    return t if t is not None and t.inputs is not None and t.outputs is not None else None


def _is_pipe(kind: str) -> bool:
    return "PIPE" in kind.upper()


def _pipe_socket(t, kind: str | None = None):
    """The socket of a pipe's type (of ``kind`` where given) ``t`` declares; None when it has none."""
    return next((i for i in t.sockets if _is_pipe(i.type) and (kind is None or i.type == kind)), None)


def _texts(n: CNode, t) -> bool:
    """Sets text of its own (pipeEdit's optional prompts): it encodes the pipe's prompts again from it."""
    return any(w.type == "STRING" and isinstance(n.widgets.get(w.name), str) and n.widgets[w.name].strip()
               for w in t.widgets)


def _field(wf: Workflow, link, name: str, kind: str, chain: set[str]) -> tuple[tuple[str, int], CNode] | None:
    """(the link that gave field ``name`` of type ``kind`` to the pipe ``link`` carries, the node that put it in);
    None when it cannot be followed. The pipe nodes on its way are added to ``chain`` where it can."""
    seen: dict[str, None] = {}  # (in order)
    while link is not None and link[0] in wf.nodes and link[0] not in seen and len(seen) < MAX_CHAIN:
        seen[link[0]] = None
        s = wf.nodes[link[0]]
        t = _type(s)
        if t is None or s.mode == MUTED or not 0 <= link[1] < len(t.outputs) or not _is_pipe(t.outputs[link[1]].type):
            return None
        pipe = _pipe_socket(t, t.outputs[link[1]].type)
        if s.mode == BYPASSED:  # ComfyUI passes its input of the output's type on
            link = s.links.get(pipe.name) if pipe is not None else None
            continue
        own = next((i for i in t.sockets if i.name == name and i.type == kind), None)
        if own is not None and name in s.links:
            chain.update(seen)
            return tuple(s.links[name][:2]), s
        if kind == "CONDITIONING" and _texts(s, t):
            return None  # its own prompt encoded into the pipe: not a link to follow
        if pipe is None:
            return None  # (a pack's loader making the pipe: its fields are not sockets)
        link = s.links.get(pipe.name)
    return None


def _takes_apart(t, pipe) -> bool:
    """A node taking the pipe apart (pipeOut, pipeEdit, FromBasicPipe): each socket but the pipe a field it replaces
    (an output of its name and type); not a node that works on what the pipe gives (Impact's detailers: their 'segs'
    in and out, beside the frames they detail)."""
    outs = {(o.name, o.type) for o in t.outputs}
    return all(i is pipe or (i.name, i.type) in outs for i in t.sockets)


def translate(wf: Workflow) -> list[str]:
    """Every pipe field read through where it can be followed (in place); what is said."""
    readers: dict[tuple[str, int], list[tuple[CNode, str]]] = {}
    for m in wf.nodes.values():
        for k, v in m.links.items():
            readers.setdefault((v[0], v[1]), []).append((m, k))
    said, chain = [], set()
    for r in list(wf.nodes.values()):
        t = _type(r) if r.enabled else None
        pipe = _pipe_socket(t) if t is not None else None
        if pipe is None or pipe.name not in r.links or not _takes_apart(t, pipe):
            continue
        got = []
        for slot, out in enumerate(t.outputs):
            if _is_pipe(out.type) or not out.name or not readers.get((r.id, slot)):
                continue
            own = next((i for i in t.sockets if i.name == out.name and i.type == out.type), None)
            found = ((tuple(r.links[out.name][:2]), r) if own is not None and out.name in r.links
                     else _field(wf, r.links[pipe.name], out.name, out.type, chain))
            if found is None:
                continue
            src, setter = found
            for m, k in readers.pop((r.id, slot)):
                m.links[k] = src
                readers.setdefault(src, []).append((m, k))
            got.append(f"{out.name} from '{setter.title or setter.shown_cls}' (#{setter.id})")
        if got:
            chain.add(r.id)
            said.append(f"'{r.title or r.shown_cls}' ({r.shown_cls}, #{r.id}) takes apart the pipe it is given, each "
                        f"field as its pack declares it: {', '.join(got)} (the node that put it in), read through")
    _take(wf, chain, readers)
    return said


def _pipe_node(n: CNode | None) -> bool:
    t = _type(n) if n is not None else None
    return t is not None and (_pipe_socket(t) is not None or any(_is_pipe(o) for o in t.output_types))


def _take(wf: Workflow, chain: set[str], readers: dict) -> None:
    """The pipe nodes on a field's way read through (``chain``) whose every reader is one of them too, read (taken):
    a pipe also read by a node Studio does not read (a pack's sampler) is left, and so is what feeds it."""
    gives: dict[str, set[str]] = {}
    for (src, _), rs in readers.items():
        gives.setdefault(src, set()).update(m.id for m, _ in rs)
    ends = {m for rs in gives.values() for m in rs if not gives.get(m) and _pipe_node(wf.nodes.get(m))}
    gives = {k: rs - ends for k, rs in gives.items()}  # (a pipe node whose outputs nothing reads: ComfyUI does not
    taken = set(chain)                                  # run it, unrun.py says so; it keeps nothing from being read)
    todo = [k for k in taken if not gives.get(k, set()) <= taken]
    while todo:
        k = todo.pop()
        if k not in taken:
            continue
        taken.discard(k)
        todo.extend(v[0] for v in wf.nodes[k].links.values() if v[0] in taken)
    wf.taken.update(taken)
