"""A loop whose passes continue one take from a LATENT (not from frames a decoder gives): the value a pass gives the
next one (Easy-Use's forLoopEnd 'initial_valueN', read as the start's 'valueN'; kijai's NativeLooping TensorLoopClose
'processed', read as TensorLoopOpen's 'previous_value', as that pack documents it) is a latent that reaches the next
pass's sampler (ckinpdx's LTX23_LatentLooping files: the last latent frames picked by LTXVSelectLatents, kept by
LTXVAudioVideoMask's window, sampled on). Studio's 'continue_from' continues a take from frames, so such a loop is not
unrolled into segments; this file words why in one true sentence naming the loop's carried value, the node reading it
and the sampler it reaches (packs/loops_unrolled.py asks). Told by declared (or the UI file's) types. Plain data and
stdlib."""
from __future__ import annotations

from .. import catalogue
from ..reading.workflow import CNode, Workflow
from ..tracing.mask_window import TEMPORAL
from ..tracing.roles import consumers, role
from ..tracing.roles import out_types as _outs

FLOW = "FLOW_CONTROL"
INITIAL, VALUE = "initial_value", "value"
NUMBERS = ("INT", "FLOAT", "STRING", "BOOLEAN")


def _name(n: CNode) -> str:
    """A node in these words, by its id without '#' (as the loop's own sentence names its start and end: whether each
    is converted, passed or listed as not converted is said in its own sentence)."""
    return f"'{n.title or n.shown_cls}' ({n.shown_cls}, node {n.id})"


def _in_type(n: CNode, name: str) -> str:
    t = catalogue.node_type(n.shown_cls)
    i = t.input(name) if t is not None and t.inputs is not None else None
    return i.type if i is not None else n.in_types.get(name, "")


def _out_type(n: CNode, slot: int) -> str:
    if 0 <= slot < len(n.out_types) and n.out_types[slot]:
        return n.out_types[slot]
    t = catalogue.node_type(n.shown_cls)
    outs = t.outputs if t is not None and t.outputs else ()
    return outs[slot].type if 0 <= slot < len(outs) else ""


def _out_name(n: CNode, slot: int) -> str:
    return n.out_names[slot] if 0 <= slot < len(n.out_names) and n.out_names[slot] else f"output {slot}"


def out_of(wf: Workflow, n: CNode, slot: int) -> str:
    """The type of ``n``'s output ``slot`` where the catalogue or file does not say: its one output type as roles
    tells it (by its links), else ''."""
    outs = _outs(wf, n)
    return next(iter(outs)) if len(outs) == 1 else ""


def collected(end: CNode, ids: set[str]) -> list[tuple[str, tuple[str, int]]]:
    """The end's inputs a pass gives it from the body that are neither its flow nor a number nor an 'initial_value'
    (TensorLoopClose's 'processed': what it collects, and the start gives the next pass)."""
    return [(k, s) for k, s in end.links.items() if s[0] in ids and not k.startswith(INITIAL)
            and _in_type(end, k) not in (FLOW, *NUMBERS)]


def _path(wf: Workflow, first: CNode, ids: dict[str, CNode], samplers: set[str]) -> list[CNode] | None:
    """The body's nodes from ``first`` to a sampler, following what reads what, a reader of a first output (the
    picture's latent) tried first (``first`` to the sampler)."""
    users = consumers(wf)
    parent: dict[str, str | None] = {}
    todo: list[tuple[str, str | None]] = [(first.id, None)]
    while todo:
        nid, par = todo.pop()
        if nid in parent:
            continue
        parent[nid] = par
        if nid in samplers:
            way = []
            while nid is not None:
                way.append(ids[nid])
                nid = parent[nid]
            return way[::-1]
        nxt = sorted(((m, k) for m, k in users.get(nid, ()) if m.id in ids and m.id not in parent),
                     key=lambda u: u[0].links[u[1]][1])
        todo += [(m.id, nid) for m, _ in reversed(nxt)]
    return None


def latent_words(wf: Workflow, start: CNode, end: CNode, body: list[CNode], carried: dict, named=None) -> str:
    """Why the loop is not one take continued where what a pass gives the next is a latent reaching its sampler (one
    clause: what carries it, the node reading it, the way to the sampler); '' where that is not the loop's shape.
    ``named(node, slot)``: the start's output names (by place where the file names none: loops_unrolled's)."""
    named = named or _out_name
    ids = {n.id: n for n in body}
    samplers = {n.id for n in body if role(wf, n) == "sampler"}
    if not samplers:
        return ""
    given = [(f"{INITIAL}{k}", s, f"{VALUE}{k}") for k, s in carried.items()]
    if not given:  # (TensorLoopClose: 'processed', given back on the start's value output that is not a number)
        outs = sorted({slot for m in body for s, slot in m.links.values() if s == start.id
                       and _out_type(start, slot) not in (FLOW, *NUMBERS)})
        given = [(k, s, named(start, slot)) for k, s in collected(end, set(ids)) for slot in outs[:1]]
    for k, (src, slot), out in given:
        made = ids.get(src)
        if made is None or (_out_type(made, slot) or out_of(wf, made, slot)) != "LATENT":
            continue
        readers = [m for m in body for s, sl in m.links.values() if s == start.id and named(start, sl) == out]
        for r in readers:
            way = _path(wf, r, ids, samplers)
            if way is None:
                continue
            steps = ", ".join(_name(n) for n in way[1:-1])
            return (f"each pass is given the latent the pass before makes ({_name(end)}'s '{k}', from {_name(made)}, "
                    f"which {_name(start)} gives on its output '{out}' to {_name(r)}) and samples on from it"
                    + (f" (through {steps} to {_name(way[-1])})" if steps else f" (it feeds {_name(way[-1])})")
                    + ": Studio's 'continue_from' continues a take from frames a decoder gives, not from a latent, so "
                    "the passes are not made as one continued take" + by_hand(wf, way))
    return ""


def by_hand(wf: Workflow, way: list[CNode]) -> str:
    """How to make the passes by hand where a mask window on the way says what each keeps and makes (a start after
    0, an end after it, a rate: KJNodes' LTXVAudioVideoMask's settings, as read or worked out): '' otherwise."""
    with wf.values_aside():  # (values worked out only for these words: their nodes keep their own sentences)
        return _by_hand(wf, way)


def _by_hand(wf: Workflow, way: list[CNode]) -> str:
    for n in way:
        start, end, fps = (wf.value(n, k) for k in ("video_start_time", "video_end_time", "video_fps"))
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (start, end, fps)):
            continue
        if not 0 < start < end or fps <= 0:
            continue
        latent = (int(round(end * fps)) - 1) // TEMPORAL + 1
        after = way[way.index(n) + 1:]
        pictures = [m for m in after if any(_in_type(m, k).split(",")[0] == "IMAGE" or k.startswith(
            ("image", "num_images.image")) and _in_type(m, k) not in NUMBERS for k in m.links)]
        own = (f"; each pass's own pictures, which {', '.join(_name(m) for m in pictures)} put"
               f"{'s' if len(pictures) == 1 else ''} in its latent, are not in that way: 'continue_from' gives a "
               "take its first frames, and a first image beside it is refused") if pictures else ""
        return (f"; by hand: a generator for each pass, given the video of the take before it (the first pass: the "
                f"take the loop starts from) on 'continue_from' with 'continue_seconds' {start:g} (what {_name(n)} "
                f"keeps) and 'frames' {(latent - 1) * TEMPORAL + 1} ({end:g} s at {fps:g} fps), the takes joined by "
                f"Concatenate (what the workflow trims of them where they meet not cut){own}")
    return ""
