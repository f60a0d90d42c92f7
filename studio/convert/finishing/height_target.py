"""A resize whose factor is worked out, when the workflow runs, from the height of the clip it scales, so that the
frames come out a height the workflow fixes: made as Studio's Scale to that height (heldout87 04's upscaler worker:
ImageScaleBy of 'Target Resolution' 1080 / ('Multiplier' x 4 of VHS_VideoInfo's source_height) after a x4
RealESRGAN, i.e. "1080 lines high"; Studio passed the resize over and wrote the frames x4).

Read where: the factor is wired from nodes Studio works out (math, casts: the workflow's own reading) from one number
it cannot work out when converting, a 'height' output of a node reading the loader at the start of the resize's
picture way; that way holds only model upscalers (ImageUpscaleWithModel, each of the factor its model file's name
gives: 'x4' / '4x'); and the factor times that height times the upscalers' factors comes out the same whole number
at several heights (the probe: the height set, the rest worked out as the workflow reads it). Then the frames are that
many lines high whatever the clip, which Studio's Scale makes (its width 0: kept to the frame's aspect, rounded as
ComfyUI rounds). Anything else: None (the resize is said not applied, as before). Plain data and stdlib."""
from __future__ import annotations

import math
import re
from typing import Any

from ..catalogue import node_type
from ..reading.workflow import LOADER_NODES, CNode, Workflow

UPSCALERS = {"ImageUpscaleWithModel": ("image", "upscale_model", "model_name")}  # (picture in, model in, its file)
FACTOR = re.compile(r"(?:^|[^0-9a-z])(?:x([1-8])|([1-8])x)(?![0-9])", re.I)  # '_x4plus', '4x-AnimeSharp', '4x_NMKD'
HEIGHTS = (480.0, 720.0, 1337.0)  # the clip's heights the factor is worked out at
MAX_NODES = 64  # the nodes looked at behind the factor


def _factor(wf: Workflow, up: CNode) -> tuple[int, str] | None:
    """(an upscaler's factor, its model file) from the file's name; None where it gives none or two."""
    pic, model, name = UPSCALERS[up.cls]
    loader = wf.source(up, model)
    file = wf.value(loader, name) if loader is not None else None
    found = {int(a or b) for a, b in FACTOR.findall(file)} if isinstance(file, str) else set()
    return (found.pop(), file) if len(found) == 1 else None


def _way(wf: Workflow, n: CNode) -> tuple[CNode, int, list[str]] | None:
    """(the video loader at the start of ``n``'s picture way, the upscalers' factor on it, their files) where only
    model upscalers lie between; None otherwise."""
    m, files, at = 1, [], wf.source(n, "image")
    while at is not None and at.cls in UPSCALERS and len(files) < MAX_NODES:
        got = _factor(wf, at)
        if got is None:
            return None
        m, files, at = m * got[0], files + [got[1]], wf.source(at, UPSCALERS[at.cls][0])
    if at is None or LOADER_NODES.get(at.cls, ("", ""))[1] != "video" or not files:
        return None
    return at, m, files


def _leaf(wf: Workflow, n: CNode, name: str, loader: CNode) -> tuple[CNode, int, set[str]] | None:
    """(the node, its output) of the one height the factor is worked out from when the workflow runs, read of
    ``loader``, and the ids of the nodes behind the factor; None where there is not exactly one such."""
    seen, todo, leaves = set(), [(n, name)], set()
    while todo and len(seen) < MAX_NODES:
        node, k = todo.pop()
        src_id, slot = node.links[k][0], node.links[k][1]
        src = wf.nodes.get(src_id)
        if src is None:
            return None
        known = wf.output(src, slot)
        if isinstance(known, (int, float)) and not isinstance(known, bool):
            continue
        if "height" in out_name(src, slot).lower() and any(wf.nodes.get(s[0]) is loader for s in src.links.values()):
            leaves.add((src.id, slot))
            continue
        if src.id in seen:
            continue
        seen.add(src.id)
        todo += [(src, j) for j in src.links]
    if len(leaves) != 1 or todo:
        return None
    (lid, slot), = leaves
    return wf.nodes[lid], slot, seen | {lid}


def out_name(n: CNode, slot: int) -> str:
    """Output ``slot``'s name as the UI file saves it, else as its type declares it (an API file names none)."""
    if slot < len(n.out_names) and n.out_names[slot]:
        return n.out_names[slot]
    t = node_type(n.origin or n.cls)
    outs = t.outputs if t is not None and t.outputs is not None else ()
    return str(outs[slot].name or "") if slot < len(outs) else ""


def target(wf: Workflow, n: CNode) -> dict[str, Any] | None:
    """{height, leaf, slot, loader, factor, files, read} of ImageScaleBy ``n`` where its factor brings its frames to
    one height (see the module); None otherwise."""
    if n.cls != "ImageScaleBy" or "scale_by" not in n.links or wf.value(n, "scale_by") is not None:
        return None
    way = _way(wf, n)
    leaf = _leaf(wf, n, "scale_by", way[0]) if way is not None else None
    if leaf is None:
        return None
    node, slot, read = leaf
    got = set()
    for h in HEIGHTS:
        with wf.supposing(node.id, slot, h):
            s = wf.value(n, "scale_by")
        if not isinstance(s, (int, float)) or isinstance(s, bool) or not math.isfinite(s) or s <= 0:
            return None
        got.add(round(s * h * way[1], 6))
    if len(got) != 1 or (t := got.pop()) != round(t) or not 16 <= t <= 16384:
        return None
    return {"height": int(t), "leaf": node, "slot": slot, "loader": way[0], "factor": way[1], "files": way[2],
            "read": read}
