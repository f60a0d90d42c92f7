"""The ways one take's latent reaches a later node that continues it (issue 112 item 4), read by the nodes' declared
types (the catalogue's, else the ones the UI file saves): through nodes passing the latent on (one LATENT socket, a
LATENT out: KJNodes' GetLatentSizeAndCount, a node keeping a take's last latent frames) and through the take's frames
decoded and encoded again (VAEEncode of a VAEDecode's frames, through image operations: a resize, a brightness,
GetImageSizeAndCount). A frame pick on the way (a few frames of the take, not all of it) is not a take's latent.
Shared by the Wan family's continued takes (comfy_svi_ways) and the shots of an uncatalogued node
(packs/shot_chains). Plain data and stdlib: nothing of ComfyUI is imported or run."""
from __future__ import annotations

from .. import catalogue
from ..reading.workflow import CNode
from .sampling import SAMPLERS

# frames picked from a take (not the whole take): facts of their packs' sources
PICKS = ("ImageFromBatch", "GetImageRangeFromBatch", "VHS_SplitImages", "VHS_SelectEveryNthImage", "ImageFromBatch+")
MAX_STEPS = 16


def types(n: CNode) -> tuple[list[tuple[str, str]], list[str]]:
    """(the node's sockets (name, type), its outputs' types): its pack's declared ones, else the file's own."""
    t = catalogue.node_type(n.origin or n.cls)
    if t is not None and t.inputs is not None and t.outputs:
        return [(i.name, i.type) for i in t.sockets], list(t.output_types)
    return list(n.in_types.items()), list(n.out_types)


def through(n: CNode, slot: int, kind: str) -> str | None:
    """The input a node gives on at output ``slot`` of type ``kind`` where that is all it takes of the kind and it
    takes nothing else but numbers (a pass-through or an operation on it); None otherwise."""
    if n.cls in SAMPLERS or n.cls in PICKS:
        return None
    sockets, outs = types(n)
    if not (0 <= slot < len(outs)) or outs[slot] != kind or kind in outs[:slot]:
        return None
    mine = [k for k, ty in sockets if ty == kind]
    others = [ty for k, ty in sockets if ty != kind and k in n.links and ty not in ("INT", "FLOAT", "MASK")]
    return mine[0] if len(mine) == 1 and not others and mine[0] in n.links else None


def frames_of(wf, link: tuple, way: list[CNode]) -> tuple | None:
    """The latent link a decoder reads behind image ``link`` (through image operations, each added to ``way``)."""
    for _ in range(MAX_STEPS):
        src = wf.nodes.get(link[0])
        if src is None:
            return None
        if src.cls.startswith("VAEDecode"):
            way.append(src)
            got = src.links.get("samples") or src.links.get("latents")
            return tuple(got[:2]) if got else None
        k = through(src, link[1], "IMAGE")
        if k is None:
            return None
        way.append(src)
        link = src.links[k]
    return None


def sampler_behind(wf, link: tuple) -> tuple[CNode, list[CNode]] | None:
    """(the sampler whose take latent ``link`` is, the nodes on the way) through latent pass-throughs and a take's
    frames decoded and encoded again; None where the latent is something else's (a clip loaded and encoded)."""
    way: list[CNode] = []
    for _ in range(MAX_STEPS):
        src = wf.nodes.get(link[0])
        if src is None:
            return None
        if src.cls in SAMPLERS:
            return src, way
        if src.cls.startswith("VAEEncode") and "pixels" in src.links:
            way.append(src)
            got = frames_of(wf, src.links["pixels"], way)
            if got is None:
                return None
            link = got
            continue
        k = through(src, link[1], "LATENT")
        if k is None:
            return None
        way.append(src)
        link = src.links[k]
    return None
