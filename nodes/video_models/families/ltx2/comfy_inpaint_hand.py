"""What to build by hand for a held LTX-2.3 in/outpainting IC-LoRA band (comfy_inpaint), told from the graph's shape
(issue 112): the painted clip LTXVInpaintPreprocess makes is clip * (1 - mask) + #66FF00 * mask (vanish_nodes.py,
read for meaning), which Studio's Composite of a Solid Colour #66FF00 over the clip through the mask gives. The mask
as the band makes it: a mask video read by ImageToMask's channel (Mask Tools reads its luma: the same for a
black-and-white mask), grown by LTXVDilateVideoMask (a (2r+1)-pixel square max-pool, kept where over half; Mask
Tools' threshold 0.5 and grow r grow by a disk), or the border a pad adds (Studio's Pad by the same pixels; a target
size's borders are worked out of the clip's size when the workflow runs). Every value named where the workflow
fixes it, else said to be worked out. Plain data and stdlib."""
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
    if isinstance(channel, str) and channel != "alpha":
        words += (f" (Mask Tools reads it by its luma, {_name(picks[0])} by its {channel} channel: the same for a "
                  "black-and-white mask)")
    grows = [n for n in way if n.cls == DILATE]
    if grows:
        g = grows[0]
        r, t = wf.value(g, "spatial_radius"), wf.value(g, "temporal_radius")
        r_words = f"{number(r)} px" if isinstance(r, int) and not isinstance(r, bool) else \
            "the pixels ComfyUI works out when the workflow runs"
        sized = next((n for n in upstream(wf, g)[1:] if is_resize(n)), None)
        at = f" of the size {_name(sized)} scales the mask to" if sized is not None else ""
        words += (f", threshold 0.5 and grown by {r_words}{at} as {_name(g)} grows it (its grow a square, Mask "
                  "Tools' a disk")
        if isinstance(t, int) and not isinstance(t, bool) and t > 0:
            words += f"; its grow over {number(t)} frames either side has no counterpart in Mask Tools"
        words += ")"
    return words


def _pad_words(wf, pad: CNode) -> str:
    px = pads(wf, pad)
    sides = ("left", "top", "right", "bottom")
    if all(isinstance(px[k], int) for k in sides):
        feather = px["feathering"] or 0
        return ("Pad the clip by " + ", ".join(f"{k} {number(px[k])}" for k in sides) + " px"
                + (f" with 'feather' {number(feather)}" if feather else "") + f" as {_name(pad)} pads it")
    w, h = wf.value(pad, "target_width"), wf.value(pad, "target_height")
    to = f" to {number(w)}x{number(h)}" if isinstance(w, int) and isinstance(h, int) else ""
    return (f"Pad the clip{to} ({_name(pad)} shrinks a larger clip to fit inside it and centres it, its borders "
            "worked out of the clip's size when the workflow runs: set Pad's sides to what that gives)")
