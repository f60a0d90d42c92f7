"""A take merged on its way to a save with the control clip drawn from tracks (VideoX-Fun's and EasyAnimate's
'Trajectory-Merge': ImageMaximumNode of the take and CreateTrajectoryBasedOnKJNodes' clip): Studio's Composite
'lighten' (the brighter of the two, channel by channel) of the take and the Track Shapes made for that drawer
(mapping.drawn_tracks), scaled to the take's size as the node scales its second clip (nearest). What the node does is
not in its declaration (two pictures in, pictures out), so it is read by its name (VideoX-Fun's comfyui_nodes.py,
read for meaning: torch.maximum of the two clips, the second resized to the first); its other input must be a
drawing the conversion made, else it is left to its own sentence. A function on a builder ``b``; plain data."""
from __future__ import annotations

from ..reading.workflow import CNode

MAXIMUM = {"ImageMaximumNode": "lighten"}
SHAPES_KEY = "{}>shapes"  # b.loaded's key of the Track Shapes made for a drawer (mapping.drawn_tracks)


def take_side(b, n: CNode) -> str | None:
    """The input of a merge ``n`` (as ``merged`` reads it) that is not the drawn clip: the take's way; else None."""
    drawn = [k for k, v in n.links.items() if SHAPES_KEY.format(v[0]) in b.loaded]
    if n.cls not in MAXIMUM or len(n.links) != 2 or len(drawn) != 1:
        return None
    return next(k for k in n.links if k != drawn[0])


def merged(b, n: CNode, src: tuple[str, str], out: str, said: list[str]) -> tuple[str, str] | None:
    """Composite 'lighten' of the take ``src`` and the drawn clip for ``n``, said naming the save ``out``; None where
    ``n`` is no such merge."""
    mode = MAXIMUM.get(n.cls)
    drawn = [(k, v) for k, v in n.links.items() if SHAPES_KEY.format(v[0]) in b.loaded]
    if mode is None or n.id in b.used or len(n.links) != 2 or len(drawn) != 1:
        return None
    drawer = b.wf.nodes[drawn[0][1][0]]
    scale = b.add("transform.scale", {"fit": "exact", "interpolation": "nearest"}, n)
    b.g.connect(b.loaded[SHAPES_KEY.format(drawer.id)], "video", scale, "video")
    b.g.connect(*src, scale, "like")
    comp = b.add("edit.composite", {"mode": mode}, n)
    b.g.connect(*src, comp, "background")
    b.g.connect(scale, "video", comp, "foreground")
    b.used.add(n.id)
    said.append(f"{out} writes the take merged by {n.named()} with the control clip {drawer.named()} draws (the "
                "brighter of the two, channel by channel): Studio's Composite 'lighten' of the take and Track Shapes, "
                "scaled to the take's size")
    return comp, "video"
