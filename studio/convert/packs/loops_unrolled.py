"""A loop of the graph (a pack's loop start and end, linked by a FLOW_CONTROL socket: Easy-Use's forLoopStart /
forLoopEnd, an LTX pack's own; told by their declared types) whose passes continue one take: each pass samples and
decodes a segment, and frames of the passes before (a value the loop carries from its end back to its start) feed
the next pass's generation. Read as the hand-unrolled chain it stands for, in place: its body (the nodes between the
start and the end) copied once a pass (the first pass keeps the nodes' ids, pass k's copies are 'ID@k'), the start's
values given by the pass before (the first pass: the start's own initial values), its 'index' a constant per pass,
and what read the end's values reading the last pass's. A join of the carried frames with the new ones whose carried
side is empty on the first pass (nothing given the start) gives the new frames alone (as Easy-Use's batch does).
The builder then reads the segments as any chain of takes extended from the one before (takes.segments /
takes.extend). A loop whose passes cannot be counted when converting (a while loop, a count made at run time, more
than MAX_PASSES), or whose body continues nothing (passes made independently, a loop around no sampler), is left
as it is, said in one sentence naming its start and end (takes.graph_loops and mapping.loops say what of it is
made). Linear in the body's size times its passes. Plain data and stdlib."""
from __future__ import annotations

from dataclasses import replace

from .. import catalogue
from ..reading.workflow import CNode, Workflow
from ..tracing.roles import consumers, role
from . import loops_collected
from .loops_latent import collected, latent_words
from .loops_chunks import chunk_words
from .loops_words import pass_words

FLOW = "FLOW_CONTROL"
MAX_PASSES = 16  # segments a loop is unrolled into at most (takes.segments joins up to 16 takes)
VALUE, INITIAL = "value", "initial_value"
NUMBERS = ("INT", "FLOAT", "STRING", "BOOLEAN")
COUNTS = ("total", "iterations", "count", "loops", "times")  # the setting a loop's start counts its passes by
ITERATION = "iteration"  # a start's pass number counted from 1 (loops_collected.py names it so)


def _declared_in(n: CNode, name: str) -> str:
    t = catalogue.node_type(n.shown_cls)
    i = t.input(name) if t is not None and t.inputs is not None else None
    return i.type if i is not None else n.in_types.get(name, "")


def _out_name(n: CNode, slot: int, first_value: int) -> str:
    """The name of ``n``'s output ``slot``: as its UI file lists it, else by place (Easy-Use's start gives flow,
    index, value1...; its end value1...)."""
    if slot < len(n.out_names) and n.out_names[slot]:
        return n.out_names[slot]
    if first_value and slot < first_value:
        return ("flow", "index")[slot] if slot < 2 else ""
    return f"{VALUE}{slot - first_value + 1}"


def _loops(wf: Workflow) -> list[tuple[CNode, CNode]]:
    """(start, end) of each loop: an enabled end whose FLOW_CONTROL input an enabled start feeds."""
    out = []
    for end in wf.nodes.values():
        if not end.enabled:
            continue
        for k, (src, _) in end.links.items():
            start = wf.nodes.get(src)
            if start is not None and start.enabled and _declared_in(end, k) == FLOW:
                out.append((start, end))
                break
    return out


def _reach(wf: Workflow, start: CNode, end: CNode) -> tuple[list[CNode], list[CNode]]:
    """(the loop's body: the nodes the start's outputs reach that reach the end; what a pass shows or writes beside
    it: the nodes the start's outputs reach that reach neither the end nor come after it), in the workflow's order."""
    users = consumers(wf)
    down, todo = {start.id}, [start.id]
    while todo:
        for m, _ in users.get(todo.pop(), ()):
            if m.id not in down and m.id != end.id:
                down.add(m.id)
                todo.append(m.id)
    up, todo = {end.id}, [end.id]
    while todo:
        n = wf.nodes.get(todo.pop())
        for src, _ in (n.links.values() if n is not None else ()):
            if src not in up and src != start.id and src in wf.nodes:
                up.add(src)
                todo.append(src)
    later, todo = {end.id}, [end.id]
    while todo:
        for m, _ in users.get(todo.pop(), ()):
            if m.id not in later:
                later.add(m.id)
                todo.append(m.id)
    body = [n for n in wf.nodes.values() if n.id in down and n.id in up and n.id != start.id]
    side = [n for n in wf.nodes.values() if n.id in down and n.id not in up and n.id not in later and n.id != start.id]
    return body, side


