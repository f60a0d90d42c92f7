"""A filter on a take's frames, told by its declared type: one IMAGE socket in, IMAGE out, of a post-processing
category ('image/postprocessing': ComfyUI's ImageSharpen, ImageBlur, ImageQuantize; a pack's of the same words),
its other inputs settings. It works frame by frame, keeping every frame: a pass reworking a take read through it
(takes.restyle) keeps reading the take's every frame, the filter said not applied. Plain stdlib."""
from __future__ import annotations

from .. import catalogue

CATEGORY_WORDS = ("postprocessing", "post processing", "post-processing")


def filter_input(n) -> str | None:
    """The IMAGE socket of such a filter (see the module); None for another node."""
    t = catalogue.node_type(n.origin or n.cls)
    if t is None or t.inputs is None or t.output_types != ("IMAGE",):
        return None
    if not any(w in t.category.lower() for w in CATEGORY_WORDS):
        return None
    images = [i.name for i in t.sockets if i.type == "IMAGE"]
    others = [i for i in t.sockets if i.type != "IMAGE"]
    return images[0] if len(images) == 1 and not others else None
