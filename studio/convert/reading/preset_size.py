"""A width or height a node's own size preset sets over its 'width' / 'height' settings: a latent maker whose
'aspect_ratio' setting offers presets naming their size as 'WxH' text beside a 'custom' one (Comfyroll's 'CR SD1.5
Aspect Ratio' '2:3 portrait 512x768', 'CR SDXL Aspect Ratio' '3:4 portrait 896x1152'; the pack's rule, read for this
fact: a preset's size is the latent's, the 'width' / 'height' settings count only for 'custom', and 'swap_dimensions'
'On' swaps the two). Studio read the saved 512 / 512 settings and made 512x512 where ComfyUI makes 512x768 (heldout88
04, 05). Told by the settings' names and the preset's text, for any node that has them. Plain stdlib."""
from __future__ import annotations

import re
from typing import Any, Callable

PRESET = re.compile(r"(?:^|\s)(\d{2,5})\s*[x×]\s*(\d{2,5})\s*\)?\s*$")  # '2:3 portrait 512x768' at its end
SIDES = ("width", "height")


def preset_side(node: Any, name: str, value: Callable[[str], Any]) -> int | None:
    """The ``name`` ('width' or 'height') ``node``'s chosen 'aspect_ratio' preset sets (swapped where its
    'swap_dimensions' is 'On'); None where the node has no such preset chosen ('custom', a bare ratio, none)."""
    widgets = getattr(node, "widgets", {}) or {}
    if name not in SIDES or not all(k in widgets or k in (getattr(node, "links", {}) or {})
                                    for k in (*SIDES, "aspect_ratio")):
        return None
    chosen = value("aspect_ratio")
    found = PRESET.search(chosen) if isinstance(chosen, str) else None
    if found is None:
        return None
    w, h = int(found.group(1)), int(found.group(2))
    if not (0 < w <= 16384 and 0 < h <= 16384):
        return None
    if value("swap_dimensions") == "On":
        w, h = h, w
    return w if name == "width" else h
