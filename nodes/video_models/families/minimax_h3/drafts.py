"""MiniMax H3's draft recipes, as ComfyUI's own templates run them (comfyui-workflow-templates-json): the
FastH3 step-distilled checkpoint loaded as the model, 8 steps with no guidance (BasicGuider); else the
templates' turbo LoRAs (their 'If/Else Switch' turned on: the LoRA on the model and the switch's steps),
read in ComfyUI's names by lora.py. Their sampler (res_multistep) has no diffusers scheduler: the modular
pipeline's own runs."""
from __future__ import annotations

from ...base.drafts import DraftRecipe

RECIPES = (
    # video_fastvideo_fasth3_t2v.json (and _i2v): UNETLoader fastvideo_fasth3_8step_v2_pruned_int8_convrot,
    # BasicScheduler simple 8 steps, BasicGuider, KSamplerSelect res_multistep
    DraftRecipe("FastH3 8-step checkpoint", "video_fastvideo_fasth3_t2v.json", steps=8, cfg=1.0,
                checkpoint=("fasth3",)),
    # video_minimax_h3_t2v.json (and _i2v, _i2v_continuation): LoraLoaderModelOnly
    # minimax_h3_fl2v_turbo_8step_v1.0_comfyui_bf16 at 1 behind 'If/Else Switch (Model)', its steps switch's
    # 'on_true' the subgraph's 8, BasicGuider
    DraftRecipe("MiniMax H3 turbo 8-step LoRA", "video_minimax_h3_t2v.json", steps=8, cfg=1.0,
                loras=(("", ("minimax_h3_fl2v_turbo", "8step")),), tasks=("t2v", "i2v")),
    # video_minimax_h3_r2v.json (and _multiframe_reference): LoraLoaderModelOnly
    # minimax_h3_ref2v_turbo_4step_v0.1_comfyui_bf16 at 1 behind 'If/Else Switch (model)', PrimitiveInt 4 on
    # the steps switch's 'on_true'
    DraftRecipe("MiniMax H3 reference turbo 4-step LoRA", "video_minimax_h3_r2v.json", steps=4, cfg=1.0,
                loras=(("", ("minimax_h3_ref2v_turbo", "4step")),), tasks=("r2v",)),
)
