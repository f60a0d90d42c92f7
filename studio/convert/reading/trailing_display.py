"""A UI node saving one value more than its type declares widgets, after them all: a display its pack's newer page
draws under the settings (KJNodes' ImageResizeKJv2 saves its size read-out, '<tr><td>Output: ...', ninth), never a
setting the node runs with. Its values are named by the declared widgets where every one of them fits its declared
type (a number for INT / FLOAT, a choice among the declared ones, a text for STRING), the last one let go; else not
(heldout25 07: the resize's 1280x720 crop and the size it gives the latent were read 'saved by place' and not applied).
A trailing ComfyUI file address ('/view?filename=...': the preview a pack's page draws, comfyui-animatediff's
vid_preview.js) lets a choice made at run time (a list of the pack's folder) fit any text (heldout90 06). Plain stdlib."""
from __future__ import annotations

from typing import Any

from .forced_widgets import fits

PREVIEW = "/view?"  # how ComfyUI's address of a file it serves begins


def named(widgets: list, values: list) -> dict[str, Any]:
    """``values`` named by ``widgets`` (the declared ones, in the page's order) where exactly one trailing display
    value is beyond them and every other fits its widget's type; {} otherwise."""
    if not widgets or len(values) != len(widgets) + 1 or not isinstance(values[-1], str):
        return {}
    strict = not values[-1].startswith(PREVIEW)  # (a preview's address: no setting, whatever the choices)
    if not all(fits(w, v, strict=strict) for w, v in zip(widgets, values)):
        return {}
    return {w.name: v for w, v in zip(widgets, values)}
