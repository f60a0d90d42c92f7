"""ComfyUI's Load Image gives its picture's mask as 1 - the file's alpha (transparent pixels are 1: what a mask
painted in its editor marks, the area a VACE, Animate or talking-speaker mask asks the model to make); Studio's Load
Image gives the alpha itself. A generator input read from that MASK is given Studio's alpha inverted by Mask Tools
(made once a loader, titled so), as finishing.core does for a core node's MASK: before, the alpha was wired as it is,
so the kept and the remade areas were swapped with no sentence (heldout11's InfiniteTalk speakers' masks). The
meaning (1 - alpha) is ComfyUI's LoadImage code, not its declared types: keyed on that one core loader (and packs'
loaders read as it). Plain stdlib."""
from __future__ import annotations

TITLE = "Mask (1 - alpha)"


def mask_of_alpha(b, loader, alpha: tuple[str, str]) -> tuple[str, str]:
    """Studio's output standing for ComfyUI ``loader``'s MASK: its Load Image's ``alpha`` through a Mask Tools that
    inverts it (one a loader, however often the mask is read)."""
    key = f"{loader.id}~mask"
    if key not in b.loaded:
        inv = b.add("edit.mask_tools", {"invert": True}, loader, title=TITLE)
        b.g.connect(*alpha, inv, "mask")
        b.loaded[key] = inv
    return b.loaded[key], "mask"
