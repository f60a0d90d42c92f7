"""LTX-Video (2B, 13B): text and image to video, frames at any index and video to video (LTXConditionPipeline: a
clip's latents partly noised by its ``denoise_strength``, v2v.py)."""
from __future__ import annotations

from ...base.capabilities import PromptWeights
from ...base.capabilities import (BLENDED, NOT_MODULAR, NO_DRAFTS, NO_LAST_FRAME, NO_LORA_NAMES, NO_TRACKS,
                                  ONE_DENOISER, SINGLE_FILE_AS_IS, Conditions, ContextWindows, Drafts, FirstLast,
                                  LoraNames, LoraTraining, Modular, PartReader, PreviewLayout, PromptRecipe,
                                  ResumeKeeps, SingleFile, TimeTiles, Tracks, TwoExperts, VaeTiles)
from ...base.family import Family, config_int
from ...base.said import modular_forms
from ...base.prompt_recipes import MASKED
from . import recognise

PIPELINES = ("LTXPipeline", "LTXImageToVideoPipeline", "LTXConditionPipeline")
VAE = "AutoencoderKLLTXVideo"


def _frames_condition(clip):
    from . import conditions
    return conditions.frames_condition(clip)


def _keyframe_conditions(ctx, pipe, keys, strength):
    from . import conditions
    return conditions.keyframe_conditions(ctx, pipe, keys, strength)


def _decode_ready(pipe, latents, call):
    from .decode import decode_ready
    return decode_ready(pipe, latents, call)


class LTXVideo(Family):
    def pipeline_call(self, pipe, call: dict) -> dict:
        """Video to Video's clip and strength given to the condition pipeline as the clip's latents and its
        ``denoise_strength`` (v2v.py); every other call as given."""
        from . import v2v
        return v2v.v2v_call(pipe, call) if v2v.is_v2v_call(pipe, call) else call


def _parts():
    """Its part reader module (base/capabilities.py PartReader), imported when first needed."""
    from . import parts as parts_ltx
    return parts_ltx


FAMILY = LTXVideo(
    "ltx", "LTX-Video", PIPELINES,
    i2v="LTXImageToVideoPipeline", t2v="LTXPipeline", cond="LTXConditionPipeline", v2v="LTXConditionPipeline",
    latent_layout="packed", fps_arg="frame_rate",  # its pipelines' rope time scale, told the take's rate
    frames=49, frame_multiple=(8, 1), size_multiple=32, fps=24.0, scale_attr="latents_std", key_rank=6, recogniser=recognise.recognise,
    layouts=("diffusers", "original (Lightricks)"),
    not_built=(("long image to video with a prompt a stretch (LTXI2VLongMultiPromptPipeline)", "not built yet: a long "
                "take with a prompt a stretch is Text to Video's 'schedule' (Prompt Schedule) over context windows"),
               ("LTX-Video 0.9's latent upsampler (LTXLatentUpsamplePipeline)", "its spatial upsampler between two "
                "passes is not built: Studio's latent upscale node is LTX-2's (LTX2LatentUpsamplePipeline)"),
               modular_forms(("LTXModularPipeline",), "LTXPipeline and LTXImageToVideoPipeline")),
    part_titles=(("T5-XXL", "T5-XXL (LTX-Video, CogVideoX)"),),
    key_patterns=(("adaln_single.", "caption_projection.", "scale_shift_table"),
                  ("time_embed.", "caption_projection.", "scale_shift_table")),
    has=(ContextWindows("packed"),
         PartReader(_parts), PromptRecipe(PIPELINES, MASKED),
         PromptWeights(PIPELINES, ("prompt_embeds", "prompt_attention_mask")), ResumeKeeps(tuple((name, 0) for name in PIPELINES)),
         VaeTiles(VAE, BLENDED, "last"),
         # the pipelines whose decode decode_ready repeats (its condition pipeline's differs: decoded by it)
         TimeTiles(VAE, _decode_ready, ("LTXPipeline", "LTXImageToVideoPipeline")),
         PreviewLayout(scaling=True),
         LoraTraining(("to_q", "to_k", "to_v", "to_out.0"), "ltx_flow_matching", frame_rate=True, comfyui="prefixed"),
         # a scheduler that shifts with the clip's size is given the shift fixed (continuation.shift_fixed)
         Conditions(_frames_condition, _keyframe_conditions, shift_fixed=True)),
    lacks={SingleFile: SINGLE_FILE_AS_IS, TwoExperts: ONE_DENOISER, Drafts: NO_DRAFTS, LoraNames: NO_LORA_NAMES,
           Tracks: NO_TRACKS, FirstLast: NO_LAST_FRAME, Modular: NOT_MODULAR},
    variants=(("LTX-Video 13B", lambda idx, cfg: config_int(cfg, "num_layers") == 48),
              ("LTX-Video 2B", lambda idx, cfg: config_int(cfg, "num_layers") == 28)))
