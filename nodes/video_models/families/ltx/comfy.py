"""LTX-Video's ComfyUI mapping (api.ComfyMapping): its image-to-video node, its empty latent (text to
video), its text-encoder type and its model files' names. Plain data."""
from __future__ import annotations

from studio.convert.api import I2V, ComfyMapping, Guider, Task

from .comfy_layouts import read_layout
from .comfy_base_sampler import translate as base_sampler
from .comfy_old_nodes import translate as old_nodes

# its nodes' settings in the order a UI file saves them (ComfyUI's INPUT_TYPES order)
WIDGETS = {
    "EmptyLTXVLatentVideo": ("width", "height", "length", "batch_size"),
    "LTXVImgToVideo": ("width", "height", "length", "batch_size", "strength"),
    "LTXVConditioning": ("frame_rate",),
    "STGGuider": ("cfg", "stg_scale", "rescale"),
}
# ComfyUI-LTXVideo's guiders (LTX-Video and LTX-2 alike): spatio-temporal guidance beside the cfg; the
# advanced one and APG set their scales per sigma (said, not taken)
GUIDERS = {"STGGuider": Guider("cfg"), "STGGuiderAdvanced": Guider(None, per_step=True),
           "APGGuider": Guider(None, per_step=True)}

MAPPING = ComfyMapping(
    key="ltx", title="LTX-Video",
    tasks={"LTXVImgToVideo": Task("image to video", I2V, (("image", "image"),), "LTX-Video", read=read_layout, settings=(
        ("strength", None, "how firmly the start image holds the first frame; Studio's Image to Video holds it "
                           "whole", 1),))},  # (strength 1: held whole, as Studio does: nothing to say)
    empty=("EmptyLTXVLatentVideo",), files=(("ltxv", "LTX-Video"), ("ltx-video", "LTX-Video")), text_types=("ltxv",),
    rank=2, passing={"LTXVPreprocess": ()}, folded=("LTXVConditioning",),
    widgets=WIDGETS, guiders=GUIDERS, hooks={"fps_nodes": ("LTXVConditioning",), "told_rate": 25.0},
    # Lightricks' 2024 loader and model configurator (comfy_old_nodes.py); the pack's LTXVBaseSampler given no
    # picture (comfy_base_sampler.py)
    translate=lambda wf: old_nodes(wf) + base_sampler(wf))
