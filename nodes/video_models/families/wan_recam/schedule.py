"""ReCamMaster's sampling as the release runs it (KwaiVGI/ReCamMaster 39c0dc2 inference_recammaster.py and
wan_video_recammaster.py ``__call__``): 50 steps, guidance 5, flow shift 5, 81 frames at 832 x 480 (its camera is
repeated over a 30 x 52 latent grid). Plain data, read by the node and the converter's mapping."""
from __future__ import annotations

SHIFT = 5.0  # FlowMatchScheduler(shift=5) / sigma_shift=5.0
STEPS, GUIDANCE, FRAMES, WIDTH, HEIGHT = 50, 5.0, 81, 832, 480
PRESETS = ("pan_right", "pan_left", "tilt_up", "tilt_down", "zoom_in", "zoom_out", "translate_up", "translate_down",
           "arc_left", "arc_right")  # the release's cam01..cam10, by the names kijai's WanVideoWrapper gives them
