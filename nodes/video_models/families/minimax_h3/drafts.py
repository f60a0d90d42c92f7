"""MiniMax H3's draft recipe, as ComfyUI's own templates run it (comfyui-workflow-templates-json): the
FastH3 step-distilled checkpoint loaded as the model, 8 steps with no guidance (BasicGuider). Its
sampler (res_multistep) has no diffusers scheduler: the modular pipeline's own runs."""
from __future__ import annotations

from ...base.drafts import DraftRecipe

RECIPES = (
    # video_fastvideo_fasth3_t2v.json (and _i2v): UNETLoader fastvideo_fasth3_8step_v2_pruned_int8_convrot,
    # BasicScheduler simple 8 steps, BasicGuider, KSamplerSelect res_multistep
    DraftRecipe("FastH3 8-step checkpoint", "video_fastvideo_fasth3_t2v.json", steps=8, cfg=1.0,
                checkpoint=("fasth3",)),
)
