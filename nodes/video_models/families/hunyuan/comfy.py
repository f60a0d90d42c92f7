"""HunyuanVideo's ComfyUI mapping (api.ComfyMapping): its empty latent (text to video) and its model files'
names. Plain data."""
from __future__ import annotations

from studio.convert.api import ComfyMapping

# its nodes' settings in the order a UI file saves them (ComfyUI's INPUT_TYPES order)
WIDGETS = {
    "EmptyHunyuanLatentVideo": ("width", "height", "length", "batch_size"),
}

MAPPING = ComfyMapping(key="hunyuan", title="HunyuanVideo", empty=("EmptyHunyuanLatentVideo",),
                       files=(("hunyuan_video", "HunyuanVideo"),), widgets=WIDGETS)
