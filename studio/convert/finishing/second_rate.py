"""A second output of the same take written at its own rate: ComfyUI's Video Combine (or a save with an 'fps') of the
generator's frames as they are (a preview at 16 fps beside the output interpolated to 24) writes them at its own
frame_rate, while Studio's generator makes the take at one rate (the first output's): Studio's Frame Rate goes before
that output's Save Video, said. Found by the tenth held-out set: a preview written at 12 fps instead of its 16 without
a word. So too where the output's own finishing keeps the take's rate (a side-by-side, a resize: no interpolation or
Frame Rate between): heldout14's side-by-side output written at 24 fps instead of its 16, unsaid. Plain data and
stdlib."""
from __future__ import annotations

RATES = ("frame_rate", "fps")
RATE_MAKERS = ("motion.interpolate", "edit.frame_rate")  # Studio's nodes giving a take another frame rate


def _keeps_rate(b, take: tuple[str, str], src: tuple[str, str]) -> bool:
    """True where the Studio nodes between the generator's ``take`` and ``src`` keep its frame rate: none of them
    interpolates or retimes (each walked back through what it is given, to the take or a node given nothing)."""
    seen, todo = set(), [src[0]]
    while todo:
        nid = todo.pop()
        if nid == take[0] or nid in seen:
            continue
        seen.add(nid)
        node = b.g.nodes.get(nid)
        if node is None or node.type_id in RATE_MAKERS:
            return False
        todo += [link.src for link in b.g.links if link.dst == nid]
    return True


def _rate(b, node) -> float | None:
    """The frame rate ``node`` sets itself (not wired in), a number within Studio's range; None otherwise."""
    return next((v for k in RATES if k not in node.links and isinstance(v := b.wf.value(node, k), (int, float))
                 and not isinstance(v, bool) and 0 < v <= 240), None)


def _video_maker(wf, save):
    """The node making the video a save is given on its 'video' (CreateVideo: its rate read where it sets one)."""
    src = wf.source(save, "video") if "video" in save.links else None
    return src if src is not None and src.enabled else None


def _rate_at(b, take: tuple[str, str], src: tuple[str, str], made: float) -> float | None:
    """The rate Studio's video has at ``src``: the generator's ``made`` times each frame interpolation between (one
    that keeps the rate, a slow motion, adds none), a Frame Rate there setting it; walked back along the one video
    each node is given, to ``take``. None where the way is not one line back to the take, or a rate is not known."""
    factor, nid, seen = 1.0, src[0], set()
    while nid != take[0]:
        node = b.g.nodes.get(nid)
        if node is None or nid in seen:
            return None
        seen.add(nid)
        if node.type_id == "edit.frame_rate":
            fps = node.params.get("fps")
            return float(fps) * factor if isinstance(fps, (int, float)) and fps > 0 else None
        if node.type_id.startswith("motion.interpolate"):
            if node.params.get("target_fps"):
                return None  # (a rate of its own to reach: not walked)
            k = node.params.get("factor", node.params.get("multiplier"))
            if not isinstance(k, (int, float)) or isinstance(k, bool) or k <= 0:
                return None
            factor *= 1.0 if node.params.get("slow_motion") else float(k)
        ins = [link.src for link in b.g.links if link.dst == nid and link.dst_port == "video"]
        if not ins:  # clips joined (a Side by Side's 'a' and 'b'): the one the take reaches, the others set to its rate
            ins = _joined(b, take, nid, float(made))
        if len(ins) != 1:
            return None
        nid = ins[0]
    return float(made) * factor


def _interpolated(b, take: tuple[str, str], src: tuple[str, str]) -> bool:
    """True where a frame interpolation is on the take's own way to ``src`` (each node walked back through the inputs
    that are the take or come from it; a clip set beside it, a loaded one retimed, is not the take's way)."""
    seen, todo = set(), [src[0]]
    while todo:
        nid = todo.pop()
        node = b.g.nodes.get(nid)
        if nid == take[0] or nid in seen or node is None:
            continue
        seen.add(nid)
        if node.type_id.startswith("motion.interpolate"):
            return True
        todo += [link.src for link in b.g.links if link.dst == nid
                 and (link.src == take[0] or take[0] in b.g.upstream(link.src))]
    return False


