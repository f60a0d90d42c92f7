"""Wan's draft recipes: the distill LoRAs ComfyUI's own templates use (comfyui-workflow-templates-json,
templates/<file>), each with the steps, cfg, shift (ModelSamplingSD3) and sampler of the template's
KSampler. Wan 2.2 A14B's come as a high-noise and a low-noise LoRA, one per expert."""
from __future__ import annotations

from ...base.drafts import DraftRecipe

NOT_WAN_14B = ("Wan 2.2 TI2V-5B", "Wan 2.2 Animate", "Wan 2.1 1.3B")  # no lightx2v LoRA of these sizes

RECIPES = (
    # video_wan2_2_14B_t2v.json: LoraLoaderModelOnly wan2.2_t2v_lightx2v_4steps_lora_v1.1_high_noise / _low_noise
    # on the two UNETLoaders, ModelSamplingSD3 shift 5, KSamplerAdvanced 4 steps (0-2 high, 2-4 low), cfg 1,
    # euler, simple
    DraftRecipe("lightx2v 4-step LoRA (Wan 2.2 T2V)", "video_wan2_2_14B_t2v.json", steps=4, cfg=1.0, shift=5.0,
                sampler="euler", tasks=("t2v", "v2v"), experts=2,
                loras=(("high noise", ("wan2.2_t2v_lightx2v_4steps", "high_noise")),
                       ("low noise", ("wan2.2_t2v_lightx2v_4steps", "low_noise")))),
    # video_wan2_2_14B_i2v.json: wan2.2_i2v_lightx2v_4steps_lora_v1_high_noise / _low_noise, shift 5, 4 steps,
    # cfg 1, euler, simple
    DraftRecipe("lightx2v 4-step LoRA (Wan 2.2 I2V)", "video_wan2_2_14B_i2v.json", steps=4, cfg=1.0, shift=5.0,
                sampler="euler", tasks=("i2v",), experts=2,
                loras=(("high noise", ("wan2.2_i2v_lightx2v_4steps", "high_noise")),
                       ("low noise", ("wan2.2_i2v_lightx2v_4steps", "low_noise")))),
    # video_wan2.1_alpha_t2v_14B.json: lightx2v_T2V_14B_cfg_step_distill_v2_lora_rank64_bf16 (the template's
    # note: "with 4steps lightning: steps 4, cfg 1.0"), ModelSamplingSD3 shift 5, KSampler uni_pc, simple
    DraftRecipe("lightx2v cfg+step distill LoRA (Wan 2.1 T2V 14B)", "video_wan2.1_alpha_t2v_14B.json", steps=4,
                cfg=1.0, shift=5.0, sampler="unipc", tasks=("t2v", "v2v"), not_variants=NOT_WAN_14B,
                loras=(("", ("lightx2v_t2v_14b_cfg_step_distill",)),)),
    # video_humo.json (HuMo, a Wan 2.1 14B): lightx2v_I2V_14B_480p_cfg_step_distill_rank64_bf16, KSampler 6 steps,
    # cfg 1, uni_pc, simple; ModelSamplingSD3 shift 8
    DraftRecipe("lightx2v cfg+step distill LoRA (Wan 2.1 I2V 14B 480p)", "video_humo.json", steps=6, cfg=1.0,
                shift=8.0, sampler="unipc", tasks=("i2v",), not_variants=NOT_WAN_14B,
                loras=(("", ("lightx2v_i2v_14b_480p_cfg_step_distill",)),)),
    # video_wan_animate2.json (Wan 2.2 Animate 14B): the same lightx2v I2V 480p LoRA, BasicScheduler simple 6 steps,
    # ModelSamplingSD3 shift 5, SamplerCustom cfg 1; its sampler (lcm) has no Studio equivalent: the model's own
    DraftRecipe("lightx2v cfg+step distill LoRA (Wan 2.2 Animate)", "video_wan_animate2.json", steps=6, cfg=1.0,
                shift=5.0, tasks=("animate",), variants=("Wan 2.2 Animate",),
                loras=(("", ("lightx2v_i2v_14b_480p_cfg_step_distill",)),)),
    # video_wan_vace_14B_t2v.json: LoraLoader Wan21_CausVid_14B_T2V_lora_rank32 at 0.7 (the note: "For CausVid
    # LoRA steps 2-4, cfg 1.0"), KSampler 4 steps, cfg 1, uni_pc, simple; ModelSamplingSD3 shift 8
    DraftRecipe("CausVid LoRA (Wan 2.1 VACE 14B)", "video_wan_vace_14B_t2v.json", steps=4, cfg=1.0, shift=8.0,
                sampler="unipc", tasks=("vace",), variants=("Wan 2.1 14B",), strength=0.7,
                loras=(("", ("causvid_14b_t2v",)),)),
    # the same template's 1.3B branch: Wan21_CausVid_bidirect2_T2V_1_3B_lora_rank32 at 0.7
    DraftRecipe("CausVid LoRA (Wan 2.1 VACE 1.3B)", "video_wan_vace_14B_t2v.json", steps=4, cfg=1.0, shift=8.0,
                sampler="unipc", tasks=("vace",), variants=("Wan 2.1 1.3B",), strength=0.7,
                loras=(("", ("causvid_bidirect2_t2v_1_3b",)),)),
)
