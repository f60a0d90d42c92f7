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
    "STGGuider": ("cfg", "stg", "rescale"),  # (the pack declares "stg": stg.py)
}
# ComfyUI-LTXVideo's guiders (LTX-Video and LTX-2 alike): spatio-temporal guidance beside the cfg; the
# advanced one and APG set their scales per sigma (said, not taken); the STG guider's rescale is LTX-2's
# guidance_rescale (its hook 'guidance_rescale'; LTX-Video's generator has none: said not taken)
GUIDERS = {"STGGuider": Guider("cfg", rescale="rescale"), "STGGuiderAdvanced": Guider(None, per_step=True),
           "APGGuider": Guider(None, per_step=True)}

# ComfyUI's declarations of its core nodes (comfy_extras/nodes_lt.py; MAX_RESOLUTION ComfyUI's 16384): the ranges
# the October 2025 catalogue lacks (studio/serve/api/comfy_ranges.py), and its empty latent's whole (inputs, outputs,
# category, optional inputs) (studio/serve/api/core_declared.py), what /object_info serves and /prompt checks
RANGES = {"LTXVImgToVideo": {"width": {"min": 64, "max": 16384, "step": 32},
                             "height": {"min": 64, "max": 16384, "step": 32},
                             "length": {"min": 9, "max": 16384, "step": 8}, "batch_size": {"min": 1, "max": 4096},
                             "strength": {"min": 0.0, "max": 1.0}}}
DECLARED = {"EmptyLTXVLatentVideo": ({
    "width": ["INT", {"default": 768, "min": 64, "max": 16384, "step": 32}],
    "height": ["INT", {"default": 512, "min": 64, "max": 16384, "step": 32}],
    "length": ["INT", {"default": 97, "min": 1, "max": 16384, "step": 8}],
    "batch_size": ["INT", {"default": 1, "min": 1, "max": 4096}]}, ["LATENT"], "latent/video/ltxv", ())}

MAPPING = ComfyMapping(
    key="ltx", title="LTX-Video",
    tasks={"LTXVImgToVideo": Task("image to video", I2V, (("image", "image"),), "LTX-Video", read=read_layout, settings=(
        ("strength", None, "how firmly the start image holds the first frame; Studio's Image to Video holds it "
                           "whole", 1),  # (strength 1: held whole, as Studio does: nothing to say)
        # the Dec 2024 to Mar 2025 layout's setting (comfy_layouts), read where an API file names it (a UI file saves
        # it by place, as its fifth value: comfy_layouts says it); heldout66 08, 10: 0.15 dropped unsaid
        ("image_noise_scale", None, "noise put on the start image's latent, a setting of LTX-Video 0.9 / 0.9.1's "
                                    "LTXVImgToVideo; Studio's Image to Video holds the start image whole, with no "
                                    "noise put on it", 0),))},
    empty=("EmptyLTXVLatentVideo",), files=(("ltxv", "LTX-Video"), ("ltx-video", "LTX-Video")), text_types=("ltxv",),
    rank=2, passing={"LTXVPreprocess": ()}, folded=("LTXVConditioning",),
    widgets=WIDGETS, guiders=GUIDERS, hooks={"prompt_weights": "weighs",  # (mapping/prompt_weights.py)
                                             "fps_nodes": ("LTXVConditioning",),
                                           # ComfyUI's nodes_lt.py: LTXVImgToVideo puts its picture in by
                                           # common_upscale 'bilinear', 'center' (mapping/picture_fit.py)
                                           "centre_cropped": {"LTXVImgToVideo": ("image",)},
                                           "comfy_ranges": RANGES, "comfy_declared": DECLARED,
                                           "load_formats": {"LTXV": (32, 8)},  # VideoHelperSuite's 'LTXV' format
                                           # a checkpoint's T5 (parts.CHECKPOINT_PARTS) and VAE (parts.checkpoint_vae)
                                           "checkpoint_parts": ("text_encoder", "vae")},
    # Lightricks' 2024 loader and model configurator (comfy_old_nodes.py); the pack's LTXVBaseSampler given no
    # picture (comfy_base_sampler.py)
    translate=lambda wf: old_nodes(wf) + base_sampler(wf))