def _carried(wf: Workflow, start: CNode, end: CNode, body: list[CNode]) -> dict[str, tuple[str, int]]:
    """value name -> what the end is given for the next pass (from the body)."""
    ids = {n.id for n in body}
    return {k[len(INITIAL):]: s for k, s in end.links.items() if k.startswith(INITIAL) and s[0] in ids}


def _why_not(wf: Workflow, start: CNode, end: CNode, body: list[CNode], carried: dict) -> str:
    """Why the loop's passes are not one take continued ('' where they are): a value carried from pass to pass is
    made from a decoded take of the body and read, on the next pass, by a node on the way to the body's sampler."""
    if not body:
        return "no node between them reads what its start gives (nothing is repeated)"
    ids = {n.id: n for n in body}
    samplers = [n for n in body if role(wf, n) == "sampler"]
    decoders = {n.id for n in body if role(wf, n) == "decoder"}
    if not samplers:
        return "no sampler is between them (its passes make no segment of a take)"
    if not carried:  # (a latent given back on another input, TensorLoopClose's 'processed': loops_latent.py)
        got = collected(end, set(ids))
        return latent_words(wf, start, end, body, carried, _named_out) or (
            f"what a pass gives {_name(end)}'s '{got[0][0]}' is collected by it, not given back on an 'initial_value' "
            "input Studio reads pass to pass" if got else
            "no value its end is given for the next pass (an 'initial_value' input) is made between them")
    feeds_sampler: set[str] = set()  # body nodes upstream of a body sampler
    todo = [s.id for s in samplers]
    while todo:
        n = ids.get(todo.pop())
        for src, _ in (n.links.values() if n is not None else ()):
            if src in ids and src not in feeds_sampler:
                feeds_sampler.add(src)
                todo.append(src)
    for name, (src, _) in carried.items():
        made = {src}
        todo = [src]
        while todo:  # what the carried value is made from, inside the body
            n = ids.get(todo.pop())
            for s, _ in (n.links.values() if n is not None else ()):
                if s in ids and s not in made:
                    made.add(s)
                    todo.append(s)
        if not made & decoders:
            continue
        readers = [m for m in body for k, (s, slot) in m.links.items()
                   if s == start.id and _out_name(start, slot, 2) == f"{VALUE}{name}"]
        if any(m.id in feeds_sampler or m in samplers for m in readers):
            return ""
    return latent_words(wf, start, end, body, carried, _named_out) or \
        "no frames decoded in a pass feed the next pass's sampling"  # (what it carries may be a take's latent or
    # its frames for a join: never said to be no take's frames, heldout18 04)


def _is_join(n: CNode) -> bool:
    t = catalogue.node_type(n.shown_cls)
    words = f"{n.shown_cls} {t.category if t is not None else ''}".lower()
    return "batch" in words or "concat" in words


def _given(start: CNode, end_links: dict, what: str, p: int, ids: set, prev: dict | None):
    """What a pass's node reading the start's ``what`` (a 'valueN') is given: the start's initial value on the first
    pass, else what the end was given on the pass before (its copy); None where nothing is."""
    name = INITIAL + what[len(VALUE):]
    given = start.links.get(name) if p == 0 else end_links.get(name)
    if given is not None and prev is not None and given[0] in ids:
        given = (prev[given[0]], given[1])
    return given


def _copy_pass(wf: Workflow, start: CNode, end_links: dict, body: list[CNode], given_links: dict, p: int,
               prev: dict | None) -> tuple[dict[str, str], list[str]]:
    """Pass ``p``'s copies of the body (the first pass: the body's own nodes, rewired), its index a number; (body id
    -> the pass's id, the joins of nothing carried and the new frames)."""
    ids = {n.id for n in body}
    names = {n.id: (n.id if p == 0 else f"{n.id}@{p + 1}") for n in body}
    index = CNode(f"{start.id}@index{p + 1}", "PrimitiveInt", f"{start.title or start.shown_cls} index",
                  start.mode, {"value": p}, {}, start.pos, origin=start.shown_cls)
    wf.nodes[index.id] = index
    wf.taken.add(index.id)
    counted = replace(index, id=f"{start.id}@iteration{p + 1}", title=f"{start.title or start.shown_cls} iteration",
                      widgets={"value": p + 1})  # (an index from 1: loops_collected.py's reading of a start)
    alone = []
    for n in body:
        links: dict[str, tuple[str, int]] = {}
        emptied = []
        for k, (src, slot) in given_links[n.id].items():
            what = _out_name(start, slot, 2) if src == start.id else ""
            if src in ids:
                links[k] = (names[src], slot)
            elif src != start.id:
                links[k] = (src, slot)
            elif what == "index":
                links[k] = (index.id, 0)
            elif what == ITERATION:
                wf.nodes[counted.id] = counted
                wf.taken.add(counted.id)
                links[k] = (counted.id, 0)
            elif what.startswith(VALUE) and (given := _given(start, end_links, what, p, ids, prev)) is not None:
                links[k] = given
            elif what.startswith(VALUE):
                emptied.append(k)
        copy = n if p == 0 else replace(  # (nothing mutable shared: a translation may change a copy's own)
            n, id=names[n.id], widgets=dict(n.widgets), links={}, ports=dict(n.ports), in_types=dict(n.in_types),
            out_types=list(n.out_types), out_names=list(n.out_names), raw=list(n.raw) if isinstance(n.raw, list)
            else dict(n.raw) if isinstance(n.raw, dict) else n.raw)
        copy.links = links
        wf.nodes[copy.id] = copy
        wired = [k for k in given_links[n.id] if k not in emptied and _declared_in(n, k) not in NUMBERS]
        if emptied and len(wired) == 1 and _is_join(n):  # nothing to join to yet: its new frames alone
            alone.append(copy.id)
    return names, alone


