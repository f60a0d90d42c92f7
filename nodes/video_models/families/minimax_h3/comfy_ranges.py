"""The ranges ComfyUI declares for the numbers of MiniMax H3's core nodes (comfy_extras/nodes_minimax_h3.py: min,
max, step; facts read, no code copied; MAX_RESOLUTION is ComfyUI's 16384), which the October 2025 catalogue lacks:
the family's hook 'comfy_ranges' (studio/serve/api/comfy_ranges.py merges the families'). Plain data."""
from __future__ import annotations

MAX_RESOLUTION = 16384
# 32-pixel canvases, 17k+5 frames at 24 fps (ComfyUI's own cap: 3600 frames)
H3 = {"width": {"min": 32, "max": MAX_RESOLUTION, "step": 32}, "height": {"min": 32, "max": MAX_RESOLUTION, "step": 32},
      "length": {"min": 5, "max": 3600, "step": 17}}

RANGES: dict[str, dict[str, dict]] = {
    "MiniMaxH3ImageToVideo": H3, "MiniMaxH3ReferenceToVideo": H3,
    "MiniMaxH3AddGuide": {"frame_idx": {"min": -9999, "max": 9999}},  # negative: counted from the video's end
}
