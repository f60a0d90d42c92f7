"""LTX-2.3's outpainting IC-LoRA band made where Studio's nodes make its guide exactly (issue 112): a pad by fixed
pixels with no feathering (ComfyUI's ImagePadForOutpaint, or a pack's pad told by its types: studio.convert.reading.
pads) gives LTXVInpaintPreprocess both its pictures and its mask straight, and the painted clip is the IC-LoRA
guide's 'image' straight. ComfyUI's pad fills the border grey and marks it 1 on its mask, 0 over the frame; the
preprocess paints clip * (1 - mask) + #66FF00 * mask (vanish_nodes.py, read for meaning): the clip with a #66FF00
border, which Studio's Pad by the same pixels filled with #66FF00 gives pixel for pixel. That Pad is put between the
clip and the generator's 'control' once the generator is wired (``painted``). A pad worked out when the workflow
runs (a target size), a feathered one, or a mask video (a grow ComfyUI makes by a square, a channel) is not so made:
the band stays held with its by-hand words (comfy_inpaint_hand). Plain data and stdlib."""
from __future__ import annotations

import re

from studio.convert.api import CNode, is_pad, pads, plain
from studio.core.shown import number

GREEN = "#66FF00"
SIDES = ("left", "top", "right", "bottom")


def read_pad(b, guide: CNode, paint: CNode, said: list[str]) -> bool:
    """True (the Pad to make kept on ``b``, the sentence said, the pad and the preprocess used) where ``paint``
    (LTXVInpaintPreprocess, feeding ``guide``'s 'image') takes a plain pad's pictures and mask straight, by fixed
    pixels and no feathering; False otherwise."""
    wf = b.wf
    pics, mask = paint.links.get("images"), paint.links.get("mask")
    pad = wf.nodes.get(pics[0]) if pics else None
    if pad is None or not pad.enabled or not is_pad(pad) or pics[1] != 0 or mask != (pad.id, 1) or \
            not plain(pad):
        return False
    px = pads(wf, pad)
    if any(not isinstance(px[k], int) for k in SIDES) or px["feathering"] != 0:
        return False
    b.painted_pad = ({k: px[k] for k in SIDES}, pad, paint, said)
    b.used.update((pad.id, paint.id))
    sides = ", ".join(f"{k} {number(px[k])}" for k in SIDES)
    said.append(f"'{pad.title or pad.shown_cls}' ({pad.shown_cls}, #{pad.id}) pads the clip by {sides} px and "
                f"'{paint.title or paint.shown_cls}' ({paint.shown_cls}, #{paint.id}) paints that border {GREEN} for "
                f"the in/outpainting IC-LoRA to fill ({guide.where('image')}): Studio's Pad by the same pixels, "
                f"filled with {GREEN}, gives the generator's 'control' that same clip")
    return True


def painted(b, gen: str, load: str, params: dict) -> None:
    """Studio's Pad (filled #66FF00) between the clip on the generator's 'control' and it, where ``read_pad`` read
    the band's pad."""
    made = getattr(b, "painted_pad", None)
    src = b.g.input_link(gen, "control")
    if made is None or src is None:
        return
    b.painted_pad = None
    px, pad, paint, said = made
    _made_step(b, paint, said)
    nid = b.add("edit.pad", {**px, "color": GREEN, "feather": 0}, pad)
    b.g.connect(src.src, src.src_port, nid, "video")
    b.g.connect(nid, "video", gen, "control")


def _made_step(b, paint: CNode, said: list[str]) -> None:
    """The painting taken out of the sentence saying the control's file is wired without the steps on its way (the
    Pad made is it); the sentence withdrawn where it was the only one."""
    line = b.wired_without.get("control")
    if line is None or line not in said:
        return
    name = f"'{paint.title or paint.shown_cls}' ({paint.shown_cls}, #{paint.id})"
    head, sep, tail = line.partition(" through ComfyUI's ")
    steps, colon, rest = tail.partition(": the file is wired without ")
    named = re.findall(r"'[^']*' \([^)]*\)", steps) if sep and colon else []
    left = [x for x in named if x != name]
    if len(left) == len(named):
        return
    if not left:
        said.remove(line)
        b.wired_without.pop("control", None)
        return
    new = b.wired_said("control", head, left)
    said[said.index(line)] = new