def _read_away(wf: Workflow, alone: list[str]) -> list[str]:
    """The joins of nothing and the new frames removed, their readers reading the new frames; named."""
    redirect, joins = {}, []
    for old in alone:
        j = wf.nodes.pop(old)
        redirect[old] = next(s for k, s in j.links.items() if _declared_in(j, k) not in NUMBERS)
        joins.append(_name(j))
    if redirect:
        for m in wf.nodes.values():
            for k, s in list(m.links.items()):
                if s[0] in redirect:
                    m.links[k] = redirect[s[0]]
    return joins


def _cut_tail(wf: Workflow, tail: set[str]) -> list[str]:
    """The last pass's body nodes read by nothing (what it gives the loop for a pass after it) removed; named."""
    unread = []
    read = {src for m in wf.nodes.values() for src, _ in m.links.values()}
    todo = [c for c in tail if c in wf.nodes and c not in read]
    while todo:
        n = wf.nodes.pop(todo.pop())
        unread.append(_name(n))
        for src, _ in n.links.values():
            if src in tail and src in wf.nodes and not any(
                    s == src for m in wf.nodes.values() for s, _ in m.links.values()):
                todo.append(src)
    return unread


def _unroll(wf: Workflow, start: CNode, end: CNode, body: list[CNode], side: list[CNode],
            passes: int) -> tuple[list[str], list[str]]:
    """The body copied ``passes`` times, rewired pass to pass; the start and end removed. Returns (the joins read
    as giving their new frames alone on the first pass, the last pass's nodes read by nothing, removed), named.
    ``side``: what a pass shows or writes beside the body, copied with it (a pass's own save writes each pass)."""
    core = {n.id for n in body}
    body = body + side
    ids = {n.id for n in body}
    users = consumers(wf)
    after = [(m, k) for m, k in users.get(end.id, ())] + [(m, k) for b in body for m, k in users.get(b.id, ())
                                                           if m.id not in ids and m.id != end.id]
    given_links = {n.id: dict(n.links) for n in body}  # (the first pass rewires the body's own nodes)
    end_links = dict(end.links)
    made: list[dict[str, str]] = []  # per pass: body id -> copy id
    alone: list[str] = []
    for p in range(passes):
        names, joins = _copy_pass(wf, start, end_links, body, given_links, p, made[-1] if made else None)
        made.append(names)
        alone += joins
    last = made[-1]
    for m, k in after:  # what read the end's values (or a body node) reads the last pass's
        src, slot = m.links[k]
        if src == end.id:
            given = end_links.get(INITIAL + _out_name(end, slot, 0)[len(VALUE):])
            if given is None:
                del m.links[k]
                continue
            src, slot = given
        m.links[k] = (last.get(src, src), slot)
    joins = _read_away(wf, alone)
    del wf.nodes[start.id], wf.nodes[end.id]
    unread = _cut_tail(wf, {c for o, c in last.items() if o in core})  # (what a pass shows or writes: an output)
    copied = {c for names in made for c in names.values()} | {f"{start.id}@{what}{p + 1}" for p in range(passes)
                                                               for what in ("index", ITERATION)}
    wf.fed |= {src for m in wf.nodes.values() for src, _ in m.links.values()} & copied  # (read, as the file wires them)
    wf.__dict__.pop("_consumers", None)
    return joins, unread


_name = CNode.named  # the node in a sentence


def _named_out(n: CNode, slot: int) -> str:
    return _out_name(n, slot, 2)


