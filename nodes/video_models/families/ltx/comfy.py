"""LTX-Video's ComfyUI mapping (api.ComfyMapping): its image-to-video node, its empty latent (text to
video), its text-encoder type and its model files' names. Plain data."""
from __future__ import annotations

from studio.convert.api import I2V, ComfyMapping, Task

# its nodes' settings in the order a UI file saves them (ComfyUI's INPUT_TYPES order)
WIDGETS = {
    "EmptyLTXVLatentVideo": ("width", "height", "length", "batch_size"),
    "LTXVImgToVideo": ("width", "height", "length", "batch_size", "strength"),
    "LTXVConditioning": ("frame_rate",),
}

MAPPING = ComfyMapping(
    key="ltx", title="LTX-Video",
    tasks={"LTXVImgToVideo": Task("image to video", I2V, (("image", "image"),), "LTX-Video", settings=(
        ("strength", None, "how firmly the start image holds the first frame; Studio's Image to Video holds it "
                           "whole"),))},
    empty=("EmptyLTXVLatentVideo",), files=(("ltxv", "LTX-Video"), ("ltx-video", "LTX-Video")), text_types=("ltxv",),
    rank=2, passing={"LTXVPreprocess": ()}, folded=("LTXVConditioning",),
    fps_nodes=("LTXVConditioning",), widgets=WIDGETS)
