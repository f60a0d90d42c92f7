"""LTX-2's draft recipes, as ComfyUI's own templates run it (comfyui-workflow-templates-json): the
distilled checkpoint loaded as the model, or the distilled LoRA on the dev model. The templates sample
with ManualSigmas of 8 steps ('1., 0.99375, 0.9875, 0.98125, 0.975, 0.909375, 0.725, 0.421875, 0.0') and
CFGGuider cfg 1 (diffusers' ltx2/utils.py DISTILLED_SIGMA_VALUES, the same); Studio passes them as they are,
the model's size-dependent shift off for the run."""
from __future__ import annotations

from ...base.drafts import DraftRecipe

SIGMAS = (1.0, 0.99375, 0.9875, 0.98125, 0.975, 0.909375, 0.725, 0.421875)  # ManualSigmas, less the final 0.0

RECIPES = (
    # video_ltx2_t2v_distilled.json: CheckpointLoaderSimple ltx-2-19b-distilled.safetensors, CFGGuider 1,
    # KSamplerSelect euler_ancestral, ManualSigmas of 8 steps
    DraftRecipe("LTX-2 distilled checkpoint", "video_ltx2_t2v_distilled.json", steps=8, cfg=1.0, sigmas=SIGMAS,
                checkpoint=("ltx-2-19b-distilled",)),
    # video_ltx2_t2v.json: LoraLoaderModelOnly ltx-2-19b-distilled-lora-384 on ltx-2-19b-dev (its refining pass
    # at CFGGuider 1); the LoRA is the distilled checkpoint's difference, run as the distilled one above
    DraftRecipe("LTX-2 distilled LoRA 384", "video_ltx2_t2v.json", steps=8, cfg=1.0, sigmas=SIGMAS,
                loras=(("", ("ltx-2-19b-distilled-lora",)),)),
)
