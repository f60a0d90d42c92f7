"""The sound an output of several joined takes writes, where ComfyUI joins the takes' own sounds (an AudioConcat of
each take's decoded sound, trimmed or not: heldout17 04's FINAL, shot 1's and shot 2's sounds joined as their
pictures are): Studio's Concatenate joins each clip's sound with its picture and Save Video writes it, so the sound is
kept - said, with the trims on the sounds' way not applied - never "written without it". Told by declared types: a
join taking two or more AUDIO and giving AUDIO, each fed through AUDIO-to-AUDIO steps by a decoder. Plain data and
stdlib."""
from __future__ import annotations

from typing import Any

from ..catalogue import node_type
from ..families import registry as families
from ..reading.workflow import CNode
from ..tracing.roles import role
from .sound import keeps_sound, sound_port

MAX_STEPS = 16


def _audio_inputs(n: CNode) -> list[str]:
    t = node_type(n.origin or n.cls)
    if t is None or not t.inputs or not t.outputs or "AUDIO" not in t.output_types:
        return []
    return [i.name for i in t.sockets if i.type == "AUDIO" and i.name in n.links]


def _joined(wf: Any, join: CNode, depth: int = 0) -> list[tuple[CNode, str]]:
    """The sounds ``join`` joins, in order, each as (the join taking it, its input): a sound that is itself such a
    join's (ComfyUI's AudioConcat takes two: five takes joined two at a time) read as the sounds it joins."""
    out = []
    for k in _audio_inputs(join):
        src = wf.source(join, k)
        inner = _audio_inputs(src) if src is not None and depth < MAX_STEPS else []
        out += _joined(wf, src, depth + 1) if len(inner) >= 2 else [(join, k)]
    return out


def _carries(b: Any, video: tuple[str, str]) -> bool:
    """The clip at ``video`` is a generator's that carries the sound it makes (its family's word: sound.keeps_sound,
    or its node's declared ``carries_sound``: LTX-2 Video + Sound)."""
    node = b.g.nodes.get(video[0])
    hooks = families.generator(node.type_id) if node is not None else None
    return node is not None and (keeps_sound(b, video[0]) or (hooks is not None and bool(
        getattr(node.spec.cls, "carries_sound", False))))


def said_joined(b: Any, save: CNode, made: list, said: list[str]) -> bool:
    """True (said, the join read) where the sound ``save`` writes is ComfyUI's join of the takes' own decoded sounds
    and every take ``made`` (its video, sound, band) is a generator's clip carrying its sound; else False."""
    wf, port = b.wf, sound_port(b.wf, save)
    join = wf.source(*port) if port is not None else None
    ins = _joined(wf, join) if join is not None else []
    if len(ins) < 2 or len(ins) != len(made) or not all(_carries(b, m[0]) for m in made):
        return False
    steps: list[CNode] = []
    decoders: list[str] = []
    for at, k in ins:
        src = wf.source(at, k)
        for _ in range(MAX_STEPS):
            if src is None or role(wf, src) == "decoder":
                break
            up = _audio_inputs(src)
            if len(up) != 1:
                return False
            steps.append(src)
            src = wf.source(src, up[0])
        if src is None or role(wf, src) != "decoder":
            return False
        decoders.append(src.id)
    b.used.update({join.id, *decoders} | {at.id for at, _ in ins})  # (each take's decoded sound: Concatenate's)
    named = CNode.named
    joins = f"{join.said_as}'s own, the takes' own sounds joined" if join.said_as else \
        f"{named(join)} joining the takes' own sounds"  # (a join made for a pack node: the node's own sound)
    said.append(f"the sound {named(save)} writes is {joins}: Studio's Concatenate "
                "joins each take's sound with its picture, and Save Video writes it" +
                (f" (ComfyUI's {', '.join(named(n) for n in steps)} on their way not applied)" if steps else ""))
    return True
