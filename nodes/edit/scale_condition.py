"""When Scale (nodes/images.py) scales a frame: Essentials' ImageResize+'s conditions, by the frame's size against
the size worked out for it. Plain Python."""
from __future__ import annotations

CONDITIONS = ("always", "downscale if bigger", "upscale if smaller", "if bigger area", "if smaller area")


def applies(condition: str, w: int, h: int, tw: int, th: int) -> bool:
    """Whether a ``w`` x ``h`` frame is scaled to ``tw`` x ``th`` under ``condition`` (Essentials' ImageResize+'s
    choices): always; a side over the size's; a side under it; an area over its; an area under it."""
    if condition == "downscale if bigger":
        return w > tw or h > th
    if condition == "upscale if smaller":
        return w < tw or h < th
    if condition == "if bigger area":
        return w * h > tw * th
    if condition == "if smaller area":
        return w * h < tw * th
    return True
