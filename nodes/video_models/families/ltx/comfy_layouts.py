"""LTXVImgToVideo's saved layouts, told by the NUMBER of values a UI file saves against the settings ComfyUI declares
today (width, height, length, batch_size, strength): facts of ComfyUI's comfy_extras/nodes_lt.py history, read for
meaning (no code of it is used):
- 4 values (Nov 2024, and LTX-Video 0.9.5's from Mar to Apr 2025): no fifth setting; the start image held whole,
  as Studio's Image to Video does (nothing to say);
- 5 values: today's strength (since Apr 2025), or the Dec 2024 to Mar 2025 layout's image_noise_scale (noise put on
  the start image's latent, 0.15 its default): the count cannot tell them apart, and today's ComfyUI reads that
  value as strength; both are said, each true. Plain data."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

TODAY = ("width", "height", "length", "batch_size", "strength")


def read_layout(b: Any, node: Any, up: list, spec: Any, inputs: dict, said: list[str]) -> Any:
    """The task as it is, its strength's words told by the layout the node's saved values fit (None: as declared)."""
    raw = node.raw if isinstance(node.raw, list) else None
    if raw is None or len(raw) != len(TODAY) or "strength" not in node.widgets:
        return None  # named values (an API file), or 4 saved (no fifth setting: nothing to say)
    words = (f"'{node.title or node.shown_cls}' (#{node.id})'s fifth saved value, which today's ComfyUI reads as "
             "strength, how firmly the start image holds the first frame; in the Dec 2024 to Mar 2025 layout "
             "(LTX-Video 0.9 / 0.9.1), which saved five values too, it was image_noise_scale, the noise put on the "
             "start image's latent, 0.15 its default. Studio's Image to Video holds the start image whole, with no "
             "noise put on it")
    return replace(spec, read=None, settings=tuple((name, param, words if name == "strength" else w, *own)
                                                   for name, param, w, *own in spec.settings))
