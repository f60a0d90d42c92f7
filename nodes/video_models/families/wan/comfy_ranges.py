"""The ranges ComfyUI declares for the numbers of Wan's core nodes (comfy_extras/nodes_wan.py, nodes_wanmove.py:
min, max, step; facts read, no code copied; MAX_RESOLUTION is ComfyUI's 16384), which the October 2025 catalogue
lacks or has older: the family's hook 'comfy_ranges', what /object_info serves and /prompt checks
(studio/serve/api/comfy_ranges.py merges the families'); Wan22ImageToVideoLatent's whole declaration, the hook
'comfy_declared' (studio/serve/api/core_declared.py). Plain data."""
from __future__ import annotations

MAX_RESOLUTION = 16384
BATCH = {"min": 1, "max": 4096}
UNIT = {"min": 0.0, "max": 1.0, "step": 0.01}  # a fraction (of the frame)
# Wan 2.1's image-to-video family: 16-pixel steps, lengths of 4n+1 frames
WAN = {"width": {"min": 16, "max": MAX_RESOLUTION, "step": 16},
       "height": {"min": 16, "max": MAX_RESOLUTION, "step": 16},
       "length": {"min": 1, "max": MAX_RESOLUTION, "step": 4}, "batch_size": BATCH}

RANGES: dict[str, dict[str, dict]] = {
    **{cls: WAN for cls in ("WanImageToVideo", "WanFunControlToVideo", "Wan22FunControlToVideo",
                            "WanFirstLastFrameToVideo", "WanFunInpaintToVideo", "WanCameraImageToVideo")},
    "WanVaceToVideo": {**WAN, "strength": {"min": 0.0, "max": 1000.0, "step": 0.01}},
    "WanMoveTrackToVideo": {**WAN, "strength": {"min": 0.0, "max": 100.0, "step": 0.01}},
    "WanInfiniteTalkToVideo": {**WAN, "motion_frame_count": {"min": 1, "max": 33, "step": 1},
                               "audio_scale": {"min": -10.0, "max": 10.0, "step": 0.01}},
    # WanMove's track maker (nodes_wanmove.py)
    "GenerateTracks": {"width": {"min": 16, "max": 4096, "step": 16}, "height": {"min": 16, "max": 4096, "step": 16},
                       **{k: UNIT for k in ("start_x", "start_y", "end_x", "end_y", "mid_x", "mid_y")},
                       "num_frames": {"min": 1, "max": 1024}, "num_tracks": {"min": 1, "max": 100},
                       "track_spread": {"min": 0.0, "max": 1.0, "step": 0.001}},
}

# (inputs, outputs, category, optional inputs) of Wan 2.2's empty latent, as ComfyUI declares it (nodes_wan.py)
DECLARED = {
    "Wan22ImageToVideoLatent": ({"vae": ["VAE"],
                                 "width": ["INT", {"default": 1280, "min": 32, "max": MAX_RESOLUTION, "step": 32}],
                                 "height": ["INT", {"default": 704, "min": 32, "max": MAX_RESOLUTION, "step": 32}],
                                 "length": ["INT", {"default": 49, "min": 1, "max": MAX_RESOLUTION, "step": 4}],
                                 "batch_size": ["INT", {"default": 1, **BATCH}], "start_image": ["IMAGE"]},
                                ["LATENT"], "conditioning/inpaint", ("start_image",)),
}
