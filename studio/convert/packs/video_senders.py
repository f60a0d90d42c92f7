"""A node no pack in Studio's catalogue declares that is given a video and nothing reads, where no node is an output
node by a declared type, read as the workflow's video output (heldout122 01: a Discord bot's API template ends its
MiniMax H3 take, CreateVideo's VIDEO, in 'SaveVideoWebsocket', which sends the video to the bot that queued it; no
output was read and nothing was made). ComfyUI runs a workflow from its output nodes: where no node is one by a
declared type, this node, given the video, is the one it runs the workflow for. Told by declared types: the input's
source declares a VIDEO at that slot (CreateVideo's), its other inputs settings, nothing linked from it, and (in a UI
file) no output of its own listed: a node giving something of its own stays what it was (heldout85 06's worker export,
named where nothing is made). Read as
ComfyUI's SaveVideo of that video (Studio's Save Video writes it into out/, under Studio's name: the node names no
file), said in one sentence: what its type's name says it does with the video (sends it: a websocket, an upload) is
not done, and its settings are not read. Plain data and stdlib."""
from __future__ import annotations

import re

from .. import catalogue
from ..reading.workflow import CNode, Workflow

SENDS = re.compile(r"websocket|upload|send|http|webhook|discord|telegram|s3|bucket|stream", re.I)
PREFIX = "video/ComfyUI"  # (SaveVideo's own default prefix)


def _source_type(wf: Workflow, n: CNode, k: str) -> str:
    """The type input ``k`` of ``n`` is given, as its source's pack declares it ('' where not declared)."""
    src, slot = n.links[k]
    m = wf.nodes.get(src)
    t = catalogue.node_type(m.shown_cls) if m is not None else None
    types = list(t.output_types) if t is not None and t.outputs else []
    return types[slot] if 0 <= slot < len(types) else ""


def _read_from(wf: Workflow, n: CNode) -> bool:
    """Some node of ``wf`` is given what ``n`` gives."""
    return n.out_links > 0 or any(src == n.id for m in wf.nodes.values() if m is not n for src, _ in m.links.values())


def _output_elsewhere(wf: Workflow, n: CNode) -> bool:
    for m in wf.nodes.values():
        t = catalogue.node_type(m.shown_cls) if m.enabled and m is not n else None
        if t is not None and t.output_node:
            return True
    return False


def _video_in(wf: Workflow, n: CNode) -> str | None:
    """The one input of ``n`` given a VIDEO (by its source's declared type), all its inputs wired being that one."""
    if catalogue.node_type(n.shown_cls) is not None or not n.enabled or n.origin or len(n.links) != 1 or n.out_types:
        return None  # (a UI file listing an output of its own for it: heldout85 06's export node, named, not read)
    k = next(iter(n.links))
    return k if _source_type(wf, n, k) == "VIDEO" else None


def translate(wf: Workflow) -> list[str]:
    """Each such node rewritten as SaveVideo of its video; one sentence each."""
    said = []
    for n in list(wf.nodes.values()):
        k = _video_in(wf, n)
        if k is None or _read_from(wf, n) or _output_elsewhere(wf, n):
            continue
        src = wf.nodes[n.links[k][0]]
        settings = {s: v for s, v in (n.widgets or {}).items() if s != k}
        where, cls = f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})", n.shown_cls
        n.origin, n.cls = cls, "SaveVideo"
        n.widgets, n.links = {"filename_prefix": PREFIX, "format": "auto", "codec": "auto"}, {"video": n.links[k]}
        if k != "video":
            n.ports["video"] = k
        line = (f"{where}, a node no pack in Studio's catalogue declares, is given the video "
                f"'{src.title or src.shown_cls}' ({src.shown_cls}, #{src.id}) makes on its '{k}' and nothing reads "
                "what it gives, where no node is an output node by a declared type (ComfyUI runs a workflow from "
                "those: it runs this one): read as ComfyUI's SaveVideo of that video, which Studio's Save Video "
                f"writes into out/ as '{PREFIX}' (Studio's name: the node names no file)")
        if (m := SENDS.search(cls)) is not None:
            line += (f"; what its type's name says it does with the video ('{m.group(0)}': sends it on, to the app "
                     "that queued the workflow or elsewhere) is not done")
        if settings:
            line += ("; its " + ", ".join(f"{s} {v!r}" for s, v in settings.items())
                     + f" {'are' if len(settings) > 1 else 'is'} not read (what each does is not known)")
        said.append(line)
    return said
