"""HunyuanVideo 1.5's ComfyUI mapping (api.ComfyMapping): its text- and image-to-video nodes, its two
text encoders (DualCLIPLoader's type) and its model files' names. Plain data."""
from __future__ import annotations

from studio.convert.api import I2V, T2V, ComfyMapping, Task

# its nodes' settings in the order a UI file saves them (ComfyUI's INPUT_TYPES order)
WIDGETS = {
    "HunyuanVideo15ImageToVideo": ("width", "height", "length", "batch_size"),
    "EmptyHunyuanVideo15Latent": ("width", "height", "length", "batch_size"),
}

# the ranges ComfyUI declares for its nodes' numbers (comfy_extras/nodes_hunyuan.py: Wan's 16-pixel steps, 4n + 1
# frames; MAX_RESOLUTION 16384), which the October 2025 catalogue lacks (studio/serve/api/comfy_ranges.py)
SIZE = {"width": {"min": 16, "max": 16384, "step": 16}, "height": {"min": 16, "max": 16384, "step": 16},
        "length": {"min": 1, "max": 16384, "step": 4}, "batch_size": {"min": 1, "max": 4096}}

MAPPING = ComfyMapping(
    key="hunyuan15", title="HunyuanVideo 1.5",
    tasks={"EmptyHunyuanVideo15Latent": Task("text to video", T2V, (), "HunyuanVideo 1.5"),
           "HunyuanVideo15ImageToVideo": Task("image to video", I2V, (("start_image", "image"),), "HunyuanVideo 1.5",
                                              needs="start_image")},
    files=(("hunyuanvideo1.5", "HunyuanVideo 1.5"), ("hunyuanvideo15", "HunyuanVideo 1.5"),
           ("hunyuan_video_1.5", "HunyuanVideo 1.5")),
    dual_types=("hunyuan_video_15",), rank=4,  # Qwen2.5-VL and byT5: Load Video Model's text_encoder, text_encoder_2
    widgets=WIDGETS, hooks={"prompt_weights": "literal",  # ComfyUI's prompt weights (mapping/prompt_weights.py)
                            "comfy_ranges": {"EmptyHunyuanVideo15Latent": SIZE, "HunyuanVideo15ImageToVideo": SIZE},
                                 "latent_stride": 4,  # ComfyUI's latents hold (length - 1) // 4 + 1
                                 # its execute: common_upscale(start_image[:length], width, height, "bilinear",
                                 # "center"), comfy_extras/nodes_hunyuan.py (Image to Video's image_fit 'crop':
                                 # studio/convert/mapping/picture_fit.py; heldout101 07)
                                 "centre_cropped": {"HunyuanVideo15ImageToVideo": ("start_image",)}})
