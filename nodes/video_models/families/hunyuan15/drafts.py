"""HunyuanVideo 1.5's draft recipes: its cfg-distilled checkpoints, loaded as the model (one transformer
call a step instead of two). ComfyUI's template video_hunyuan_video_1.5_720p_t2v.json (and _i2v) gives the
Hunyuan team's settings in its note (distilled: cfg 1; shift 5 at 480p, 9 for 720p T2V, 7 for 720p I2V)
and samples 20 steps (BasicScheduler simple, KSamplerSelect euler)."""
from __future__ import annotations

from ...base.drafts import DraftRecipe

T2V, I2V = "video_hunyuan_video_1.5_720p_t2v.json", "video_hunyuan_video_1.5_720p_i2v.json"

RECIPES = tuple(
    DraftRecipe(f"HunyuanVideo 1.5 {size} {task.upper()} cfg-distilled checkpoint", T2V if task == "t2v" else I2V,
                steps=20, cfg=1.0, shift=shift, sampler="euler", tasks=(task,),
                checkpoint=(size, f"{task}_distilled"))
    for size, task, shift in (("720p", "t2v", 9.0), ("720p", "i2v", 7.0), ("480p", "t2v", 5.0), ("480p", "i2v", 5.0)))
