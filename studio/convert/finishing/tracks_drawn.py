"""Tracks drawn over the take on its way to a save (heldout54 03: the wrapper's WanVideoWanDrawWanMoveTracks between
the decoder and the Video Combine; ComfyUI's WanMoveVisualizeTracks declares the same) made as Studio's Draw Tracks
after the generator, fed the Keypoints the generator's 'tracks' takes. Told by the node's declared types, not its
name: pictures and tracks in (the tracks' type a '...TRACKS'), pictures out, nothing else linked; its tracks must be
ones the conversion read into that generator (their maker read), else it is left to finish.after_take's sentence.
Its own drawing settings (line length, dot size, opacity, line width) have no like of the same meaning in Studio's
Draw Tracks (a dot of 'radius', a trail of 'trail' frames, opaque): not taken, said by name and value. Functions on a
builder ``b`` of mapping.convert; plain data."""
from __future__ import annotations

from studio.core.shown import rounded

from .. import catalogue
from ..reading.workflow import CNode

DRAW = "motion.draw_tracks"


def _ports(n: CNode) -> tuple[str, str] | None:
    """(its pictures' input, its tracks' input) where ``n`` is declared pictures and tracks in, pictures out."""
    t = catalogue.node_type(n.shown_cls)
    if t is None or t.inputs is None or t.output_types != ("IMAGE",):  # (inputs not read from its pack: none known)
        return None
    wired = [i for i in t.inputs if not i.widget]
    images = [i.name for i in wired if i.type == "IMAGE"]
    tracks = [i.name for i in wired if i.type.upper().endswith("TRACKS")]
    if len(wired) != 2 or len(images) != 1 or len(tracks) != 1 or not all(p in n.links for p in (*images, *tracks)):
        return None
    return images[0], tracks[0]


def _keypoints(b, src: tuple[str, str]) -> tuple[str, str] | None:
    """The Studio output wired into the 'tracks' of the generator ``src`` comes from (walked back along the take)."""
    todo, seen = [src[0]], set()
    while todo:
        nid = todo.pop()
        if nid in seen:
            continue
        seen.add(nid)
        into = [l for l in b.g.links if l.dst == nid]
        for l in into:
            if l.dst_port == "tracks":
                return l.src, l.src_port
        todo += [l.src for l in into if l.dst_port in ("video", "image")]
    return None


def drawn(b, n: CNode, src: tuple[str, str], out: str, said: list[str]) -> tuple[str, str] | None:
    """Studio's Draw Tracks over ``src`` for ``n`` (the take on its way to the save ``out``, in words), said; None where
    ``n`` is no track drawing Studio makes here."""
    ports = _ports(n)
    if ports is None or n.id in b.used:
        return None
    maker = b.wf.source(n, ports[1])
    keypoints = _keypoints(b, src)
    if maker is None or keypoints is None or not (maker.id in b.used or maker.id in b.wf.taken):
        return None
    nid = b.add(DRAW, {}, n, title=n.title or None)
    try:
        b.g.connect(*src, nid, "video")
        b.g.connect(*keypoints, nid, "keypoints")
    except Exception:  # (not a Keypoints output: the node is left to the sentence of what is not converted)
        b.g.remove_node(nid)
        return None
    b.used.add(n.id)
    spec = b.g.nodes[nid].spec
    own = ", ".join(f"radius {p.default}" if p.name == "radius" else f"a trail of {p.default} frames"
                    if p.name == "trail" else f"lines {p.default} px" for p in spec.params)
    declared = [i for i in catalogue.node_type(n.shown_cls).inputs if i.widget]
    values = {i.name: n.widgets.get(i.name, i.default) if n.widgets else i.default for i in declared}
    settings = [f"{k} {rounded(v)}" for k, v in values.items() if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if settings and not n.widgets:
        settings[-1] += " (the declared defaults: the file saves none)"
    line = (f"{n.named()} draws the tracks over the take (its '{ports[0]}') before {out} writes it: Studio's Draw "
            f"Tracks after the generator, given the Keypoints its 'tracks' takes ('{maker.title or maker.shown_cls}', "
            f"#{maker.id}, read there)")
    if settings:
        line += (f"; its {', '.join(settings)} are not taken (Studio draws opaque dots and trails by its own settings: "
                 f"{own})")
    said.append(line)
    return nid, "video"
