"""The frames of the driving video one SCAIL-2 take covers where ComfyUI's segments each pick their own (the SCAIL-2
template's Base and Extend blueprints: ImageFromBatch of 81 frames from (segment - 1) x (81 - 5), read through the
subgraph's inputs): Studio's SCAIL-2 node makes the segments of one take itself (comfy.py), so the Trim made of the
first segment's pick is widened to every segment's frames, from the first picked to the last, and its sentence said
again for the take. The picks are told by their declared types (api.pick_widgets); the segments are the
WanSCAILToVideo nodes the take's samplers read. Plain data and stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, in_type, pick_widgets

MAX_STEPS = 12  # nodes walked back from a pose_video to its pick
NUMBERS = ("INT", "FLOAT", "BOOLEAN", "STRING")  # a resize's size, not the pictures it is given


def whole(v) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def pick(wf, node: CNode) -> tuple[CNode, int, int] | None:
    """(the node picking the frames, the first, how many) on the way to WanSCAILToVideo ``node``'s pose_video: the
    nearest node picking a range of frames by its declared types, both numbers known; else None."""
    at = wf.source(node, "pose_video")
    for _ in range(MAX_STEPS):
        if at is None:
            return None
        widgets = pick_widgets(at)
        if widgets is not None and widgets[1]:
            start, count = whole(wf.value(at, widgets[0])), whole(wf.value(at, widgets[1]))
            return (at, start, count) if start is not None and count is not None and start >= 0 and count > 1 \
                else None
        ins = [k for k in at.links if wf.source(at, k) is not None and in_type(at, k) not in NUMBERS]
        at = wf.source(at, ins[0]) if len(ins) == 1 else wf.source(at, "image") if "image" in ins else None
    return None


def widen(b, gen: str, segments: list[CNode]) -> None:
    """The Trim on the way to generator ``gen``'s 'driving' keeping the first segment's pick set to the frames of all
    ``segments`` (WanSCAILToVideo nodes of one take), its sentence in the notes replaced."""
    picks = [p for n in segments if (p := pick(b.wf, n)) is not None]
    if len(picks) < 2:
        return
    first, last = min(s for _, s, _ in picks), max(s + c for _, s, c in picks)
    _, s0, c0 = picks[0]
    at, seen = b.g.input_link(gen, "driving"), set()
    while at is not None and at.src not in seen:
        seen.add(at.src)
        node = b.g.nodes[at.src]
        if node.type_id == "transform.trim" and (node.params.get("start"), node.params.get("end")) == (s0, s0 + c0):
            break
        at = b.g.input_link(at.src, "video")
    else:
        return
    if at is None:
        return
    node.params["start"], node.params["end"] = first, last
    b.used.update(p.id for p, _, _ in picks)  # (every segment's pick: applied by this Trim)
    shown = ", ".join(f"{p.named()} {s} to {s + c - 1}" for p, s, c in picks)
    words = (f"the generator's 'driving' is given frames {first} to {last - 1} of the clip, those ComfyUI's segments "
             f"pick ({shown}), made as one take: Studio's Trim after Load Video (start {first}, end {last}) keeps "
             "them; a shorter clip gives the frames it has")
    begins = f"the generator's 'driving' is given frames {s0} to {s0 + c0 - 1} of the clip"
    for n in b.notes:
        lines = n["text"].split("\n")
        n["text"] = "\n".join(x[:x.find(begins)] + words if begins in x else x for x in lines)


def restarting(wf, node: CNode) -> list[CNode]:
    """The WanSCAILToVideo nodes continuing ``node``'s take (their previous_frames, the same pose clip's source) whose
    pose frames do not follow on from it: no pick on their way, their video_frame_offset a number (not wired from the
    segment before), so that they drive their frames from max(0, offset - previous_frame_count) of the clip, where the
    segment after ``node``'s would start at its length less that count (SCAIL_2_HearmemanAI: both from frame 0)."""
    length = whole(wf.value(node, "length"))
    if length is None or pick(wf, node) is not None:
        return []
    out = []
    for n in wf.nodes.values():
        if n.cls != node.cls or n.id == node.id or not n.enabled or "previous_frames" not in n.links or \
                n.links.get("pose_video") != node.links.get("pose_video") or "video_frame_offset" in n.links:
            continue
        offset, count = whole(wf.value(n, "video_frame_offset")), whole(wf.value(n, "previous_frame_count"))
        if offset is not None and count is not None and max(0, offset - count) != length - count:
            out.append(n)
    return out
