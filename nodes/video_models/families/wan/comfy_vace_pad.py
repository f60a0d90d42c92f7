"""Wan VACE's outpaint as ComfyUI makes it: the control clip padded in pixels (ImagePadForOutpaint, or any pack's
pad told by its types: studio.convert.reading.pads) straight into WanVaceToVideo's 'control_video', its mask (carried
to each frame by MaskToImage / RepeatImageBatch / ImageToMask, or straight) on 'control_masks'. Studio's Pad with the
same pixels, ComfyUI's grey and feathering, gives Wan VACE its video and its mask, task 'inpaint' (the borders made,
the clip kept), so the task outpaints what the workflow pads; with no 'control_masks' wired ComfyUI remakes every
pixel, the padded clip a control (task 'control'). Where the pad is not so wired, the preset's pads are left to set,
said. Plain data and stdlib."""
from __future__ import annotations

from studio.convert.api import mask_way, other_settings, pads, plain
from studio.core.shown import number

GREY = "#808080"  # ComfyUI fills its pad with 0.5 grey


def read_pad(b, node, inputs: dict, said: list[str]) -> bool:
    """The pad ``b.pad`` read as Studio's Pad where it feeds ``node``'s 'control_video' straight (the task and the
    sentences set; the Pad made once the generator is wired: ``padded``); False where it is not so read."""
    wf, pad = b.wf, b.pad
    link = node.links.get("control_video") if node is not None else None
    px = pads(wf, pad)
    rest = other_settings(pad)
    if link is None or link[0] != pad.id or link[1] != 0 or "video" not in inputs or None in px.values() or \
            not plain(pad):  # (a pack's extra padding or target size: pixels Studio's Pad is not given)
        return False
    name = f"'{pad.title or pad.shown_cls}' ({pad.shown_cls}, #{pad.id})"
    sides = ", ".join(f"{k} {number(px[k])}" for k in ("left", "top", "right", "bottom"))
    feather = f", feathering {number(px['feathering'])} px" if px["feathering"] else ""
    masks = node.links.get("control_masks")
    way = mask_way(wf, node, "control_masks", pad) if masks else None
    if masks and way is None:
        return False
    b.pad_made = px
    b.used.add(pad.id)
    line = (f"{name} pads the control clip by {sides} px{feather} before {node.where('control_video')}: Studio's Pad "
            f"with the same pixels, filled with grey as ComfyUI's ImagePadForOutpaint fills, gives Wan VACE its video")
    if masks:
        b.used.update(n.id for n in way)
        b.extra["task"] = "inpaint"
        carried = ", ".join(f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})" for n in reversed(way))
        line += (f", and the Pad's mask (white on the borders) its mask: the pad's mask is what "
                 f"{node.where('control_masks')} is given" + (f" ({carried} carry it to each frame; Studio's mask is "
                                                               "on every frame)" if way else "")
                 + "; task 'inpaint', the borders made and the clip kept")
    else:
        b.extra["task"] = "control"
        line += f" (its {node.where('control_masks')} is not wired: ComfyUI remakes every pixel): task 'control'"
    w, h = wf.value(node, "width"), wf.value(node, "height")
    if isinstance(w, int) and isinstance(h, int):
        line += (f". Wan VACE scales the padded clip to {w}x{h}; where its shape is another, ComfyUI's "
                 f"{node.shown_cls} cuts the centre to that shape first, Studio's scales it whole")
    if rest:
        line += f"; its {', '.join(f'{k} {v}' for k, v in rest.items())} not applied (Studio's Pad fills with grey)"
    said.append(line)
    return True


def padded(b, gen: str, load: str, params: dict) -> None:
    """Studio's Pad between the clip on Wan VACE's 'video' and it, its mask on 'mask' (task 'inpaint'), where
    ``read_pad`` read the workflow's pad for this generator."""
    px = getattr(b, "pad_made", None)
    src = b.g.input_link(gen, "video")
    if px is None or src is None:
        return
    b.pad_made = None
    nid = b.add("edit.pad", {**{k: px[k] for k in ("left", "top", "right", "bottom")}, "color": GREY,
                             "feather": px["feathering"]}, b.pad)
    b.g.connect(src.src, src.src_port, nid, "video")
    b.g.connect(nid, "video", gen, "video")
    if params.get("task") == "inpaint":
        b.g.connect(nid, "mask", gen, "mask")
