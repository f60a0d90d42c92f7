"""An IC-LoRA guide given one still at a frame past the first (heldout102 09: the 'Last Frame Guide', ComfyUI-LTXVideo's
LTXAddVideoICLoRAGuide with the last picture at frame_idx -1, beside a first-frame picture): what it puts in the take
is that picture at that frame, as LTXVAddGuide's still does (comfy.py _guide: LTX-2's keyframe there), not a control
clip from frame 0, which made the last picture the control and the take never ended on it (and a control of one frame
is refused when the take is made): read as LTXVAddGuide's still (comfy._guide), a keyframe there. At frame 0 the
very picture the node on its 'latent' puts in place (the take's start picture) is nothing more: not taken, said. A
still at frame 0 otherwise stays the control it was (an ingredients IC-LoRA's reference picture is no first frame).
Told by what the guide is given (a still, its loader a picture's, not a clip's), its frame and its latent's picture,
not by a name list."""
from __future__ import annotations

from studio.convert.api import CNode, find_loader
from studio.core.shown import number

STILL = "LoadImage"  # ComfyUI's loader of one picture (a clip's loaders give many frames)


def still(b, n: CNode) -> CNode | None:
    """The picture's loader of the one still the guide ``n`` is given (None where it is given a clip, or frames
    Studio does not trace to a loader)."""
    found = find_loader(b.wf, n, "image", b.used)
    return found[0] if found is not None and found[0].cls == STILL else None


def later(b, n: CNode) -> bool:
    """The guide ``n`` is given one still at a frame other than the first."""
    return b.wf.value(n, "frame_idx") not in (0, None) and still(b, n) is not None


def over_start(b, n: CNode) -> str | None:
    """The sentence where the guide ``n`` is given, at frame 0, the very picture the node on its 'latent' already puts
    in place there (the take's start picture, an in-place node's 'image', its 'bypass' off): nothing more to take; None
    else (Lightricks' Ingredients example bypasses that node: its guide's picture is the reference, a control)."""
    one, src = still(b, n), b.wf.source(n, "latent")
    if b.wf.value(n, "frame_idx") not in (0, None) or one is None or src is None or "image" not in src.links or \
            b.wf.value(src, "bypass") or not src.enabled:  # (its picture switched off: none put in place)
        return None
    own = find_loader(b.wf, src, "image", set())
    if own is None or own[0].id != one.id:
        return None
    return (f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}), an IC-LoRA guide given at frame 0 the picture "
            f"'{src.title or src.shown_cls}' ({src.shown_cls}, #{src.id}) already puts in place there, the take's start "
            f"picture: not taken again (its strength {number(b.wf.value(n, 'strength'))} not applied)")


def said(n: CNode, at) -> str:
    """The sentence for a later still made a keyframe."""
    return (f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id}), an IC-LoRA guide given one still at frame {at}, "
            "puts that picture at that frame: made LTX-2's keyframe there, as a still guide's (LTX-2's 'control' takes "
            "a clip as long as the take)")
