"""The ranges ComfyUI declares for the numbers of WanSCAILToVideo (comfy_extras/nodes_scail.py: min, max, step;
facts read, no code copied; MAX_RESOLUTION is ComfyUI's 16384), which the October 2025 catalogue lacks: the
family's hook 'comfy_ranges' (studio/serve/api/comfy_ranges.py merges the families'). Plain data."""
from __future__ import annotations

MAX_RESOLUTION = 16384
UNIT = {"min": 0.0, "max": 1.0, "step": 0.01}  # a fraction of the steps

RANGES: dict[str, dict[str, dict]] = {
    # 32-pixel canvases, lengths of 4n+1 frames
    "WanSCAILToVideo": {"width": {"min": 32, "max": MAX_RESOLUTION, "step": 32},
                        "height": {"min": 32, "max": MAX_RESOLUTION, "step": 32},
                        "length": {"min": 1, "max": MAX_RESOLUTION, "step": 4}, "batch_size": {"min": 1, "max": 4096},
                        "pose_strength": {"min": 0.0, "max": 10.0, "step": 0.01}, "pose_start": UNIT, "pose_end": UNIT,
                        "video_frame_offset": {"min": 0, "max": MAX_RESOLUTION, "step": 1},
                        "previous_frame_count": {"min": 1, "max": MAX_RESOLUTION, "step": 4}},
}
