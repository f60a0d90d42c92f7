"""What to build by hand for a held LTX-2.3 in/outpainting IC-LoRA band (comfy_inpaint), told from the graph's shape
(issue 112): the painted clip LTXVInpaintPreprocess makes is clip * (1 - mask) + #66FF00 * mask (vanish_nodes.py,
read for meaning), which Studio's Composite of a Solid Colour #66FF00 over the clip through the mask gives. The mask
as the band makes it: a mask video read by ImageToMask's channel (Mask Tools' 'channel'), grown by
LTXVDilateVideoMask (a (2r+1)-pixel square max-pool, kept where over half: Mask Tools' threshold 0.5 and grow r
with 'grow_shape' square), or the border a pad adds (Studio's Pad by the same pixels, or to a target size). Every
value named where the workflow fixes it, else said to be worked out. Plain data and stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, is_resize, pads, upstream
from studio.core.shown import number

GREEN = "#66FF00"
DILATE = "LTXVDilateVideoMask"
TO_MASK = "ImageToMask"


def _name(n: CNode) -> str:
    return f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})" if n.title and n.title != n.shown_cls else \
        f"'{n.shown_cls}' (#{n.id})"


def by_hand(wf, way: list[CNode], pad: CNode | None) -> str:
    """The by-hand words for the painted guide whose mask comes along ``way`` (the mask's node first, then all it
    comes from); ``pad`` the outpaint's pad on that way, if any."""
    if pad is not None:
        return (f"by hand: {_pad_words(wf, pad)}, then Composite a Solid Colour {GREEN} the Pad's size over the Pad's "
                "video through the Pad's mask")
    words = f"by hand: Composite a Solid Colour {GREEN} the clip's size over the clip through Mask Tools on the mask video"
    picks = [n for n in way if n.cls == TO_MASK]
    channel = wf.value(picks[0], "channel") if picks else None
    if isinstance(channel, str):
        words += f" (its 'channel' {channel}, as {_name(picks[0])} picks it)"
    grows = [n for n in way if n.cls == DILATE]
    if grows:
        g = grows[0]
        r, t = wf.value(g, "spatial_radius"), wf.value(g, "temporal_radius")
        r_words = f"{number(r)} px" if isinstance(r, int) and not isinstance(r, bool) else \
            "the pixels ComfyUI works out when the workflow runs"
        sized = next((n for n in upstream(wf, g)[1:] if is_resize(n)), None)
        at = f" of the size {_name(sized)} scales the mask to" if sized is not None else ""
        words += f", threshold 0.5 and grown by {r_words}{at} with 'grow_shape' square as {_name(g)} grows it"
        if isinstance(t, int) and not isinstance(t, bool) and t > 0:
            words += f" (its grow over {number(t)} frames either side has no counterpart in Mask Tools)"
    return words


def _pad_words(wf, pad: CNode) -> str:
    px = pads(wf, pad)
    sides = ("left", "top", "right", "bottom")
    if all(isinstance(px[k], int) for k in sides):
        feather = px["feathering"] or 0
        return ("Pad the clip by " + ", ".join(f"{k} {number(px[k])}" for k in sides) + " px"
                + (f" with 'feather' {number(feather)}" if feather else "") + f" as {_name(pad)} pads it")
    w, h = wf.value(pad, "target_width"), wf.value(pad, "target_height")
    if isinstance(w, int) and isinstance(h, int) and not isinstance(w, bool) and not isinstance(h, bool) and w and h:
        return (f"Pad the clip with 'target_width' {number(w)} and 'target_height' {number(h)} as {_name(pad)} pads "
                "it (a larger clip shrunk to fit inside, centred)")
    return (f"Pad the clip to the size {_name(pad)} pads it to, with 'target_width' and 'target_height' (a larger "
            "clip shrunk to fit inside, centred)")
