"""The rate a save of joined takes writes them at: ComfyUI's Video Combine (or a save with an 'fps') of takes joined
into one batch, interpolated or not, writes every frame at its own frame_rate; Studio's joined video keeps the first
take's rate (times a frame interpolation's factor after the join). Where the two differ, Studio's Frame Rate goes
before that Save Video, said. Found by the thirteenth held-out set: 8 looped segments made at their preview's 16 fps,
interpolated x2 and written at 25 fps by ComfyUI, were written at 32 without a word. Plain data and stdlib."""
from __future__ import annotations


def written_at(b, save, out: tuple[str, str], first: tuple[str, str], mine, said: list[str]) -> tuple[str, str]:
    """``out`` (the joined takes after the output's finishing), through a Frame Rate at ``mine`` (the rate the
    output's own nodes write the joined frames at: its save's, its CreateVideo's) where that is not the rate Studio's
    joined video has (the first take's generator's ``fps``, times each frame interpolation between it and ``out``
    that adds frames in the same time)."""
    if not isinstance(mine, (int, float)) or isinstance(mine, bool) or not 0 < mine <= 240:
        return out
    gen = b.g.nodes.get(first[0])
    made = gen.params.get("fps") if gen is not None else None
    if not isinstance(made, (int, float)) or isinstance(made, bool) or made <= 0:
        return out
    rate, seen, todo = float(made), set(), [out[0]]
    while todo:  # the interpolations on the way back from ``out`` to the joined takes
        nid = todo.pop()
        if nid in seen or nid == first[0] or nid not in b.g.nodes:
            continue
        seen.add(nid)
        n = b.g.nodes[nid]
        k = n.params.get("factor", n.params.get("multiplier")) if n.type_id.startswith("motion.interpolate") else None
        if isinstance(k, (int, float)) and not isinstance(k, bool) and k > 1 and not n.params.get("slow_motion"):
            rate *= float(k)
        todo += [link.src for link in b.g.links if link.dst == nid and link.dst_port == "video"]
    if abs(rate - float(mine)) < 1e-6:
        return out
    fr = b.add("edit.frame_rate", {"fps": float(mine)}, save)
    b.g.connect(*out, fr, "video")
    said.append(f"'{save.title or save.shown_cls}' (#{save.id}) writes the joined takes at {float(mine):g} fps, not the "
                f"{rate:g} fps Studio's joined video has: Studio's Frame Rate before its Save Video does the same")
    return fr, "video"
