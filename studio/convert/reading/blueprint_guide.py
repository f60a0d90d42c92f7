"""A blueprint's open picture input that guides frame 0 of a latent whose frame 0 another picture is already put in
place on (ltx2guide9, heldout13 / 21 / 55 'Pose to Video (LTX 2.0)'): two pictures at frame 0 make no keyframe, so in
use that input's pictures are a clip - an IC-LoRA's guide frames (the pose, depth or edge frames the take follows) -
and the loader made for it is a clip's (reading.blueprints). Told by declared types and names alone: the guide is a
node taking an IMAGE 'image' and a LATENT 'latent' with a frame index widget at 0 and giving a LATENT; the node before
it on 'latent' takes an IMAGE 'image' of its own (wired from elsewhere), a LATENT, and no frame index (it puts its
picture in place at the start). No node type named. Plain data and stdlib."""
from __future__ import annotations

MAX_STEPS = 8  # the nodes followed from an input through steps giving pictures again


def _pictures(t) -> bool:
    """A declared type giving pictures ('IMAGE', or a list holding it: ResizeImageMaskNode's 'IMAGE,MASK')."""
    return "IMAGE" in str(t or "").split(",")


def _input(node: dict, name: str) -> dict | None:
    return next((i for i in node.get("inputs") or [] if isinstance(i, dict) and i.get("name") == name), None)


def _frame(node: dict) -> object:
    """The node's saved frame index: its 'frame_idx' widget's value, by its place among the widget inputs; 'wired'
    where a link gives it, None where not known."""
    k = 0
    for i in node.get("inputs") or []:
        if not isinstance(i, dict) or not isinstance(i.get("widget"), dict):
            continue
        if i.get("name") == "frame_idx":
            if i.get("link") is not None:
                return "wired"
            vals = node.get("widgets_values")
            return vals[k] if isinstance(vals, list) and k < len(vals) else None
        k += 1
    return None


def _origin(links: dict, inp: dict | None) -> tuple | None:
    x = links.get(inp.get("link")) if inp is not None else None
    return (x.get("origin_id"), x.get("origin_slot")) if x is not None else None


def _root(links: dict, nodes: dict, at: tuple | None) -> tuple | None:
    """The subgraph input (-10, slot) the pictures from output ``at`` start from, through steps taking pictures on
    their first picture input; ``at`` itself where they start at a node of the subgraph."""
    for _ in range(MAX_STEPS):
        if at is None or at[0] == -10:
            return at
        node = nodes.get(at[0]) or {}
        inp = next((i for i in node.get("inputs") or [] if isinstance(i, dict) and _pictures(i.get("type"))
                    and i.get("link") is not None), None)
        if inp is None:
            return at
        at = _origin(links, inp)
    return at


def _over_inplace(links: dict, nodes: dict, guide: dict, came: tuple, slot: int) -> bool:
    """``guide`` guides frame 0 of a latent whose maker puts a picture other than ``came`` (nor one of input ``slot``)
    in place at the start."""
    lat, img = _input(guide, "latent"), _input(guide, "image")
    if lat is None or img is None or "LATENT" not in str(lat.get("type")) or _frame(guide) != 0:
        return False
    if not any(isinstance(o, dict) and o.get("type") == "LATENT" for o in guide.get("outputs") or []):
        return False
    src = _origin(links, lat)
    maker = nodes.get(src[0]) if src is not None else None
    if maker is None or _input(maker, "frame_idx") is not None:
        return False
    own = _input(maker, "image")
    o = _origin(links, own) if own is not None and _pictures(own.get("type")) else None
    return o is not None and o != came and _root(links, nodes, o) != (-10, slot)


def guides_frame0(sub: dict, slot: int) -> bool:
    """Whether subgraph ``sub``'s input ``slot`` reaches, through steps giving pictures again, a guide's 'image' at
    frame 0 over another picture put in place there (the module's words)."""
    links = {x.get("id"): x for x in sub.get("links") or [] if isinstance(x, dict)}
    nodes = {n.get("id"): n for n in sub.get("nodes") or [] if isinstance(n, dict)}
    todo = [(x.get("target_id"), x.get("target_slot"), (x.get("origin_id"), x.get("origin_slot")))
            for x in links.values() if x.get("origin_id") == -10 and x.get("origin_slot") == slot]
    seen: set = set()
    while todo and len(seen) < MAX_STEPS:
        nid, k, came = todo.pop()
        node = nodes.get(nid) or {}
        ins = node.get("inputs") or []
        into = ins[k] if isinstance(k, int) and 0 <= k < len(ins) and isinstance(ins[k], dict) else {}
        if into.get("name") == "image" and _over_inplace(links, nodes, node, came, slot):
            return True
        if nid in seen:
            continue
        seen.add(nid)
        for s, o in enumerate(node.get("outputs") or []):
            if isinstance(o, dict) and _pictures(o.get("type")):  # pictures again: follow them to what reads them
                todo += [(links[i].get("target_id"), links[i].get("target_slot"), (nid, s))
                         for i in o.get("links") or [] if i in links]
    return False
