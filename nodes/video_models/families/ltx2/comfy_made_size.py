"""The size LTX-2 makes a take at where a workflow asks one off its 32-pixel grid, for the stages line: ComfyUI's LTX
latents hold height // 32 x width // 32 (comfy_extras/nodes_lt.py: EmptyLTXVLatentVideo's zeros [..., height // 32,
width // 32]), and Studio's LTX-2 rounds each side down to its family's multiple, 32, when it runs
(sampling/generators.output_size, said then). So the stages say the size both make, and its upscale's (heldout101
06: "makes the take at 960x540, ... upscales it x2 (1920x1080)" where both make 960x512 and 1920x1024). Plain
stdlib."""
from __future__ import annotations

from typing import Any

MULTIPLE = 32  # LTX-2's size_multiple (family.py; tested equal)


def made(w: Any, h: Any) -> tuple[Any, Any, str]:
    """(w, h) each down to a multiple of 32, and in words the size asked where it is off the grid ('' where not, or
    where a side is not known)."""
    if not (isinstance(w, int) and isinstance(h, int)) or isinstance(w, bool) or isinstance(h, bool):
        return w, h, ""
    mw, mh = max(MULTIPLE, w // MULTIPLE * MULTIPLE), max(MULTIPLE, h // MULTIPLE * MULTIPLE)
    if (mw, mh) == (w, h):
        return w, h, ""
    return mw, mh, (f" ({w}x{h} asked: each side down to a multiple of {MULTIPLE}, as ComfyUI's LTX latent holds it "
                    "and Studio's LTX-2 makes it)")
