"""AnimateDiff: an image model's UNet with motion modules, 16 frames a call."""
from __future__ import annotations

from ...base.family import Family

FAMILY = Family(
    "animatediff", "AnimateDiff", ("AnimateDiffPipeline", "AnimateDiffVideoToVideoPipeline"),
    t2v="AnimateDiffPipeline", v2v="AnimateDiffVideoToVideoPipeline", denoiser="unet",
    frames=16, fixed_frames=16, size_multiple=8, fps=8.0, key_rank=0, key_patterns=(("motion_modules.",),))
