"""The widget names of ComfyUI's core mask and picture nodes that Studio runs node for node (finishing.core_masks)
as their declaration in the catalogue orders them, so a UI file's saved values are named by it (its
widgets_values in that order), not by a hand-kept list. Looked up once, when such a node is first read."""
from __future__ import annotations

import functools

# ComfyUI's core types read so (comfy_extras/nodes_mask.py, nodes_images.py: their declarations in the catalogue)
DECLARED = ("ImageStitch", "ImageToMask", "MaskToImage", "InvertMask", "GrowMask", "ThresholdMask", "FeatherMask",
            "CropMask", "MaskComposite")


@functools.lru_cache(maxsize=None)
def widget_names(cls: str) -> tuple[str, ...] | None:
    """The names of ``cls``'s widgets in their declared order; None for a type not in DECLARED or not catalogued."""
    if cls not in DECLARED:
        return None
    from .. import catalogue
    t = catalogue.node_type(cls)
    return None if t is None else tuple(i.name for i in t.inputs if i.widget)
