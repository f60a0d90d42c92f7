"""LTX-2.3's in/outpainting IC-LoRA band made as a Studio graph where Studio's operations make its painting (issue
112, band2; ComfyUI-LTXVideo's LTX-2.3_ICLoRA_Inpaint/Outpaint_Two_Stage_Distilled, read for meaning): the guide
LTXVInpaintPreprocess paints is clip x (1 - mask) + #66FF00 x mask (vanish_nodes.py), which Studio's Composite
of a Solid Colour #66FF00 the clip's size over the clip through the mask gives exactly; its clip and mask are made
from the workflow's own steps (comfy_painted_chain). The LTXVLaplacianPyramidBlend that lays the take back over the
painted clip through the mask (white: the take) is Studio's Pyramid Blend after the generator. A later pass that
scales the blended take by pixels, encodes it and denoises it again (the templates' 'Generate High Resolution') and
its own blend are not made (the converter's reading of later passes says so, studio/convert/takes/passes.py): the
video saved is the first pass blended. Plain data and stdlib."""
from __future__ import annotations

import re

from studio.convert.api import LOADER_NODES, CNode, node_type, upstream

from .comfy_painted_chain import make, nodes_of, read_clip, read_mask

GREEN = "#66FF00"
PAINTS = "LTXVInpaintPreprocess"
BLEND = "LTXVLaplacianPyramidBlend"


def _name(n: CNode) -> str:
    return f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"


def _blends(wf, paint: CNode) -> list[CNode]:
    """The enabled Laplacian blends laying something over what ``paint`` paints (its 'image_b')."""
    return [n for n in wf.nodes.values() if n.cls == BLEND and n.enabled and n.links.get("image_b", (None,))[0]
            == paint.id and n.links.get("image_a") and n.links.get("mask")]


def _every_output_through(wf, guide: CNode, blends: list) -> bool:
    """Whether every output node (by its type's declaration) the guide reaches is reached through the blend."""
    if not blends:
        return False
    outs = [n for n in wf.nodes.values() if n.enabled and (t := node_type(n.cls)) is not None and t.output_node]
    ours = [n for n in outs if guide in upstream(wf, n)]
    return bool(ours) and all(blends[0][0] in upstream(wf, n) for n in ours)


def read_band(b, guide: CNode, paint: CNode, said: list[str], miss: list | None = None) -> bool:
    """True (the plan kept on ``b`` for :func:`painted_made`, its nodes used) where Studio's operations make the
    clip and the mask ``paint`` paints; False (the band held; the step not read put in ``miss``) otherwise."""
    wf = b.wf
    clip = read_clip(wf, paint.links.get("images"), 0, miss)
    mask = read_mask(wf, paint.links.get("mask"), miss) if clip is not None else None
    if clip is None or mask is None:
        return False
    blends = []
    for bl in _blends(wf, paint):
        m = read_mask(wf, bl.links["mask"])
        trim = wf.value(bl, "trim_to_shortest")
        grow = wf.value(bl, "mask_low_res_dilation")
        if m is not None and trim in (True, False) and isinstance(grow, int) and 0 <= grow <= 15:
            blends.append((bl, m, grow))
    blends = blends[:1] if _every_output_through(wf, guide, blends[:1]) else []  # (the first made, where every
    # output of the band goes through it; any other left to the converter's own sentences)
    b.painted_band = (guide, paint, clip, mask, blends, said)
    b.used.update(n.id for n in [paint, *nodes_of(clip), *nodes_of(mask)])
    b.used.update(bl.id for bl, m, _ in blends)
    b.used.update(n.id for _, m, _ in blends for n in nodes_of(m))
    return True


