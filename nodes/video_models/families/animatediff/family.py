"""AnimateDiff: an image model's UNet with motion modules, 16 frames a call."""
from __future__ import annotations

from ...base.family import Family
from ...base.recognise import Recognised


def recognise(t, filename: str = "") -> Recognised | None:
    """A UNet with motion modules (before SVD's UNet: key_rank)."""
    if ("down_blocks" in t.tops or "input_blocks" in t.tops) and t.any_name("motion_modules."):
        return Recognised("denoiser", "animatediff", "AnimateDiff motion module")
    return None


FAMILY = Family(
    "animatediff", "AnimateDiff", ("AnimateDiffPipeline", "AnimateDiffVideoToVideoPipeline"),
    t2v="AnimateDiffPipeline", v2v="AnimateDiffVideoToVideoPipeline", denoiser="unet",
    frames=16, fixed_frames=16, size_multiple=8, fps=8.0, key_rank=0, recogniser=recognise, key_patterns=(("motion_modules.",),),
    single_file_refusal="AnimateDiff motion modules as single files are not supported yet: use a diffusers "
                        "AnimateDiff folder (model_index.json with unet and motion_adapter)")
