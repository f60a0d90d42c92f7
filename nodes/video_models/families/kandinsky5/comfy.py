"""Kandinsky 5's ComfyUI mapping (api.ComfyMapping): its image-to-video node (its DiT, Qwen2.5-VL, CLIP-L
and VAE files set on Load Video Model, no 'base'), its two text encoders and its model files' names; its own
text encoder node (CLIPTextEncodeKandinsky5: comfy_text.py) and kandinskylab's own nodes (comfy_pack.py) read as
the core nodes that mean the same, and wildminder's ComfyUI-Kandinsky nodes
(comfy_kandinsky_ada.py) too. Plain data."""
from __future__ import annotations

from studio.convert.api import I2V, ComfyMapping, Task, Workflow, held_task

from . import comfy_kandinsky_ada, comfy_pack, comfy_text

# its nodes' settings in the order a UI file saves them (ComfyUI's INPUT_TYPES order)
WIDGETS = {
    "Kandinsky5ImageToVideo": ("width", "height", "length", "batch_size"),
    **comfy_text.WIDGETS, **comfy_pack.WIDGETS, **comfy_kandinsky_ada.WIDGETS, comfy_pack.HELD: ("input", "from", "carries"),
}


def translate(wf: Workflow) -> list[str]:
    """Its text encoder node and kandinskylab's nodes read as core nodes, in place; what is said of them."""
    return comfy_text.translate(wf) + comfy_pack.translate(wf) + comfy_kandinsky_ada.translate(wf)


# the ranges ComfyUI declares for Kandinsky5ImageToVideo's numbers (comfy_extras/nodes_kandinsky5.py: 16-pixel
# steps, 4n + 1 frames; MAX_RESOLUTION 16384), which the October 2025 catalogue lacks (studio/serve/api/comfy_ranges.py)
SIZE = {"width": {"min": 16, "max": 16384, "step": 16}, "height": {"min": 16, "max": 16384, "step": 16},
        "length": {"min": 1, "max": 16384, "step": 4}, "batch_size": {"min": 1, "max": 4096}}

MAPPING = ComfyMapping(
    key="kandinsky5", title="Kandinsky 5",
    tasks={"Kandinsky5ImageToVideo": Task("image to video", I2V, (("start_image", "image"),), "Kandinsky 5",
                                          needs="start_image"),
           comfy_pack.HELD: Task("a video", None, family="Kandinsky 5", read=held_task("Kandinsky 5"))},
    files=(("kandinsky", "Kandinsky 5"),), dual_types=("kandinsky5",), rank=5, widgets=WIDGETS,
    translate=translate, hooks={"prompt_weights": "literal",  # ComfyUI's prompt weights (mapping/prompt_weights.py)
                                "comfy_ranges": {"Kandinsky5ImageToVideo": SIZE},
                                         "latent_stride": 4,  # ComfyUI's latents hold (length - 1) // 4 + 1
                                         # its execute: common_upscale(start_image[:length], width, height,
                                         # "bilinear", "center"), comfy_extras/nodes_kandinsky5.py (image_fit 'crop')
                                         "centre_cropped": {"Kandinsky5ImageToVideo": ("start_image",)}})
