"""The frame drawn tracks are pixels of, set where a ComfyUI workflow's coordinates are wired into a generator's
'tracks' (heldout54 03). ComfyUI's track nodes (WanMoveTrackToVideo, WanTrackToVideo, the wrapper's
WanVideoAddWanMoveTracks) take the coordinates as pixels of the take they make, its width x height; Studio's Tracks
from Coordinates reads them on its own 'width' x 'height' (832x480 unless set) and the generator scales that frame to
its take. So a Tracks from Coordinates of pixels, reached from the generator's 'tracks' (through Merge Tracks), gets
the generator's size: a 640x640 take's path was read on 832x480 and stretched, unsaid. Told by the Studio nodes'
types and params, not by a workflow's node names. Plain data and stdlib."""
from __future__ import annotations

COORDINATES = "motion.tracks_from_coordinates"
MERGES = ("motion.merge_tracks",)


def fit(g, src: str, params: dict) -> None:
    """The Tracks from Coordinates behind ``src`` (a node of graph ``g`` wired into a generator's 'tracks') given the
    generator's width and height (``params``), where it reads pixels and both are known."""
    width, height = params.get("width"), params.get("height")
    if not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in (width, height)):
        return  # (a size the generator takes from its picture: nothing to match)
    todo, seen = [src], set()
    while todo:
        nid = todo.pop()
        node = g.nodes.get(nid)
        if node is None or nid in seen:
            continue
        seen.add(nid)
        if node.type_id == COORDINATES and not (node.params or {}).get("fractions"):
            node.params["width"], node.params["height"] = width, height
        elif node.type_id in MERGES:
            todo += [l.src for l in g.links if l.dst == nid]
