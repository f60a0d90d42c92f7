"""A SCAIL-2 Extend pass that does not follow its first segment on through the pose clip (comfy_segments.restarting:
its video_frame_offset a number, no pick; SCAIL_2_HearmemanAI's drives its frames from the clip's frame 0 again)
made as ComfyUI makes it, as Studio continues other takes: the first segment's take as its own output made it, then
the Extend's take, a SCAIL-2 Character of the pass's length whose 'previous' is the first take's video (its last
frames held as its first), its frames after those picked (the pick on the output's way: Studio's Trim) and joined
after the first take's by Concatenate (the join on the output's way, ComfyUI's BatchImagesNode). Where the output's
way is not that (no join of two inputs, no pick), nothing is changed: the caller keeps its reading. Plain data and
stdlib (the builder's graph)."""
from __future__ import annotations

from studio.convert.api import CNode, in_type, pick_widgets, withdraw

from .comfy_segments import NUMBERS, whole as number

MAX_STEPS = 8


def _pictures(n: CNode) -> list[str]:
    return [k for k in n.links if in_type(n, k) not in NUMBERS]


def _way(wf, save: CNode) -> tuple[CNode, CNode, int, int] | None:
    """(the join of two takes' frames the save writes, the pick of the later's frames, its first, how many)."""
    at = None
    for k in _pictures(save):
        at = wf.source(save, k)
        break
    for _ in range(MAX_STEPS):
        if at is None:
            return None
        ins = _pictures(at)
        if len(ins) == 2:
            break
        at = wf.source(at, ins[0]) if len(ins) == 1 else None
    else:
        return None
    src = wf.source(at, ins[1])
    widgets = pick_widgets(src) if src is not None else None
    if widgets is None or not widgets[1]:
        return None
    start, count = number(wf.value(src, widgets[0])), number(wf.value(src, widgets[1]))
    return (at, src, start, count) if start is not None and count is not None and start >= 0 and count > 0 else None


def made(b, first: frozenset, whole: frozenset, cont: CNode) -> bool:
    """``whole``'s generator made the Extend's take continuing ``first``'s (see the module's words); False where
    the output's way is not read (nothing changed)."""
    wf, g = b.wf, b.g
    gen0, _t0, _band0, _save0 = b.made[first]
    gen, _t, band, save = b.made[whole]
    way = _way(wf, save)
    length = number(wf.value(cont, "length"))
    readers = [(ln.dst, ln.dst_port) for ln in g.links if ln.src == gen and ln.src_port == "video"]  # (its save's way)
    if way is None or length is None or not readers:
        return False
    join, picked, start, count = way
    later = [s for s in whole - first if s in wf.nodes]
    steps = number(wf.value(wf.nodes[later[0]], "steps")) if len(later) == 1 else None
    node = g.nodes[gen]
    node.params["frames"] = length
    if steps is not None:
        node.params["steps"] = steps
    g.connect(gen0, "video", gen, "previous")
    trim = b.add("transform.trim", {"start": start, "end": start + count, "step": 1}, picked)
    cat = b.add("edit.concatenate", {"conform": "conform to first"}, join)
    g.connect(gen, "video", trim, "video")
    g.connect(gen0, "video", cat, "a")
    g.connect(trim, "video", cat, "b")
    for dst, port in readers:
        g.disconnect(dst, port)
        g.connect(cat, "video", dst, port)
    b.bands[band] += [trim, cat]
    withdraw(b, band, later)  # (its 'another take ... add a generator for it': made now)
    b.used |= {cont.id, picked.id, join.id}
    offset, held = number(wf.value(cont, "video_frame_offset")) or 0, number(wf.value(cont, "previous_frame_count"))
    words = (f"{cont.named()} continues the take of '{_save0.title or _save0.shown_cls}' (its previous_frames) with its "
             f"video_frame_offset {offset}, not wired from the segment before: ComfyUI drives it by the pose clip from "
             f"frame {max(0, offset - (held or 0))} again, not on from the first take's end; Studio makes it so: a "
             f"SCAIL-2 Character of {length} frames" + (f" and {steps} steps" if steps is not None else "")
             + " whose 'previous' is the first take's video (its last frames held as its first), its frames from "
             f"{start} on kept by Trim ({picked.named()}'s pick), joined after the first take's by Concatenate, as "
             f"{join.named()} joins them")
    b.log(f"ComfyUI '{save.title or save.shown_cls}' -> " + words)
    b.note(f"'{save.title or save.shown_cls}': " + words, band)
    return True