def _retimed_said(save, mine: float, has: float, made: float, interpolated: bool) -> str:
    """The sentence of a Frame Rate set before ``save``: its frames written at ``mine`` where Studio's video has
    ``has`` there. Of interpolated frames only where an interpolation is on the take's way (heldout115 03: a take
    beside its loaded clip written at 15 fps was said "interpolated", with no interpolation in the workflow)."""
    what = "its interpolated frames" if interpolated else "the take"
    why = (f"Studio's interpolation of the generator's {made:g} fps gives" if interpolated else
           "Studio's video has there" + (f" (the generator makes it at {made:g})" if abs(has - made) > 1e-6 else
                                         ", the generator's own"))
    return (f"'{save.title or save.shown_cls}' (#{save.id}) writes {what} at {mine:g} fps, not the {has:g} fps {why}: "
            "Studio's Frame Rate before its Save Video plays the same frames at its rate, as ComfyUI does (every frame "
            f"kept, the clip {'longer' if mine < has else 'shorter'})")


def line_rate(b, nid: str) -> float | None:
    """The rate a Frame Rate sets on the clip at ``nid``, walked back along the one video each node is given (a
    Scale, a Trim keep it); None where none is found on one line back, or an interpolation is on the way."""
    seen = set()
    while nid not in seen:
        seen.add(nid)
        node = b.g.nodes.get(nid)
        if node is None or node.type_id.startswith("motion.interpolate"):
            return None
        if node.type_id == "edit.frame_rate":
            fps = node.params.get("fps")
            return float(fps) if isinstance(fps, (int, float)) and not isinstance(fps, bool) and fps > 0 else None
        ins = [link.src for link in b.g.links if link.dst == nid and link.dst_port == "video"]
        if len(ins) != 1:
            return None
        nid = ins[0]
    return None


def _joined(b, take: tuple[str, str], nid: str, made: float) -> list[str]:
    """Of a node joining clips (its inputs of Studio's type Video, none named 'video': a Side by Side), the one input
    the generator's ``take`` reaches, where every other is a clip a Frame Rate sets to the take's own rate (heldout40
    11: the take beside the loaded clip at the same 16 fps, interpolated and written at 28, was written at 32 with no
    word); [] otherwise."""
    node = b.g.nodes.get(nid)
    video = {p.name for p in node.spec.inputs if p.type == "Video"} if node is not None and node.spec else set()
    links = [link for link in b.g.links if link.dst == nid and link.dst_port in video]
    from_take = [link.src for link in links if link.src == take[0] or take[0] in b.g.upstream(link.src)]
    others = [link.src for link in links if link.src not in from_take]
    if len(from_take) != 1 or any(line_rate(b, o) != made for o in others):
        return []
    return from_take


def retimed(b, save, gen: str, take: tuple[str, str], src: tuple[str, str], said: list[str]) -> tuple[str, str]:
    """``src`` (what the save is given), through a Frame Rate at ``save``'s own rate where that is not the rate
    Studio's video has there: the generator's where the take reaches it at the rate it is made (``src`` is ``take``,
    or a finishing between keeps the rate), else that rate times the frame interpolations between (heldout31 11: a
    'SLOW MOTION' copy, RIFE x2 written at the take's own 30 fps, twice as long, was written at 60 fps without a
    word; 15: a WEBM copy of the frames interpolated to 32 fps written at 24)."""
    mine = _rate(b, save)
    if mine is None and (maker := _video_maker(b.wf, save)) is not None:
        mine = _rate(b, maker)  # a Save Video's rate is its CreateVideo's (heldout26 02: 25 fps written at 24, unsaid)
    made = b.g.nodes[gen].params.get("fps") if gen in b.g.nodes else None
    if made is None:  # a generator with no rate setting: the rate its first output's take was given (takes.unset_rate)
        made = getattr(b, "take_rates", {}).get(gen)
    if mine is None or not isinstance(made, (int, float)):
        return src
    if src != take and not _keeps_rate(b, take, src):  # interpolated on the way: the rate that gives, if one line back
        has = _rate_at(b, take, src, float(made))
        if has is None or abs(float(mine) - has) < 1e-6:
            return src
        fr = b.add("edit.frame_rate", {"fps": float(mine)}, save)
        b.g.connect(*src, fr, "video")
        said.append(_retimed_said(save, float(mine), has, float(made), _interpolated(b, take, src)))
        return fr, "video"
    if abs(float(mine) - float(made)) < 1e-6:
        return src
    fr = b.add("edit.frame_rate", {"fps": float(mine)}, save)
    b.g.connect(*src, fr, "video")
    maker = "the generator makes it at" if gen in b.g.nodes and "fps" in b.g.nodes[gen].params else \
        "Studio's take has there"  # (a generator with no rate setting: takes.unset_rate)
    said.append(f"'{save.title or save.shown_cls}' (#{save.id}) writes the take at {float(mine):g} fps, not the "
                f"{float(made):g} fps {maker}: Studio's Frame Rate before its Save Video does the same")
    return fr, "video"
