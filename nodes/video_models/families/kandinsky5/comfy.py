"""Kandinsky 5's ComfyUI mapping (api.ComfyMapping): its image-to-video node (its DiT, Qwen2.5-VL, CLIP-L
and VAE files set on Load Video Model, no 'base'), its two text encoders and its model files' names. Plain data."""
from __future__ import annotations

from studio.convert.api import I2V, ComfyMapping, Task

# its nodes' settings in the order a UI file saves them (ComfyUI's INPUT_TYPES order)
WIDGETS = {
    "Kandinsky5ImageToVideo": ("width", "height", "length", "batch_size"),
}

MAPPING = ComfyMapping(
    key="kandinsky5", title="Kandinsky 5",
    tasks={"Kandinsky5ImageToVideo": Task("image to video", I2V, (("start_image", "image"),), "Kandinsky 5",
                                          needs="start_image")},
    files=(("kandinsky", "Kandinsky 5"),), dual_types=("kandinsky5",), rank=5, widgets=WIDGETS)
