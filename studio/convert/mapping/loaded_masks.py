"""ComfyUI core's LoadImageMask (a picture file's colour channel as a MASK) read as a loader of that file (LOADER_NODES:
Studio's Load Image, its kind 'mask') and its channel: ComfyUI's nodes.py LoadImageMask (read for facts,
Comfy-Org/ComfyUI@a125cd84): the file opened as RGBA, its 'channel' ('alpha', 'red', 'green', 'blue') taken as the
mask, 'alpha' inverted (1 - alpha, as LoadImage's own MASK). 'alpha': Studio's Load Image's alpha through Mask Tools
inverting it (mask_of_alpha); a colour: Mask Tools taking that channel of its picture (made once a loader).
Found by heldout104 (PolyGoneNYC's background lock mask, 'red') and heldout109 05 (SekoTalk's speakers' masks, 'red'),
whose loaders were no loaders. Keyed on the core type (its meaning is its code, not its declared types: as
mask_of_alpha). Plain stdlib."""
from __future__ import annotations

from typing import Any

from .mask_of_alpha import mask_of_alpha

TYPE = "LoadImageMask"
COLOURS = ("red", "green", "blue")


def channel(wf: Any, loader: Any) -> str | None:
    """The channel LoadImageMask ``loader`` takes ('alpha', 'red', 'green', 'blue'); None where Studio cannot tell it."""
    ch = wf.value(loader, "channel")
    return ch if ch in ("alpha", *COLOURS) else None


def made(b: Any, loader: Any, load: str, slot: int) -> tuple[str, str] | None:
    """Studio's output standing for a loader's MASK: LoadImage's (its output ``slot`` 1) and LoadImageMask's 'alpha',
    its Load Image's (``load``) alpha inverted (mask_of_alpha); LoadImageMask's colour, Mask Tools taking that channel
    of its picture (one a loader); None for another output or loader, or where its channel is not known."""
    if loader.cls == "LoadImage" and slot == 1:
        return mask_of_alpha(b, loader, (load, "alpha"))
    ch = channel(b.wf, loader) if loader.cls == TYPE else None
    if ch is None:
        return None
    image, alpha = (load, "image"), (load, "alpha")
    if ch == "alpha":
        return mask_of_alpha(b, loader, alpha)
    key = f"{loader.id}~{ch}"
    if key not in b.loaded:
        b.loaded[key] = b.add("edit.mask_tools", {"channel": ch}, loader, title=f"Mask ({ch} channel)")
        b.g.connect(*image, b.loaded[key], "mask")
    return b.loaded[key], "mask"
