"""Loaded clips joined by a transition inserted between them (KJNodes' Transition Images Multi and Cross Fade Images
Multi, fx3, issue 112), told by what the pack declares, not by its name: two or more numbered picture inputs
(image_1, image_2 ...), an easing choice ('interpolation', 'easing') with 'linear' among its options, a count of
frames ('..._frames'), at most a transition kind choice ('transition_type'), a soft edge ('blur_radius'), 'reverse',
the number of inputs ('inputcount') and where it computes ('device'); no start index (a node overlapping the clips
from a given frame is another rule's). Made as Studio's Transition 'inserted' (all of one clip, N new frames going
from its last frame to the next clip's first, progress k / (N - 1) eased, all of the next), one per join, each
picture a Load Video's frames. A kind, easing or setting Studio's Transition has no like of is said naming it, and
the node passed over. Plain data; the builder ``b`` of mapping.convert makes the nodes (finishing.utility calls it)."""
from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field
from typing import Callable

from studio.core.easing import EASINGS, eased
from studio.core.shown import rounded

from .. import catalogue
from ..reading.workflow import CNode, Workflow
from .clips_join import loaded_file

PORT = re.compile(r"^(image|images|video)_?(\d+)$")
EASING_WIDGETS = ("interpolation", "easing")
KIND_WIDGETS = ("transition_type", "transition")
# KJNodes' transition kinds -> Studio's style (reverse: the other direction); others have no like in Studio
KINDS = {"fade": ("dissolve", "dissolve"), "horizontal slide": ("wipe right", "wipe left"),
         "vertical slide": ("wipe down", "wipe up")}
OWN = ("inputcount", "blur_radius", "reverse", "device")  # the other widgets the rule reads (device: how it computes)


@dataclass
class Joined:
    """A transition inserted between loaded clips: its ports in order with their Load Videos (and the nodes between),
    Studio's Transition settings, or ``missing`` (what Studio has no like of, in words: the node is not made)."""
    parts: list[tuple[str, CNode, list[CNode]]]
    params: dict = field(default_factory=dict)
    missing: str = ""
    words: str = ""


def _float32(x: float) -> float:
    return struct.unpack("f", struct.pack("f", x))[0]


def _ports(n: CNode, ins: dict[str, str]) -> list[str]:
    """Its numbered picture inputs in order: those declared and those its UI file adds (image_3 ... by inputcount)."""
    found = {k: int(m.group(2)) for k, v in ins.items() if v == "IMAGE" and (m := PORT.match(k))}
    stems = {PORT.match(k).group(1) for k in found}
    found |= {k: int(m.group(2)) for k in n.links if (m := PORT.match(k)) and m.group(1) in stems}
    return sorted(found, key=found.get)


def _shape(n: CNode) -> tuple[list[str], str, str | None, str] | None:
    """(picture ports in order, the easing widget, the kind widget or None, the frames widget) as declared."""
    t = catalogue.node_type(n.shown_cls)
    if t is None or t.inputs is None or t.output_types[:1] != ("IMAGE",) or len(t.output_types) != 1:
        return None
    ins = {i.name: i.type for i in t.sockets}
    widgets = {i.name: i for i in t.widgets}
    ports = _ports(n, ins)
    easing = next((w for w in EASING_WIDGETS if w in widgets and "linear" in (widgets[w].options or ())), None)
    kind = next((w for w in KIND_WIDGETS if w in widgets and widgets[w].options), None)
    frames = [w for w, i in widgets.items() if i.type == "INT" and w.endswith("frames")]
    if len(ports) < 2 or set(ins) - set(ports) or easing is None or len(frames) != 1:
        return None
    if set(widgets) - {easing, kind, frames[0], *OWN}:
        return None  # a start index (overlapping the clips), levels...: not this rule's
    return ports, easing, kind, frames[0]


