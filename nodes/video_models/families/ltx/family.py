"""LTX-Video (2B, 13B): text and image to video, frames at any index (LTXConditionPipeline)."""
from __future__ import annotations

from ...base.family import Family, config_int
from . import recognise


class LTX(Family):
    def frames_condition(self, clip):
        from . import conditions
        return conditions.frames_condition(clip)

    def keyframe_conditions(self, ctx, pipe, keys, strength):
        from . import conditions
        return conditions.keyframe_conditions(ctx, pipe, keys, strength)

    def part_reader(self):
        from . import parts as parts_ltx
        return parts_ltx


FAMILY = LTX(
    "ltx", "LTX-Video", ("LTXPipeline", "LTXImageToVideoPipeline", "LTXConditionPipeline"),
    i2v="LTXImageToVideoPipeline", t2v="LTXPipeline", cond="LTXConditionPipeline", latent_layout="packed",
    frames=49, frame_multiple=(8, 1), size_multiple=32, fps=24.0, scale_attr="latents_std", key_rank=6, recogniser=recognise.recognise,
    window_layout="packed", cond_shift_fixed=True, lora_targets=("to_q", "to_k", "to_v", "to_out.0"), train_loss="ltx_flow_matching",
    takes_frame_rate=True, comfyui_lora="prefixed",
    preview_scaling=True,
    layouts=("diffusers", "original (Lightricks)"),
    part_titles=(("T5-XXL", "T5-XXL (LTX-Video, CogVideoX)"),),
    key_patterns=(("adaln_single.", "caption_projection.", "scale_shift_table"),
                  ("time_embed.", "caption_projection.", "scale_shift_table")),
    variants=(("LTX-Video 13B", lambda idx, cfg: config_int(cfg, "num_layers") == 48),
              ("LTX-Video 2B", lambda idx, cfg: config_int(cfg, "num_layers") == 28)))