def _unrolled(start: CNode, end: CNode, total: int, side: list[CNode], alone: list[str], unread: list[str]) -> str:
    """The sentence of a loop read as its segments."""
    copied = (f"the nodes between them copied once a pass, 'ID@2' onwards" if total > 1 else
              "the nodes between them made once") + (f", with what each pass shows or writes beside them "
                                                      f"({', '.join(_name(n) for n in side)})" if side else "")
    how = ", each continuing the take from frames of the one before" if total > 1 else ""
    line = (f"the loop from {_name(start)} to {_name(end)} runs {_passes(total)}{how}: read as {total} "
            f"segment{'s' if total != 1 else ''} ({copied}; the loop's index given each pass as a number)")
    if alone:
        line += (f"; {', '.join(alone)} join{'s' if len(alone) == 1 else ''} the frames carried with the new ones: on "
                 f"the first pass nothing is carried, so {'it gives' if len(alone) == 1 else 'each gives'} the new "
                 "frames alone (not made as a node)")
    if unread:
        line += (f"; what the last pass gives the loop for a pass after it ({', '.join(unread)}) is read by nothing: "
                 "not made")
    return line


def _passes(k: int) -> str:
    return f"{k} pass{'es' if k != 1 else ''}"


def _named(n: CNode) -> str:
    return f"'{n.title or n.shown_cls}' ({n.shown_cls}, node {n.id})"


def translate(wf: Workflow) -> list[str]:
    """Each loop whose passes continue one take unrolled into its segments; one sentence for each loop."""
    said = []
    loops = _loops(wf)
    marks = {n.id for pair in loops for n in pair}  # every loop's start and end
    for start, end in loops:
        if start.id not in wf.nodes or end.id not in wf.nodes:
            continue
        loop = f"the loop from {_named(start)} to {_named(end)}"  # (each node's own sentence: mapping.loops)
        count = next((k for k in [*start.links, *start.widgets] if k.rsplit(".", 1)[-1] in COUNTS), None)
        total = wf.value(start, count) if count else None
        body, side = _reach(wf, start, end)
        if count is None:
            said.append(f"{loop} repeats " + ("until its condition says so when the workflow runs" if any(
                "condition" in k for k in [*start.links, *start.widgets, *end.links, *end.widgets]) else
                "as many times as the workflow decides when it runs") + ": Studio cannot count its passes when "
                "converting, so it is not unrolled into segments" + pass_words(wf, end, body, side))
            continue
        if not isinstance(total, int) or isinstance(total, bool) or not 1 <= total <= MAX_PASSES:
            why = (f"its '{count}' is a value Studio cannot work out when converting" if not isinstance(total, int) or
                   isinstance(total, bool) else f"its {total} passes are more than Studio joins ({MAX_PASSES})"
                   if total > MAX_PASSES else f"its '{count}' is {total}")
            said.append(f"{loop} is not unrolled into segments: {why}" + pass_words(wf, end, body, side))
            continue
        if any(n.id in marks for n in body):
            said.append(f"{loop} holds another loop: not unrolled into segments" + pass_words(wf, end, body, side))
            continue
        got = loops_collected.shape(wf, start, end, body + side)  # an end collecting each pass's frames
        if isinstance(got, str):
            said.append(f"{loop} runs {_passes(total)}, not unrolled into segments: {got}" + pass_words(wf, end, body, side))
            continue
        kept = loops_collected.apply(wf, got) if got is not None else None
        if kept is not None:
            start, end = got["start"], got["end"]
            body, side = _reach(wf, start, end)
        why = _why_not(wf, start, end, body, _carried(wf, start, end, body))
        if why and kept is not None:  # (said of the loop as the file has it)
            loops_collected.undo(wf, *kept)
            start, end = kept[0], kept[1]
            body, side = _reach(wf, start, end)
            why = _why_not(wf, start, end, body, _carried(wf, start, end, body))
        chunks = chunk_words(wf, start, end, body, side, total) if why and not any(
            role(wf, n) == "sampler" for n in body) else ""
        if chunks:  # the passes work a clip's frames in chunks: the whole clip once (packs/loops_chunks.py)
            said.append(f"{loop} runs {_passes(total)}, {chunks}")  # (its start and end: their own sentences)
            continue
        if why:
            said.append(f"{loop} runs {_passes(total)}, not unrolled into segments: {why}" + (
                "" if "samples on from it" in why else pass_words(wf, end, body, side)))  # (a latent carried: its
            continue  # way to the sampler already said, loops_latent.py)
        join = kept[2] if kept is not None else None
        alone, unread = _unroll(wf, start, end, body, side, total)
        alone = [a for a in alone if join is None or a != _name(join)]  # (the join added: its words below)
        line = _unrolled(start, end, total, side, alone, unread)
        said.append(line + (f"; {got['words']}" if kept is not None else ""))
    return said
