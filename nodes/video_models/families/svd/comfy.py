"""Stable Video Diffusion's ComfyUI mapping (api.ComfyMapping): its image-to-video conditioning. Plain data."""
from __future__ import annotations

from studio.convert.api import I2V, ComfyMapping, Task

from .comfy_one_node import translate

# its nodes' settings in the order a UI file saves them (ComfyUI's INPUT_TYPES order)
WIDGETS = {
    "SVD_img2vid_Conditioning": ("width", "height", "video_frames", "motion_bucket_id", "fps", "augmentation_level"),
}

def _linear_cfg(wf, n) -> str:
    """VideoLinearCFGGuidance's guidance, linear over the frames from its min_cfg at the first to the sampler's cfg at
    the last: what diffusers' Stable Video Diffusion pipeline does itself (min_guidance_scale 1, max_guidance_scale
    the generator's guidance: family.py). Its behaviour is not in its declaration (a model in, a model out, a
    min_cfg), so the family that does the same names it; heldout48 10's was said 'not applied'."""
    low = wf.value(n, "min_cfg")
    who = f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"
    if isinstance(low, (int, float)) and not isinstance(low, bool) and abs(low - 1.0) < 1e-6:
        return (f"{who} guides the frames linearly from cfg 1 at the first to the sampler's cfg at the last: Studio's "
                "Stable Video Diffusion guides so itself")
    return (f"{who}'s min_cfg {low!r} is not taken: Studio's Stable Video Diffusion guides the frames linearly from "
            "cfg 1 at the first to the sampler's cfg at the last")


MAPPING = ComfyMapping(
    key="svd", title="Stable Video Diffusion",
    tasks={"SVD_img2vid_Conditioning": Task("image to video", I2V, (("init_image", "image"),),
                                            "Stable Video Diffusion", settings=(
        ("motion_bucket_id", "motion", ""), ("augmentation_level", "noise_aug", ""),
        ("fps", None, "the rate SVD is told the clip has; Studio tells it the video's own frame rate")))},
    widgets=WIDGETS, translate=translate, flow=False,
    hooks={"model_patches": {"VideoLinearCFGGuidance": _linear_cfg}})  # SVD's Euler (EDM) scheduler: the generators' flow-matching samplers do not apply
