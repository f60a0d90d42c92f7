"""A node measuring the picture it is given, told by its declared types: one IMAGE socket, INT outputs named
'width' and 'height' (KJNodes' GetImageSizeAndCount, which also passes the picture on; essentials' GetImageSize+).
Its width and height are the size of that picture wherever Studio works that size out (a resize to a size its
settings fix: reading.resized), as ComfyUI's own GetImageSize is read (Workflow._output). Found by the sixth held-out
set: InfiniteTalk's wrapper workflows size their take by GetImageSizeAndCount of a KJ resize to 640x640 or 960x1024
(the picture scaled so by Studio's Scale), yet the size was said not worked out. Plain data and stdlib."""
from __future__ import annotations

from .. import catalogue

AXES = {"width": 0, "height": 1}


def _axis_name(name: str) -> str:
    """An output's declared name as an axis: 'width' / 'height', or one of them with its type after it (Easy-Use's
    'easy imageSize' gives 'width_int', 'height_int': heldout25 13's EmptyImage 1024x768 was 'a value Studio cannot
    work out')."""
    return name[:-4] if name.endswith("_int") else name


def _type(node):
    if getattr(node, "kept_state", False):  # a state its page keeps in its properties (a size it resizes to: heldout98
        return None  # 10's PixaromaLongestSide), no setting: not known to measure its picture as it is
    t = catalogue.node_type(node.origin or node.cls)
    if t is None or t.inputs is None or not t.outputs:
        return None
    sockets = [i for i in t.sockets]
    if len(sockets) != 1 or sockets[0].type != "IMAGE" or any(i.name in AXES for i in t.inputs):
        return None  # (a width or height it is given: a resize giving its own picture's size, ImageResize+: resized)
    if any(True for _ in t.widgets):  # a setting: a size it works out (a bucket, a megapixel budget, a crop), no
        return None  # measure of its picture (sizes6: HyVideoGetClosestBucketSize, FramePackFindNearestBucket,
    # WanVideoImageResizeToClosest were read as their picture's own size)
    named = {_axis_name(o.name or ""): o.type for o in t.outputs}
    return t if named.get("width") == "INT" and named.get("height") == "INT" else None


def axis(node, slot: int) -> int | None:
    """0 (width) / 1 (height) where output ``slot`` of ``node`` gives its picture's width / height, else None."""
    t = _type(node)
    if t is None or not 0 <= slot < len(t.outputs):
        return None
    return AXES.get(_axis_name(t.outputs[slot].name or "")) if t.outputs[slot].type == "INT" else None


def image_input(node) -> str | None:
    """The socket a measuring node reads its picture from ('image'), None for another node."""
    t = _type(node)
    return t.sockets[0].name if t is not None else None


def passes_picture(node) -> bool:
    """A measuring node giving its picture on as it is (an IMAGE output beside the sizes)."""
    t = _type(node)
    return t is not None and any(o.type == "IMAGE" for o in t.outputs)