def joined(wf: Workflow, n: CNode) -> Joined | None:
    """The transition ``n`` inserts between loaded clips (every picture it joins a Load Video's frames), or None."""
    shape = _shape(n) if n.enabled else None
    if shape is None:
        return None
    ports, easing_w, kind_w, frames_w = shape
    count = wf.value(n, "inputcount")
    wired = [p for p in ports if p in n.links]
    numbers = [int(PORT.match(p).group(2)) for p in wired]
    if len(wired) < 2 or numbers != list(range(1, len(wired) + 1)) or count is not None and count != len(wired):
        return None  # an input left open (the pack then joins black frames of the first's size) or past its count
    parts = [(p, *f) for p in wired if (f := loaded_file(wf, n, p)) is not None]
    frames = wf.value(n, frames_w)
    easing = wf.value(n, easing_w)
    kind = wf.value(n, kind_w) if kind_w else "fade"
    blur, reverse = wf.value(n, "blur_radius") or 0.0, bool(wf.value(n, "reverse"))
    if len(parts) != len(wired) or not isinstance(frames, int) or isinstance(frames, bool) or frames < 2:
        return None  # (fewer than 2 frames: the pack divides by N - 1 and fails)
    if not isinstance(easing, str) or not isinstance(kind, str) or not isinstance(blur, (int, float)):
        return None
    j = Joined(parts)
    j.words = f"{kind_w} '{kind}', " if kind_w else ""
    j.words += f"{frames_w} {frames}, {easing_w} '{easing}'" + (", reverse" if reverse else "")
    if kind not in KINDS:
        j.missing = f"its {kind_w} '{kind}' (Studio's Transition is a dissolve, a wipe or a slide)"
    elif easing not in EASINGS:
        j.missing = f"its {easing_w} '{easing}'"
    elif blur > 0:
        j.missing = f"its blur_radius {rounded(blur)} (a soft edge: Studio's wipe is sharp)"
    style = KINDS.get(kind, ("", ""))[reverse]
    if not j.missing and style.startswith("wipe"):
        t = [_float32(x) for x in eased(easing, [k / (frames - 1) for k in range(frames)])]  # (the pack's tensor)
        if any(x < 0 for x in t) if not reverse else any(x > 1 for x in t):
            j.missing = (f"its {easing_w} '{easing}' with a slide: the progress leaves 0..1 where the pack's mask, cut "
                         "by a negative index, is counted from the far edge")
    j.params = {"style": style, "frames": frames, "keep": "inserted", "easing": easing}
    return j


def made(wf: Workflow, n: CNode) -> bool:
    """Whether ``n`` is a transition between loaded clips that Studio makes (one it has no like of makes no way)."""
    j = joined(wf, n)
    return j is not None and not j.missing


def make(b, n: CNode, j: Joined, wire: tuple[str, str], loader: CNode, load: Callable, said: list[str]) -> str:
    """Studio's Transitions joining the clips of ``j`` in order (one per join), the way's own clip (``loader``'s)
    being ``wire``; other clips from their Load Video (``load``: the utility's); said. The node giving the edit."""
    clips = []
    for _port, f, via in j.parts:
        clips.append(wire[0] if f.id == loader.id else load(b, f, said))
        b.used |= {f.id} | {v.id for v in via}
    acc = clips[0]
    for clip in clips[1:]:
        nid = b.add("edit.transition", dict(j.params), n)
        b.g.connect(acc, "video", nid, "a")
        b.g.connect(clip, "video", nid, "b")
        acc = nid
    b.used.add(n.id)
    files = ", ".join(f"'{b.file_of(f)}'" if b.file_of(f) else f"'{f.title or f.shown_cls}' ({f.shown_cls}, #{f.id})"
                      for _p, f, _v in j.parts)
    said.append(f"{n.named()} joins the clips {files} with {j.params['frames']} frames inserted between each two "
                f"({j.words}): Studio's Transition '{j.params['style']}', keep 'inserted' (all of each clip, the new "
                "frames going from one's last frame to the next's first), each next clip fitted into the first's size "
                "with its aspect kept (KJNodes stretches one of another size) and played at the first's rate, silent "
                "over the new frames" + _sound(b.wf, n))
    return acc


def _sound(wf: Workflow, n: CNode) -> str:
    """Where a save reading ``n``'s pictures is wired a sound of its own: that it is not what Studio writes."""
    for m in wf.nodes.values():
        if m.enabled and "audio" in m.links and any(v[0] == n.id for k, v in m.links.items() if k != "audio"):
            src = wf.source(m, "audio")
            given = f" (from {src.named()})" if src is not None else ""
            return (f"; its sound is each clip's own, joined the same way, where ComfyUI's {m.named()} writes the "
                    f"sound wired to its 'audio'{given}")
    return ""


def not_made(n: CNode, j: Joined) -> str:
    """The sentence of a transition Studio has no like of (passed over; the clips and the save are not made)."""
    return (f"{n.named()}, joining {len(j.parts)} loaded clips with {j.params['frames']} frames inserted between each "
            f"two ({j.words}): not made, Studio's Transition has no like of {j.missing}")


def said_unmade(b) -> None:
    """Each transition between loaded clips that Studio has no like of, not read otherwise: passed over, said."""
    for n in b.wf.nodes.values():
        if n.id not in b.used and n.id not in b.over and (j := joined(b.wf, n)) is not None and j.missing:
            b.over[n.id] = not_made(n, j)
