"""A loop whose end collects what each pass makes rather than being given values back (kijai's NativeLooping
TensorForLoopOpen / TensorForLoopClose; told by declared types: the end's one input fed by the loop's body that is
neither its FLOW_CONTROL nor a number, the start's one output that is neither): ComfyUI gives the next pass, on the
start's value output, what the end collected on the pass before (the first pass: the start's own value input), and
the end gives, where it accumulates, every pass's value joined in order (else the last pass's). As that pack documents
its nodes (facts read from its nodes.py: 'previous_value' the last pass's 'processed' or 'initial_value' on the first,
'current_iteration' 1-based, 'accumulated_count' the items collected so far, 'accumulate' joining every pass).

Read as the loop of carried values packs/loops_unrolled.py unrolls: the start's value output is its 'value1' (given
its own value input on the first pass, the end's collected value after), and where the end accumulates pictures, a
join of the frames collected so far with the pass's new ones is its 'value2' (nothing on the first pass: the new frames
alone), the end giving that join. Only where the loop's value is pictures (frames a join of pictures takes); the
start's counts read by their names where the declaration cannot say what they count (an index from 0 or 1, a count
of frames made when the workflow runs). Plain data and stdlib."""
from __future__ import annotations

from dataclasses import replace

from .. import catalogue
from ..reading.workflow import CNode, Workflow
from .loops_latent import collected, out_of

FLOW = "FLOW_CONTROL"
NUMBERS = ("INT", "FLOAT", "STRING", "BOOLEAN")
# the start's count outputs whose meaning its declaration (an INT) cannot say, by name (NativeLooping's):
INDEX_FROM_0, INDEX_FROM_1 = ("index",), ("current_iteration", "iteration")
JOIN = "ImageBatch"  # ComfyUI's join of two batches of pictures (takes.segments reads its chain as joined takes)


def _ins(n: CNode) -> list[tuple[str, str]]:
    t = catalogue.node_type(n.shown_cls)
    if t is not None and t.inputs:
        return [(i.name, i.type) for i in t.inputs]
    return list(n.in_types.items())


def _outs(n: CNode) -> list[tuple[str, str]]:
    """(name, type) of each output: the file's where it names them, else the catalogue's."""
    t = catalogue.node_type(n.shown_cls)
    declared = [(o.name or "", o.type) for o in (t.outputs or ())] if t is not None else []
    count = max(len(declared), len(n.out_types), len(n.out_names))
    got = []
    for s in range(count):
        name = n.out_names[s] if s < len(n.out_names) and n.out_names[s] else declared[s][0] if s < len(declared) else ""
        kind = n.out_types[s] if s < len(n.out_types) and n.out_types[s] else declared[s][1] if s < len(declared) else ""
        got.append((name, kind))
    return got


def _bool(wf: Workflow, n: CNode, name: str):
    v = wf.value(n, name)
    if isinstance(v, str) and v.lower() in ("true", "false"):
        return v.lower() == "true"
    return v if isinstance(v, bool) else None


def _name(n: CNode) -> str:
    return f"'{n.title or n.shown_cls}' ({n.shown_cls}, node {n.id})"


