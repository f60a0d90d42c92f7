"""Wan Animate's extend (ComfyUI's Wan 2.2 Animate template: a second WanAnimateToVideo continuing the first's
take, its 'continue_motion' the earlier take's decoded frames and its 'video_frame_offset' the earlier node's
'video_frame_offset' output, the new frames batched after the earlier ones) read as ONE longer take: Studio's Wan
Animate makes a clip longer than one window itself, segment by segment, each continuing from the last 1 or 5 frames
of the one before, so the joined output's generator makes the whole (its frames: the first take's plus each
extension's new ones, the driving clips read from their start) and the first take's own output is its first frames,
cut by a Time node (trim): made once. ComfyUI's node types and outputs (comfy_extras/nodes_wan.py, read for meaning
only): output 5 of WanAnimateToVideo is its 'video_frame_offset'. Plain data and stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, first_saves, restate, trim_first, upstream, withdraw

from .comfy_animate_joined import say_joined

ANIMATE = "video_models.wan_animate"
NODE = "WanAnimateToVideo"
TRIM_OUT, OFFSET_OUT = 4, 5  # WanAnimateToVideo's outputs: positive, negative, latent, trim_latent, trim_image, video_frame_offset
OVERLAPS = (1, 5)  # the frames Studio's Wan Animate carries from one segment to the next


def _int(v) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def _animate_nodes(b, key: frozenset) -> list[CNode]:
    """The WanAnimateToVideo nodes feeding the samplers ``key`` (their latent's), in the workflow."""
    wf, out = b.wf, []
    for sid in key:
        s = wf.nodes.get(sid)
        src = wf.source(s, "latent_image") if s is not None else None
        if src is not None and src.cls == NODE and src not in out:
            out.append(src)
    return out


def extension_of(b, first: frozenset, whole: frozenset) -> list[tuple[CNode, int, int]] | None:
    """Each later WanAnimateToVideo of ``whole``'s samplers beyond ``first``'s as (node, its length, the frames it
    carries over), where the declared inputs show each continues the take before it: its 'continue_motion' made of
    an earlier take's frames and its 'video_frame_offset' that earlier node's output; None where one does not."""
    wf = b.wf
    earlier = _animate_nodes(b, first)
    later = [n for n in _animate_nodes(b, whole - first) if n not in earlier]
    if len(earlier) != 1 or not later:
        return None
    done, todo, out = {earlier[0].id}, list(later), []
    seen = set(first)
    while todo:
        nxt = [n for n in todo if (n.links.get("video_frame_offset") or (None,))[0] in done]
        if not nxt:
            return None
        n = nxt[0]
        todo.remove(n)
        link = n.links.get("video_frame_offset")
        motion = wf.source(n, "continue_motion")
        if link is None or link[1] != OFFSET_OUT or motion is None or \
                not seen & {u.id for u in upstream(wf, motion)}:
            return None
        length, carry = _int(wf.value(n, "length")), _int(wf.value(n, "continue_motion_max_frames"))
        if length is None or carry is None or carry not in OVERLAPS or not 0 < carry < length:
            return None
        out.append((n, length, carry))
        done.add(n.id)
        seen |= {s for s in whole - first if (src := wf.source(wf.nodes[s], "latent_image")) is not None
                 and src.id == n.id}
    return out


def extends(b, first: frozenset, whole: frozenset) -> bool:
    """True where output ``whole``'s samplers are take ``first``'s and extensions of it read as one take, or ``first``
    is the extensions of the rest's take (a pipeline made for an output of the extension alone, which makes the whole
    take: _continued); else the joined output is said as writing the first take alone (takes.joined)."""
    return extension_of(b, first, whole) is not None or (
        bool(whole - first) and _continues(b, whole - first, first) is not None)


def _continues(b, other: frozenset, key: frozenset) -> list | None:
    """The extensions the samplers ``key`` sample, where they are all of them and each continues the take of the
    samplers ``other`` (extension_of); None else."""
    ext = extension_of(b, other, other | key)
    return ext if ext is not None and {n.id for n, _l, _c in ext} == {n.id for n in _animate_nodes(b, key)} else None


def _last_take(b, key: frozenset, whole: frozenset, ext: list) -> None:
    """The output of the extension samplers ``key`` made after the joined output ``whole`` made the whole take: its
    generator removed, its Save Videos given the whole take's last frames through a Time node (trim); said."""
    total, length = _int(b.g.nodes[b.made[whole][0]].params.get("frames")), ext[-1][1]
    saves, save = first_saves(b, key), b.made[key][3]
    if not total or not saves or total <= length:
        return
    tm = trim_first(b, key, whole, length, saves, "Last take")
    b.g.nodes[tm].params["start"] = total - length
    line = (f"'{save.title or save.cls}' (#{save.id}) writes the last {length} frames of that Wan Animate take (frames "
            f"{total - length} to {total - 1}), cut by a Time node (trim), as ComfyUI's {_named(ext[-1][0])} samples "
            "them after the take before: made once")
    b.note(line, b.made[whole][2])
    b.log(line)


def _continued(b, key: frozenset) -> None:
    """Where the pipeline of samplers ``key`` samples only the extensions of another Wan Animate pipeline's take (each
    segment written by a Save Video of its own: heldout108 06, its second segment made from the driving clips' start
    as a copy of the first): its generator makes the whole take, its own output the last segment's frames and the
    other's output the first take's, each cut by a Time node (trim); said."""
    g = b.g
    for other, (gen0, task, _band, _save) in list(b.made.items()):
        if other == key or task != ANIMATE or other & key or (ext := _continues(b, other, key)) is None:
            continue
        frames, saves = _int(g.nodes[gen0].params.get("frames")), first_saves(b, other)
        if not frames or not saves or len({c for _n, _l, c in ext}) != 1:
            return
        gen, _t, band, save = b.made[key]
        own = first_saves(b, key)  # (its own output's: made with the pipeline, before any other output joins it)
        _longer(b, key, ext, frames)
        total, length = _int(g.nodes[gen].params.get("frames")), ext[-1][1]
        trim_first(b, other, key, frames, saves, "First take")
        tm = b.add("edit.time", {"mode": "trim", "start": total - length, "length": length}, save, title="Last take")
        g.connect(gen, "video", tm, "video")
        for sv in own:
            g.connect(tm, "video", sv, "video")
        b.bands[band].append(tm)
        b.made[other | key] = b.made[key]  # (an output writing them joined: one more Save Video on this pipeline)
        say_joined(b, other, key, {n.id for n, _l, _c in ext}, total, band)  # (its picks and joins: that take, read)
        line = (f"'{save.title or save.cls}' (#{save.id}) writes the last {length} frames of that Wan Animate take (frames "
                f"{total - length} to {total - 1}), cut by a Time node (trim), as ComfyUI's {_named(ext[-1][0])} "
                f"samples them after the take before; '{b.made[other][3].title or b.made[other][3].cls}' "
                f"(#{b.made[other][3].id}) its first {frames} frames, the same way: the take made once")
        b.note(line, band)
        b.log(line)
        return


def one_take(b, key: frozenset) -> None:
    """After the pipeline of samplers ``key`` is made (``b``: the converter): where it and another Wan Animate
    pipeline are a take and its extension (one's samplers a part of the other's, the extension's declared inputs
    continuing the first), the joined pipeline makes the whole take and the first's output is its first frames."""
    if b.made[key][1] != ANIMATE:
        return
    for other, (_g, task, _band, _save) in list(b.made.items()):
        if other == key or task != ANIMATE or not (other < key or key < other):
            continue
        first, whole = (other, key) if other < key else (key, other)
        ext = extension_of(b, first, whole)
        if ext is not None:
            _whole_take(b, first, whole, ext)
        elif key < other and (ext := _continues(b, other - key, key)) is not None:
            _last_take(b, key, other, ext)  # (the extension's own output, after the joined one made the whole take)
        return
    first = _first_take(b, key)
    ext = extension_of(b, first, key) if first and first < key else None
    if ext is not None:  # the joined output alone: its pipeline, made of the first take's task node, makes them all
        _longer(b, key, ext)
    elif not first:
        _continued(b, key)


def _first_take(b, key: frozenset) -> frozenset:
    """The samplers of ``key`` sampling the one WanAnimateToVideo of them that continues nothing (empty: none, or
    several)."""
    starts = [n for n in _animate_nodes(b, key) if b.wf.source(n, "continue_motion") is None]
    return frozenset(s for s in key if len(starts) == 1 and (src := b.wf.source(b.wf.nodes[s], "latent_image"))
                     is not None and src.id == starts[0].id)


def longer_settings(b) -> None:
    """The output being made (its samplers ``b.pass_key``) joins a first take and extensions of it: its generator's
    frames (the first take's plus each extension's new ones), window (the first take's length) and overlap (the
    frames carried) set as Studio's Wan Animate makes that whole take (b.extra), before its settings are said."""
    key = b.pass_key
    first = _first_take(b, key)
    ext = extension_of(b, first, key) if first and first < key else None
    start = _animate_nodes(b, first)
    length = _int(b.wf.value(start[0], "length")) if ext and len(start) == 1 else None
    if length is not None and len({c for _n, _l, c in ext}) == 1:
        b.extra.update(frames=length + sum(n - c for _n, n, c in ext), window=length, overlap=str(ext[0][2]))


def _whole_take(b, first: frozenset, whole: frozenset, ext: list) -> None:
    g = b.g
    gen0, _task, _band0, save0 = b.made[first]
    band = b.made[whole][2]
    frames = _int(g.nodes[gen0].params.get("frames"))
    saves = first_saves(b, first)
    if not frames or not saves or len({c for _n, _l, c in ext}) != 1:
        return
    _longer(b, whole, ext, frames)
    trim_first(b, first, whole, frames, saves, "First take")
    first_line = (f"'{save0.title or save0.cls}' (#{save0.id}): the first {frames} frames of that Wan Animate take, "
                  "cut by a Time node (trim): the take ComfyUI's extension continues, made once")
    b.note(first_line, band)
    b.log(first_line)


def _named(n: CNode) -> str:
    return f"'{n.title or n.shown_cls}' (#{n.id})"


def _joins(b, save: CNode, ext: list[CNode]) -> list[CNode]:
    """The nodes on ``save``'s way that join an extension's frames to the take before: the pick fed by an extension's
    'trim_image' output (the carried frames dropped) and each node taking that pick's frames."""
    wf = b.wf
    on_way = {u.id: u for u in upstream(wf, save)}
    ids = {n.id for n in ext}
    picks = [u for u in on_way.values() if any(src == i and slot == TRIM_OUT for src, slot in u.links.values()
                                               for i in ids)]
    pick_ids = {p.id for p in picks}
    takers = [u for u in on_way.values() if u.id not in pick_ids and any(src in pick_ids for src, _ in u.links.values())]
    return picks + takers


def _longer(b, key: frozenset, ext: list, frames: int | None = None) -> None:
    """The generator of the pipeline of samplers ``key`` made to make the first take (``frames``: its length, else
    the generator's) and its extensions ``ext`` at once, said."""
    g = b.g
    gen, _t, band, save = b.made[key]
    frames = frames or _int(g.nodes[gen].params.get("window"))  # the first take's length (longer_settings)
    carries = {c for _n, _l, c in ext}
    if not frames or len(carries) != 1:
        return
    carry = carries.pop()
    total = frames + sum(length - c for _n, length, c in ext)
    g.nodes[gen].params.update(frames=total, window=frames, overlap=str(carry))
    restate(b, gen)  # (its Log line made with the first take's frames)
    joins = _joins(b, save, [n for n, _l, _c in ext])
    b.used |= {n.id for n, _l, _c in ext} | {j.id for j in joins}
    how = f" ({', '.join(_named(j) for j in joins)}: the carried frames dropped and the new ones joined after, " \
          "as Studio's segments join them)" if joins else ""
    named = ", ".join(_named(n) for n, _l, _c in ext)
    line = (f"'{save.title or save.cls}' (#{save.id}): ComfyUI's {named} continue{'s' if len(ext) == 1 else ''} "
            f"the first take from its last {carry} frames ('continue_motion', 'video_frame_offset'); Studio's "
            f"Wan Animate makes the whole take at once, {total} frames in segments of {frames} each carrying "
            f"the last {carry} of the one before (frames {total}, window {frames}, overlap {carry}), the driving "
            f"clips read from their start, one seed for the whole take ({g.nodes[gen].params.get('seed')}){how}")
    ext_ids = {n.id for n, _l, _c in ext}
    withdraw(b, band, [s for s in key if (src := b.wf.source(b.wf.nodes[s], "latent_image")) is not None
                       and src.id in ext_ids])  # the note's "another take" words of them: made by this generator
    b.note(line, band)
    b.log(line)

