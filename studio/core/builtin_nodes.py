"""Nodes that belong to the engine itself rather than to a node package."""
from __future__ import annotations

from .spec import CLIP, In, Node, Out


class Reroute(Node):
    """A dot on a wire to tidy the canvas. Compiled away: it costs nothing at run time."""
    id = "studio.reroute"
    title = "Reroute"
    category = "Utility"
    timing = CLIP
    inputs = (In("in", "Any"),)
    outputs = (Out("out", "Any"),)

    def run(self, ctx, **inputs):
        return {"out": inputs["in"]}
