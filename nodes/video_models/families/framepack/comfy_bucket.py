"""A FramePack start image stretched to the bucket ComfyUI-FramePackWrapper's FramePackFindNearestBucket picks for it
(heldout49 04), read as the Framepack node's 'bucket' (buckets.py: the release's table at 640, which the node picks
from the still's aspect when it runs, as the workflow does); an end image stretched to the same bucket is the
Framepack node's last image, which its pipeline makes at the take's size. The bucket node's behaviour, a table of sizes
chosen from the picture when the workflow runs, is not told by its declared types (two INT outputs from an IMAGE):
it is named here. Its way: the start latent's picture, through nodes that pass a picture on (GetImageSizeAndCount), to
a resize whose width and height are the bucket node's and which stretches (a 'stretch' method or fit, or crop
'disabled'), of the same picture the bucket node measures, at a resolution the release declares buckets at; what
the way's nodes give goes nowhere else. Plain data and stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, Workflow, node_type

from .buckets import BUCKETS

BUCKET = "FramePackFindNearestBucket"
STRETCH = {"method": ("stretch",), "keep_proportion": ("stretch",), "crop": ("disabled",), "fit": ("stretch",)}
MAX_STEPS = 8
MUTED = 2  # a node's mode ComfyUI never runs


def _stretches(wf: Workflow, n: CNode) -> bool:
    return any(k in n.widgets and wf.value(n, k) in v for k, v in STRETCH.items())


def _consumers(wf: Workflow, node_id: str) -> list[CNode]:
    """The nodes taking what ``node_id`` gives that ComfyUI runs: a muted one (mode 2) never does (heldout48 06's
    muted chained resizes of the same bucket); a bypassed one passes it on, so it counts."""
    return [m for m in wf.nodes.values() if m.mode != MUTED and any(src and src[0] == node_id for src in m.links.values())]


def _passes_picture(n: CNode, slot: int) -> str | None:
    """The input ('image' / 'images', a picture) a node gives on as its output ``slot``, a picture, by its declared
    types (GetImageSizeAndCount's 'image'); None for another node."""
    t = node_type(n.origin or n.cls)
    if t is None or t.inputs is None or t.outputs is None or not 0 <= slot < len(t.outputs) \
            or t.outputs[slot].type != "IMAGE":
        return None
    return next((k for k in ("image", "images") if (i := t.input(k)) is not None and i.type == "IMAGE"), None)


def _way(wf: Workflow, link) -> tuple[list[CNode], CNode, CNode] | None:
    """(the nodes from ``link``'s node to the resize, the resize, the bucket node giving its size) or None."""
    way = []
    for _ in range(MAX_STEPS):
        n = wf.nodes.get(link[0]) if link else None
        if n is None:
            return None
        way.append(n)
        w, h = (wf.source(n, k) for k in ("width", "height"))
        if w is not None and w is h and w.cls == BUCKET:
            if _stretches(wf, n) and n.links["width"][1] == 0 and n.links["height"][1] == 1 and "image" in n.links:
                return way, n, w
            return None
        port = _passes_picture(n, link[1])
        if port is None or port not in n.links:
            return None
        link = n.links[port]
    return None


def read(wf: Workflow, start, end, fine: set[str]) -> tuple[tuple, tuple | None, str, int, list[CNode]] | None:
    """(the picture the start image is stretched from, the end picture likewise or ``end``, the sentence, the
    resolution, the nodes read on the way) for a start image stretched to FramePackFindNearestBucket's size; None for
    another way. ``fine``: the nodes already read that may take a picture of the ways (the latents' encodes, the
    image embeddings')."""
    got = _way(wf, start)
    if got is None:
        return None
    way, resize, bucket = got
    res = wf.value(bucket, "base_resolution")
    if res not in BUCKETS or bucket.links.get("image") != resize.links.get("image"):
        return None
    nodes, end_image = way + [bucket], end
    if end is not None and (other := _way(wf, end)) is not None and other[2] is bucket:
        nodes += other[0]
        end_image = other[1].links["image"]
    ids = {x.id for x in nodes} | fine
    if any(m.id not in ids for x in nodes for m in _consumers(wf, x.id)):
        return None  # (what the way gives goes elsewhere too: left to the converter's own reading)
    last = (f"; the end picture stretched to the same bucket is the node's last image, made at that size"
            if end_image is not end else "")
    line = (f"'{bucket.title or bucket.cls}' ({bucket.cls}, #{bucket.id}) picks the FramePack bucket at {res} nearest "
            f"the picture's aspect and '{resize.title or resize.cls}' ({resize.cls}, #{resize.id}) stretches the "
            f"picture to it: the Framepack node's 'bucket' {res} makes the take at that size, picked from the picture "
            f"when it runs{last}")
    return resize.links["image"], end_image, line, res, nodes
