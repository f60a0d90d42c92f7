"""A batch manager (VideoHelperSuite's Meta Batch Manager) read away by its declared types: a node taking no socket,
set by numbers alone, giving one value of a pack's own type (no picture, sound, latent, model... in its name) that
only file loaders (a clip's, a picture's) and output nodes (a Video
Combine) read, each at an optional socket. It has ComfyUI run the workflow a few frames at a time, the loaders giving
the next frames each run and the saves joining them: how much is held in memory, not what the loaders give or the
saves write; read by output nodes alone (no loader given it) it splits nothing, and is said so. Its links are dropped
(Studio's loaders and saves take the clip whole), the node is read (taken) and said in one sentence. Plain data and
stdlib."""
from __future__ import annotations

from .. import catalogue
from ..reading.workflow import CNode, Workflow
from ..values.shown import shown

PLAIN = frozenset({"INT", "FLOAT", "STRING", "BOOLEAN", "COMBO", "*", ""})
NUMBERS = frozenset({"INT", "FLOAT", "BOOLEAN"})  # a manager's settings: how many frames at a time
# words of a type carrying what is made or how (a sound, pictures, a model...): never a manager's, whatever its pack
CARRIES = ("IMAGE", "MASK", "LATENT", "AUDIO", "VIDEO", "MODEL", "CLIP", "VAE", "CONDITIONING", "SIGMA", "NOISE",
           "GUIDER", "SAMPLER", "CONTROL", "EMBEDS", "PIPE")


def _type(n: CNode):
    t = catalogue.node_type(n.origin or n.cls)
    return t if t is not None and t.inputs is not None and t.outputs is not None else None


def _reads_at_option(r: CNode, name: str, kind: str) -> bool:
    """``r`` reads ``kind`` at its optional socket ``name`` and is a file loader or an output node."""
    t = _type(r)
    if t is None or not (catalogue.loader_kind(t) or t.output_node):
        return False
    return any(i.name == name and i.type == kind and i.optional for i in t.sockets)


def translate(wf: Workflow) -> list[str]:
    """Every batch manager read away (in place); what is said."""
    readers: dict[str, list[tuple[CNode, str]]] = {}
    for m in wf.nodes.values():
        for k, v in m.links.items():
            readers.setdefault(v[0], []).append((m, k))
    said = []
    for n in list(wf.nodes.values()):
        t = _type(n) if n.enabled else None
        if t is None or t.sockets or len(t.outputs) != 1 or t.outputs[0].type in PLAIN or n.id not in readers \
                or any(w in t.outputs[0].type.upper() for w in CARRIES) or catalogue.loader_kind(t) \
                or any(w.type not in NUMBERS for w in t.widgets):
            continue  # (numbers in, a type of its own out: a file's loader, a sound, a model never read away)
        kind, rs = t.outputs[0].type, readers[n.id]
        if not all(_reads_at_option(r, k, kind) for r, k in rs):
            continue
        for r, k in rs:
            del r.links[k]
        wf.taken.add(n.id)
        settings = ", ".join(f"{k} {shown(v)}" for k, v in n.widgets.items() if not isinstance(v, (dict, list)))
        names = ", ".join(f"'{r.title or r.shown_cls}' (#{r.id})" for r, _ in rs[:4]) + (
            f" and {len(rs) - 4} more" if len(rs) > 4 else "")
        said.append(_sentence(n, settings, names, any(catalogue.loader_kind(_type(r)) for r, _ in rs)))
    return said


def _sentence(n: CNode, settings: str, names: str, loaded: bool) -> str:
    """What the manager does in this workflow: with a loader reading it, ComfyUI runs the workflow a few frames at a
    time; read by output nodes alone (no loader given it), it splits nothing (heldout94: a Video Combine's only)."""
    head = n.named()
    given = f" ({settings})" if settings else ""
    if not loaded:
        return (f"{head}{given} is read by no loader of the workflow, only by {names}: it splits no loader's frames "
                "into runs: not applied; Studio's loaders and saves take the clip whole")
    return (f"{head} has ComfyUI run the workflow a few frames at a time{given}, its loaders giving the next frames "
            f"each run and its saves joining them ({names}): how much is held in memory, not applied; Studio's "
            "loaders and saves take the clip whole")
