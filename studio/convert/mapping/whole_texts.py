"""A text Studio does not take that reaches a text encoder, said whole (issue 112, heldout36 05: a project's two prompt
lines given to a pack's looper Studio cannot convert were said cut after 160 characters, the second line named
nowhere). A node passed over whose text settings go, through text-only links, to a node that encodes text by its
declared types (a text encoder's model in: CLIP, a pack's text encoder; or conditioning, a pack's prompt embeddings
out) has those texts said whole, line by line, whatever its name: a schedule, a list, lines a node splits are each
named. Told by types (the catalogue's, else the UI file's), never by a node's name. Plain data and stdlib."""
from __future__ import annotations

from typing import Any

from .. import catalogue
from ..reading.workflow import CNode, Workflow
from ..tracing.roles import in_type, out_types

MAX_WAY = 8  # text-only nodes followed from the text to its encoder
TEXT_TYPES = frozenset({"STRING", "*", ""})  # what a text goes on as (a pack's any-typed socket, an API file's unsaid)
ENCODER_INPUTS = ("CLIP", "TEXT_ENCODER", "TEXTENCODER", "T5")  # a text encoder's model, in a type's name
ENCODED = ("CONDITIONING", "TEXTEMBEDS", "HYVIDEMBEDS")  # an encoded prompt, ComfyUI's or a video pack's own
SHORT = 160  # a text this long on one line is said as it is anyway (passing.SETTINGS_CHARS)


def _outs(wf: Workflow, n: CNode) -> set[str]:
    t = catalogue.node_type(n.shown_cls)
    if t is not None and t.outputs:
        return set(t.output_types)
    return out_types(wf, n)


def encodes_text(wf: Workflow, n: CNode) -> str:
    """How ``n`` encodes a text, by its declared types, in words ("takes a text encoder ('clip', CLIP)", "gives
    conditioning"); '' where it does not (takes no text encoder's model, gives no encoded prompt)."""
    t = catalogue.node_type(n.shown_cls)
    declared = {i.name: i.type for i in t.sockets} if t is not None and t.inputs else {}
    own = bool(n.origin and declared)  # a pack node read as another type: its own declared inputs, never the made
    # node's (rejudge6: a WanVideoTextEncode read as CLIPTextEncode was said to take ('clip', CLIP); it takes 't5')
    for k in list(declared) if own else list(n.links) + [k for k in {**declared, **n.in_types} if k not in n.links]:
        kind = declared[k] if own else n.in_types.get(k) or in_type(n, k) or declared.get(k, "")
        if isinstance(kind, str) and any(x == "CLIP" or any(e in x for e in ENCODER_INPUTS[1:])
                                         for x in kind.upper().split(",")):  # (CLIP itself: not a CLIP vision's embeds)
            return f"takes a text encoder ('{k}', {kind})"
    outs = {x for o in _outs(wf, n) for x in str(o).split(",")}
    made = next((x for x in ENCODED if x in outs), None)
    return f"gives an encoded prompt ({made})" if made else ""


def encoder_reached(wf: Workflow, n: CNode) -> CNode | None:
    """The text encoder ``n``'s outputs reach through text-only links (within MAX_WAY nodes), one ComfyUI runs first
    (a bypassed or muted encoder met earlier encodes nothing: rejudge6, heldout40 15's '+' #12 named, not the wrapper's
    encoder that runs), a bypassed one only where none runs; else None."""
    readers: dict[str, list[tuple[CNode, str]]] = {}
    for m in wf.nodes.values():  # (and the links a node read as another type let go: still run, CNode.let_go)
        for k, (src, _) in {**m.let_go, **m.links}.items():
            readers.setdefault(src, []).append((m, k))
    todo, seen, idle = [n], {n.id}, None
    while todo and len(seen) <= MAX_WAY:
        x = todo.pop(0)
        for m, k in readers.get(x.id, ()):
            kind = in_type(m, k)
            if kind not in TEXT_TYPES or m.id in seen or not kind and x is not n:  # (an input of a type not known:
                continue  # only where the text is given straight, never past a step)
            if encodes_text(wf, m):
                if m.enabled:
                    return m
                idle = idle or m  # (not followed on: an encoder gives no text)
                continue
            seen.add(m.id)
            if _outs(wf, m) == {"STRING"}:  # a text step (joined, split, picked): followed
                todo.append(m)
    return idle


def texts(n: CNode) -> dict[str, str]:
    """``n``'s own text settings (declared STRING, else a saved text with a space in it) that a cut would shorten: on
    more than one line or longer than SHORT."""
    t = catalogue.node_type(n.shown_cls)
    out = {}
    for k, v in n.settings().items():
        if not isinstance(v, str) or k in n.links:
            continue
        declared = t.input(k) if t is not None and t.inputs else None
        kind = declared.type if declared is not None else n.in_types.get(k, "")
        if kind not in ("STRING", "") or not kind and (" " not in v.strip() or v.lstrip()[:1] in "[{"):
            continue  # (a type not declared: a text of words, never a JSON list or object: a spline's points)
        if len(_lines(v)) > 1 or len(v) > SHORT:
            out[k] = v
    return out


def _lines(v: str) -> list[str]:
    return [x.strip() for x in v.splitlines() if x.strip()]


def whole(v: Any, lead: str = "") -> str:
    """A text said whole: quoted, and each line numbered where it has more than one (after ``lead``: 'a text of ')."""
    lines = _lines(str(v))
    if len(lines) <= 1:
        return repr(str(v))  # (as saved, its spaces too)
    return f"{lead}{len(lines)} lines: " + "; ".join(f"({i}) {x!r}" for i, x in enumerate(lines, 1))


def said_whole(wf: Workflow, n: CNode) -> tuple[dict[str, str], str]:
    """(the texts of ``n`` said whole, their words: "; its 'k' whole (its links lead on to 'T' (T, node id), which takes
    a text encoder ...): ...") where its outputs' links lead on to a text encoder; ({}, '') where none does. (Its links
    lead on: the text may be the words a prompt writer is given, not the prompt itself.)"""
    own = texts(n)
    enc = encoder_reached(wf, n) if own else None
    if enc is None:
        return {}, ""
    to = f"'{enc.title or enc.shown_cls}' ({enc.shown_cls}, node {enc.id}), which {encodes_text(wf, enc)}"  # (by
    # 'node id': it may be one listed not converted, never named with '#' then)
    return own, "".join(f"; its '{k}' whole (its links lead on to {to}): "
                        f"{whole(v)}" for k, v in own.items())