def shape(wf: Workflow, start: CNode, end: CNode, body: list[CNode]) -> dict | str | None:
    """The loop read as one of carried values: {'start', 'end', 'join', 'words'} (the start and end rewritten,
    the join added to the body where the end accumulates); a clause saying why not where it is of this shape but
    cannot be read; None where it is not of this shape (an end given values back on 'initial_value' inputs)."""
    ids = {n.id for n in body}
    if any(k.startswith("initial_value") for k in end.links):
        return None
    got = collected(end, ids)
    outs = _outs(start)
    values = [s for s, (_, kind) in enumerate(outs) if kind and kind != FLOW and kind not in NUMBERS]
    if len(got) != 1 or len(values) != 1:
        return None
    k, src = got[0]
    value = values[0]
    made = wf.nodes.get(src[0])
    kind = ""
    if made is not None:  # (as the file or the catalogue says, else as its readers take it)
        outs_made = _outs(made)
        kind = outs_made[src[1]][1] if src[1] < len(outs_made) and outs_made[src[1]][1] else out_of(wf, made, src[1])
    if kind != "IMAGE":
        return None  # (a latent given back: loops_latent words it)
    read = {slot for m in body for s, slot in m.links.values() if s == start.id}
    names = {}
    for s in sorted(read):
        name = outs[s][0] if s < len(outs) else ""
        if s == value or (s < len(outs) and outs[s][1] == FLOW):
            continue
        if name in INDEX_FROM_0:
            names[s] = "index"
        elif name in INDEX_FROM_1:
            names[s] = "iteration"
        else:
            return (f"a pass reads {_name(start)}'s '{name or f'output {s}'}', a count ComfyUI makes as the loop runs "
                    "(not a pass's number Studio can give it when converting)")
    initial = next((n for n, t in _ins(start) if t not in NUMBERS and t != FLOW and n in start.links), None)
    flag = next((n for n, t in _ins(end) if t == "BOOLEAN" and "accumul" in n), None)
    joined = _bool(wf, end, flag) if flag else None
    if joined is None:
        return (f"what {_name(end)} gives of the passes' '{k}' (each pass's, joined, or the last one's) is not known "
                "when converting")
    return _rewritten(start, end, outs, names, value, initial, (k, src, kind), (joined, flag))


def _rewritten(start: CNode, end: CNode, outs: list, names: dict, value: int, initial: str | None, given: tuple,
               how: tuple) -> dict:
    """The start and end rewritten as a loop of carried values (``given``: the end's collecting input, what feeds it,
    its type; ``how``: whether the end joins every pass, and the setting saying so), the join, the words."""
    (k, src, kind), (joined, flag) = given, how
    extra = max(len(outs), 1)
    out_names = [("flow" if kind == FLOW else names.get(s, "value1" if s == value else f"{name or s}~"))
                 for s, (name, kind) in enumerate(outs)] + ["value2"]
    start2 = replace(start, out_names=out_names, out_types=[kind for _, kind in outs] + ["IMAGE"],
                     links={**{n: v for n, v in start.links.items() if n != initial},
                            **({"initial_value1": start.links[initial]} if initial else {})})
    join = None
    end_links = {n: v for n, v in end.links.items() if n != k}
    end_links["initial_value1"] = src
    if joined:
        join = CNode(f"{end.id}@join", JOIN, f"{end.title or end.shown_cls}: frames joined", end.mode, {},
                     {"image1": (start.id, extra), "image2": src}, end.pos, in_types={"image1": "IMAGE",
                                                                                       "image2": "IMAGE"},
                     out_types=["IMAGE"], out_names=["IMAGE"], ports={"image1": (end, k), "image2": (end, k)})
        end_links["initial_value2"] = (join.id, 0)
    end2 = replace(end, links=end_links, out_names=["value2" if joined else "value1"],
                   in_types={**end.in_types, **{n: kind for n in end_links if n.startswith("initial_value")}})
    words = (f"{_name(start)} gives each pass what {_name(end)} collected on its '{k}' the pass before (the first pass: "
             f"what {_name(start)} is given on '{initial}'), and {_name(end)} gives "
             + ("every pass's frames joined in order" if joined else "the last pass's frames")
             + f" (its '{flag}' {'on' if joined else 'off'})") if initial else (
        f"{_name(start)} gives each pass what {_name(end)} collected on its '{k}' the pass before, and {_name(end)} "
        f"gives " + ("every pass's frames joined in order" if joined else "the last pass's frames"))
    return {"start": start2, "end": end2, "join": join, "words": words}


def apply(wf: Workflow, got: dict) -> tuple[CNode, CNode, CNode | None]:
    """The rewritten start and end in the workflow, the join added; returns the originals and the join (undo)."""
    start, end = wf.nodes[got["start"].id], wf.nodes[got["end"].id]
    wf.nodes[start.id], wf.nodes[end.id] = got["start"], got["end"]
    if got["join"] is not None:
        wf.nodes[got["join"].id] = got["join"]
    wf.__dict__.pop("_consumers", None)
    return start, end, got["join"]


def undo(wf: Workflow, start: CNode, end: CNode, join: CNode | None) -> None:
    wf.nodes[start.id], wf.nodes[end.id] = start, end
    if join is not None:
        wf.nodes.pop(join.id, None)
    wf.__dict__.pop("_consumers", None)
