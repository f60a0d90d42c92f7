"""How a resize after the generator (finish.after_take) meets its size, read from the resize's own settings by their
names: ComfyUI's 'center' crop (ImageScale, ImageResizeKJ, ResizeImageMaskNode) or KJNodes' keep_proportion 'crop'
is Studio Resize's 'fill' (cut to the aspect, the middle kept), 'pad' its 'fit' (bars); the resampling filter is
the resize's own where Studio has it. What Studio's Resize does not do the same is said in words (found by the third
held-out set: a Cosmos take upscaled and cut to 16:9 by ImageScale was stretched). Plain data and stdlib."""
from __future__ import annotations

from ..reading.workflow import CNode, Workflow
from ..tracing.resizes import METHODS, scale_params

PADS = ("pad", "pad_edge", "pad_edge_pixel")


def resize_fit(wf: Workflow, n: CNode) -> tuple[dict, str]:
    """Studio Resize's 'fit' and 'interpolation' doing what resize ``n`` does, and the words for the sentence
    (empty for a plain stretch)."""
    p = scale_params(wf, n) or {}
    method = wf.value(n, "upscale_method")
    method = method if method in METHODS else wf.value(n, "scale_method")
    params = {"interpolation": METHODS[method]} if method in METHODS else {}
    keep = wf.value(n, "keep_proportion")
    # (KJNodes' v1 keep_proportion True fits the box to the picture's aspect first: its crop then cuts nothing)
    if (p.get("crop") == "center" or wf.value(n, "crop") == "center") and keep is not True or keep == "crop":
        params["fit"] = "fill"
        where = wf.value(n, "crop_position")
        if keep == "crop" and isinstance(where, str) and where != "center":
            return params, f" (cut to that aspect: ComfyUI keeps its {where}, Studio's Resize its middle)"
        return params, " (cut to that aspect, its middle kept)"
    if keep in PADS:
        params["fit"] = "fit"
        return params, " (fitted inside it with bars, as ComfyUI pads it)"
    if keep not in (None, False, "stretch"):
        return params, (f" (stretched to it: ComfyUI's keep_proportion '{keep}' keeps the picture's proportion, "
                        "so its size may differ)")
    return params, ""
