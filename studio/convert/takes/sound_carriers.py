"""Which Studio node between a generator and its Save Video keeps the generator's sound on the clip it gives, and
through which input: told by the node type's declaration (NodeSpec.carries_sound: a FRAME / WINDOW node's default
run wraps its first clip input, sound and all: engine/frame_clip.py; a CLIP node wrapping its input says so: Scale,
Upscale, the frame interpolations), never by a list of type names here. One set to make a slow motion ('slow_motion'
on) does not keep it (nodes/motion/interpolate.py). heldout111 04 / 05: a MiniMax H3 take upscaled (SPAN) and resized
before its Save Video was said written "without that sound", though Upscale and Resize carry it."""
from __future__ import annotations

from typing import Any


def carried_from(node: Any) -> str | None:
    """The input of Studio node ``node`` whose clip's sound the clip it gives carries (its first clip input), where
    its type declares it does; None otherwise."""
    spec = getattr(node, "spec", None)
    if spec is None or not spec.carries_sound or (node.params or {}).get("slow_motion"):
        return None
    return next((i.name for i in spec.inputs if i.type == "Video"), None)
