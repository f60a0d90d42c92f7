"""The saves of a control clip drawn from tracks (VideoX-Fun's 'Trajectory Outputs', LTX's tracks saved through
CreateVideo): Studio's Save Video of Track Shapes, at the save's frame rate (the tracks' own), said. Told by declared
types: a save reading the drawer's pictures, directly or through a node making them a video (pictures in, a video
out) that only saves read; also past one picture step between (declared pictures in and out, its other inputs plain
values: blocked18, LTX-2.3's tracks scaled to a multiple of 64 before CreateVideo and the IC-LoRA guide), which Studio
does not apply (its own sentence says so) and the save's sentence names. Functions on the builder ``b``; plain data
and stdlib."""
from __future__ import annotations

import functools

from ..finishing.finish import save_node
from ..reading.workflow import CNode
from .kinds import OUTPUTS
from .track_editors import node_type


def _readers(wf, n: CNode) -> list[CNode]:
    return sorted((r for r in wf.nodes.values() if r.enabled and any(v and v[0] == n.id and v[1] == 0
                                                                       for v in r.links.values())), key=lambda x: x.id)


def _picture_step(r: CNode) -> bool:
    """``r`` is declared one picture in (wired), pictures out, its other wired inputs plain values or settings of a
    declared choice (a resize; a V3 template's type as the file saves it)."""
    t = node_type(r)
    if t is None or t.inputs is None or len(t.output_types) < 1:
        return False
    def typed(declared: str, saved: str | None) -> str:  # (a match-type template an API file saves no type of: the
        return (saved or ("IMAGE" if "MATCHTYPE" in declared else "")) if declared.startswith("COMFY_") else declared
    # drawer's pictures it is given, out as they came in)
    out = typed(t.output_types[0], r.out_types[0] if r.out_types else None)
    kinds = []
    for name in r.links:
        i = t.input(name) or t.input(name.split(".")[0])
        if i is None:
            return False
        kinds.append(typed(i.type, r.in_types.get(name)) if i.name == name else "INT")
    pictures = [k for k in kinds if "IMAGE" in k.split(",")]  # (a V3 template saved 'IMAGE,MASK': pictures go by)
    return out == "IMAGE" and len(pictures) == 1 and all(
        k in pictures or k in ("INT", "FLOAT", "BOOLEAN", "COMBO") for k in kinds)


def _saves_of(wf, drawer: CNode) -> list[tuple[CNode, CNode | None]]:
    """The saves reading the drawer's pictures: directly, or through a node making them a video (declared pictures in,
    a video out: CreateVideo) that only saves read; (the save, that node or None)."""
    readers = functools.partial(_readers, wf)
    out = []
    for r in readers(drawer):
        if r.cls in OUTPUTS:
            out.append((r, None))
            continue
        t = node_type(r)
        ins = [i for i in ((t.inputs or ()) if t else ()) if i.name in r.links]
        if t is None or t.output_types != ("VIDEO",) or [i.type for i in ins if i.type == "IMAGE"] != ["IMAGE"] or \
                any(i.type not in ("IMAGE", "FLOAT", "INT") for i in ins):
            continue
        saves = readers(r)
        if saves and all(x.cls in OUTPUTS for x in saves):
            out += [(x, r) for x in saves]
    return out


def _stepped(wf, drawer: CNode) -> list[tuple[CNode, CNode | None, CNode | None]]:
    """(save, video maker or None, picture step or None): the drawer's saves, and those past one picture step."""
    out = [(r, via, None) for r, via in _saves_of(wf, drawer)]
    for s in _readers(wf, drawer):
        if s.cls not in OUTPUTS and _picture_step(s):
            out += [(r, via, s) for r, via in _saves_of(wf, s)]
    return out


def saved(b, drawer: CNode, nid: str, tracks: list[str], scaled: tuple[str, str] | None = None) -> list[str]:
    """Studio's saves for the saves reading the drawer's pictures themselves (VideoX-Fun's 'Trajectory Outputs'), at
    the save's frame rate (the tracks' own), said; past a step, from ``scaled`` (the Scale it is made as) where Studio
    made it, else from Track Shapes with the step said not applied."""
    lines = []
    for r, via, step in _stepped(b.wf, drawer):
        if r.id in b.used:
            continue
        rate = b.wf.value(via or r, "fps" if via else "frame_rate")
        if isinstance(rate, (int, float)) and not isinstance(rate, bool) and 1 <= rate <= 240:
            for t in tracks:  # (the clip drawn is as fast as its tracks)
                b.g.nodes[t].params["fps"] = float(rate)
        made = step is not None and step.id in b.used and scaled is not None  # (the step Studio's Scale: drawn_tracks)
        sv = save_node(b, r)
        b.g.connect(*(scaled if made else (nid, "video")), sv, "video")
        b.used |= {r.id, *([via.id] if via else [])}
        lines.append(f"{r.named()} writes the control clip {drawer.named()} draws"
                     + (f" (made a video by {via.named()})" if via else "")
                     + (f", past {step.named()}, a step Studio does not apply there either" if step and not made
                        else f", scaled by {step.named()}" if step else "")
                     + f": Studio's {b.g.registry.get(b.g.nodes[sv].type_id).title} of Track Shapes"
                     + (" after that Scale" if made else ""))
    return lines
