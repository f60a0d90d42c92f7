"""A loop whose passes each take the next frames of one clip and work them the same way (no sampler between its start
and end: an upscale over chunks, FlashVSR's 'infinite' workflow): told by the loop's index reaching a clip loader's
setting of the first frame it loads (an INT input of a node loading media, by its declared role) that is, worked out
with the index a number, 0, k, 2k... for the passes. Studio's graph makes those nodes once, over the whole clip
(its loader reads every frame: said there), so the loop is read as that, said in one sentence naming the loop's start
and end, the loader, the frames each pass starts at, what each pass runs and what it writes (a file a pass in ComfyUI,
one in Studio). Linear in the body's size times its passes. Plain data and stdlib."""
from __future__ import annotations

from ..reading.workflow import CNode, Workflow
from ..tracing.roles import role
from .loops_words import pass_words

INDEX = ("index", "current_iteration")  # a start's pass number output, by name where the file names it


def _name(n: CNode) -> str:
    return f"'{n.title or n.shown_cls}' ({n.shown_cls}, node {n.id})"


def _starts_at(wf: Workflow, start: CNode, slot: int, loader: CNode, k: str, total: int) -> list | None:
    """What ``loader``'s ``k`` is worked out to on each pass, the start's output ``slot`` given the pass's number
    (from 0); None where one is not a whole number."""
    readers = [(m, name) for m in wf.nodes.values() for name, (s, sl) in m.links.items() if s == start.id
               and sl == slot]
    got = []
    for p in range(total):
        index = CNode(f"{start.id}@chunk", "PrimitiveInt", widgets={"value": p})
        wf.nodes[index.id] = index
        for m, name in readers:
            m.links[name] = (index.id, 0)
        try:
            with wf.values_aside(fresh=True):
                v = wf.value(loader, k)
        finally:
            for m, name in readers:
                m.links[name] = (start.id, slot)
            del wf.nodes[index.id]
            wf.__dict__.pop("_consumers", None)
        if not isinstance(v, int) or isinstance(v, bool):
            return None
        got.append(v)
    return got


def chunk_words(wf: Workflow, start: CNode, end: CNode, body: list[CNode], side: list[CNode], total: int) -> str:
    """The clause reading the loop as its clip's chunks worked once over the whole clip; '' where it is not one."""
    slot = next((s for s, name in enumerate(start.out_names) if name in INDEX), 1)
    for loader in body:
        if role(wf, loader) != "media loader":
            continue
        for k in loader.links:
            got = _starts_at(wf, start, slot, loader, k, total) if total > 1 else None
            if not got or got[0] != 0 or got[1] <= 0 or any(b - a != got[1] for a, b in zip(got, got[1:])):
                continue
            starts = ", ".join(map(str, got))
            return (f"each over the frames {_name(loader)} loads from frame {got[1]} × the pass's index on (its '{k}' "
                    f"{starts}), with no sampler between them: the passes work one clip's frames in chunks, the same "
                    "way; Studio runs no loops: what it makes of those nodes is made once, over the clip as its Load "
                    "Video reads it (one pass, one video, where ComfyUI makes a pass's frames at a time)"
                    + pass_words(wf, end, body, side))
    return ""
