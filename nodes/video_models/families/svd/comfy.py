"""Stable Video Diffusion's ComfyUI mapping (api.ComfyMapping): its image-to-video conditioning. Plain data."""
from __future__ import annotations

from studio.convert.api import I2V, ComfyMapping, Task

from .comfy_one_node import translate

# its nodes' settings in the order a UI file saves them (ComfyUI's INPUT_TYPES order)
WIDGETS = {
    "SVD_img2vid_Conditioning": ("width", "height", "video_frames", "motion_bucket_id", "fps", "augmentation_level"),
}

MAPPING = ComfyMapping(
    key="svd", title="Stable Video Diffusion",
    tasks={"SVD_img2vid_Conditioning": Task("image to video", I2V, (("init_image", "image"),),
                                            "Stable Video Diffusion", settings=(
        ("motion_bucket_id", "motion", ""), ("augmentation_level", "noise_aug", ""),
        ("fps", None, "the rate SVD is told the clip has; Studio tells it the video's own frame rate")))},
    widgets=WIDGETS, translate=translate, flow=False)  # SVD's Euler (EDM) scheduler: the generators' flow-matching samplers do not apply
