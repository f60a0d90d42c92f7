"""The sides ComfyUI's ImagePadForOutpaint pads a clip by, as Wan VACE's outpaint is told them (comfy._vace_task),
where the pad is not read as Studio's Pad (comfy_vace_pad).

A side set on the node is its number of pixels; a side wired to a constant is that constant; a side wired to a value
worked out only when the workflow runs (heldout114 03: the camera pack's top and bottom, (source width - source
height) / 2 from Video Info and two math nodes) is named with the node giving it, never the number the file keeps
under the link (a stale widget: "top 280" was said where ComfyUI pads by the clip's own measure). A side of 0 pixels
is Wan VACE's pad of 0 on that side whatever the clip's size, so it is set so; the others, fractions of a size only
known when it runs, are left to set by hand (said). Told by the node's declared settings and links, never by the
workflow's name. Plain data and stdlib."""
from __future__ import annotations

from studio.core.shown import number

SIDES = ("left", "top", "right", "bottom")


def read(b, pad) -> tuple[str, dict[str, float]]:
    """(the sentence's words for the pad's sides, the Wan VACE pad_* settings they fix) of ImagePadForOutpaint ``pad``."""
    wf = b.wf
    raw = pad.raw if isinstance(pad.raw, list) else []
    known, wired, fixed = [], [], {}
    for i, k in enumerate(SIDES):
        if k in pad.links:
            v = wf.value(pad, k)
            if v is None:
                src = wf.nodes.get(pad.links[k][0])
                wired.append((k, src))
                continue
        else:
            v = pad.widgets.get(k, raw[i] if i < len(raw) else None)
        known.append(f"{k} {number(v)}" if isinstance(v, (int, float)) else f"{k} (not saved)")
        if isinstance(v, (int, float)) and not isinstance(v, bool) and v == 0:
            fixed[f"pad_{k}"] = 0.0
    words = f"{', '.join(known)} px" if known else ""
    if wired:
        givers = list(dict.fromkeys(src.named() if src is not None else "a node" for _, src in wired))
        sides = " and ".join(k for k, _ in wired)
        words += ("; " if words else "") + (f"its {sides} worked out when the workflow runs (given by "
                                            f"{', '.join(givers)}), a number Studio cannot work out when converting")
    return words, fixed


def sentence(words: str, fixed: dict[str, float]) -> str:
    """The outpaint line of the generator's note."""
    zero = [k[4:] for k in fixed]
    set_ = (f"; Wan VACE's pad_{'/'.join(zero)} set to 0 (no border there, whatever the clip's size)" if zero else "")
    return (f"outpaint: ComfyUI pads the clip by {words}{set_}; Wan VACE's pad_* are fractions of the clip's width "
            f"and height: set the {'others' if zero else 'sides'} for your clip")