def painted_made(b, gen: str, load: str, params: dict) -> None:
    """The painting on the generator's 'control', the blend between the take and its Save Video, where
    :func:`read_band` read them."""
    plan = getattr(b, "painted_band", None)
    if plan is None:
        return
    b.painted_band = None
    guide, paint, clip, mask, blends, said = plan
    made: dict = {}
    old = b.g.input_link(gen, "control")
    src = make(b, clip, made)
    m = make(b, mask, made)
    solid = b.add("procedural.solid", {"color": GREEN}, paint)
    b.g.connect(*src, solid, "like")
    comp = b.add("edit.composite", {"mode": "over", "opacity": 1.0}, paint)
    b.g.connect(*src, comp, "background")
    b.g.connect(solid, "video", comp, "foreground")
    b.g.connect(*m, comp, "mask")
    b.g.connect(comp, "video", gen, "control")
    if old is not None:
        _drop_unused(b, old.src)
    steps = [x for x in {x.id: x for x in nodes_of(clip) + nodes_of(mask)}.values() if x.cls not in LOADER_NODES]
    kinds = [t for t, k in (("Scale", ("scale", "like")), ("Pad", ("pad", "padmask")), ("Mask Tools", ("mask",)))
             if _has(clip, k) or _has(mask, k)]
    said.append(f"{_name(paint)} paints {GREEN} over the clip where its mask is, for the in/outpainting IC-LoRA to "
                f"fill ({guide.where('image')}): Studio's Composite of a Solid Colour {GREEN} the clip's size over the "
                f"clip through the mask on the generator's 'control', the clip and the mask made by Studio's "
                f"{', '.join(kinds)} as " + ", ".join(_name(x) for x in steps) + " make them")
    _withdraw(b, [paint, *steps], said)
    for bl, bm, grow in blends:
        same = bl.links["mask"] == paint.links.get("mask")
        _blend(b, gen, bl, comp, m if same else make(b, bm, made), grow, said)


def _has(recipe, kinds: tuple[str, ...]) -> bool:
    todo = [recipe]
    while todo:
        r = todo.pop()
        if r[0] in kinds:
            return True
        todo.extend(x for x in r if isinstance(x, tuple) and x and isinstance(x[0], str))
    return False


def _drop_unused(b, nid: str) -> None:
    """The Scales the generic reading made on the control's way, left with nothing to feed, taken away."""
    while nid in b.g.nodes and b.g.nodes[nid].type_id == "transform.scale" and not b.g.outputs_of(nid):
        up = b.g.input_link(nid, "video")
        b.g.remove_node(nid)
        if up is None:
            return
        nid = up.src


def _blend(b, gen: str, bl: CNode, painted: str, m: tuple[str, str], grow: int, said: list[str]) -> None:
    """Studio's Pyramid Blend of the take over the painted clip between the generator and its Save Video."""
    saves = [x for x in b.g.outputs_of(gen) if x.src_port == "video" and b.g.nodes[x.dst].type_id == "io.save_video"]
    if not saves:
        said.append(f"{_name(bl)}, which lays the take over the painted clip through the mask, is not applied: the "
                    "take is not saved straight from the generator here")
        return
    fit = b.add("transform.scale", {}, bl)
    b.g.connect(gen, "video", fit, "video")
    b.g.connect(painted, "video", fit, "like")
    nid = b.add("edit.pyramid_blend", {"levels": 7, "mask_grow": grow}, bl)
    b.g.connect(painted, "video", nid, "background")
    b.g.connect(fit, "video", nid, "foreground")
    b.g.connect(*m, nid, "mask")
    for x in saves:
        b.g.connect(nid, "video", x.dst, x.dst_port)
    said.append(f"{_name(bl)} lays the take over the painted clip through the mask (white: the take; its "
                f"mask_low_res_dilation {grow}): Studio's Pyramid Blend between the generator and the Save Video, the "
                "take first scaled to the painted clip's size (ComfyUI makes the take at that size, worked out when "
                "the workflow runs; set the generator's width and height to it and that Scale keeps the take as it is)")


def _withdraw(b, made: list[CNode], said: list[str]) -> None:
    """The steps now made taken out of the sentence saying the control's file is wired without them."""
    line = b.wired_without.get("control")
    if line is None or line not in said:
        return
    names = {_name(x) for x in made} | {f"'{x.title or x.shown_cls}' ({x.shown_cls}, #{x.id})" for x in made}
    head, sep, tail = line.partition(" through ComfyUI's ")
    steps, colon, _ = tail.partition(": the file is wired without ")
    named = re.findall(r"'[^']*' \([^)]*\)", steps) if sep and colon else []
    left = [x for x in named if x not in names]
    if len(left) == len(named):
        return
    if not left:
        said.remove(line)
        b.wired_without.pop("control", None)
    else:
        said[said.index(line)] = b.wired_said("control", head, left)
