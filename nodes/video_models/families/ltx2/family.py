"""LTX-2: picture and sound made together (its own node, ComfyUI's all-in-one checkpoint and part files); a
control clip read in context by an IC-LoRA (ic_control.py: LTX2InContextPipeline), an SDR clip lifted to
linear HDR by the HDR IC-LoRA (hdr.py: LTX2HDRPipeline, the LTX-2 HDR node) and LTX-2.5's high-fidelity
render (dfr.py: LTX2DFRPipeline and LTX2DFRTemporalRefinePipeline, the LTX-2.5 DFR node); video to video by the
generic Video to Video node (v2v.py: LTX2ConditionPipeline's latents, sigmas and noise_scale)."""
from __future__ import annotations

from ...base.capabilities import PromptWeights
from ...base.capabilities import OwnNodes
from ...base.capabilities import (BLENDED, NOT_MODULAR, NOT_TRAINED, NO_LAST_FRAME, NO_TRACKS, NO_WINDOWS, ONE_DENOISER,
                                  Conditions, ContextWindows, Drafts, FirstLast, LoraNames, LoraTraining, Modular,
                                  PartReader, PreviewLayout, PromptRecipe, ResumeKeeps, SingleFile, TimeTiles, Tracks,
                                  TwoExperts, VaeTiles)
from ...base.capabilities import AttentionGuidance, Limits, Outputs, RestyleCall
from ...base.family import Family
from ...base.said import modular_forms
from ...base.prompt_recipes import MASKED
from ...base.tasks import KEYS, Maker
from . import drafts, part_configs, recognise


class LTX2(Family):
    def checkpoint_words(self, tensors):
        return recognise.checkpoint_words(tensors)

    def pipeline_call(self, pipe, call: dict) -> dict:
        """Video to Video's clip and strength given to the condition pipeline as the clip's latents, the schedule's
        tail and the noise it starts from (v2v.py); every other call as given."""
        from . import v2v
        return v2v.v2v_call(pipe, call) if v2v.is_v2v_call(pipe, call) else call



def _sound_of(pipe, raw):
    """The call's waveform as an Audio value (node.py's reading)."""
    from .node import sound_of
    return sound_of(pipe, raw)

def _gguf_state(cls_name, state):
    """LTX-2.3's prompt AdaLN renamed (diffusers' single-file converter has LTX-2's names only)."""
    from . import parts as parts_ltx2
    return parts_ltx2.renamed_state(state) if cls_name == "LTX2VideoTransformer3DModel" else state


def _transformer_file(wf):
    """An all-in-one checkpoint's transformer (its connectors, VAEs and vocoder left to the folder's)."""
    from . import parts as parts_ltx2
    return parts_ltx2.transformer_file(wf)


def _frames_condition(clip):
    from . import conditions
    return conditions.frames_condition(clip)


def _keyframe_conditions(ctx, pipe, keys, strength):
    from . import conditions
    return conditions.keyframe_conditions(ctx, pipe, keys, strength)


# what its Video to Video does with the sound its pipeline makes beside the picture (v2v.py)
V2V_SOUND = ("LTX-2 makes a sound with the picture in the same call: Video to Video keeps the picture only (its sound, "
             "drawn from noise over the shortened schedule, is not kept, and the clip's own sound does not ride on "
             "its output: wire the clip's audio to Save Video's to keep it)")
PIPELINES = ("LTX2Pipeline", "LTX2ImageToVideoPipeline", "LTX2ConditionPipeline", "LTX2InContextPipeline")


def _nag(pipe, call, negative, scale, tau, alpha):
    """Normalized Attention Guidance on its video text cross-attention for one call (nag.py)."""
    from .nag import nag_installed
    return nag_installed(pipe, call, negative, scale, tau, alpha)


def _parts():
    """Its part reader module (base/capabilities.py PartReader), imported when first needed."""
    from . import reader
    return reader


FAMILY = LTX2(
    "ltx2", "LTX-2 (picture and sound)", PIPELINES,
    i2v="LTX2ImageToVideoPipeline", t2v="LTX2Pipeline", cond="LTX2ConditionPipeline", ic="LTX2InContextPipeline",
    v2v="LTX2ConditionPipeline",  # the clip's latents partly noised along the schedule's tail (v2v.py)
    fps_arg="frame_rate", latent_layout="packed",
    frames=121, frame_multiple=(8, 1), size_multiple=32, fps=24.0, scale_attr="latents_std", key_rank=5, recogniser=recognise.recognise,
    layouts=("diffusers", "original (Lightricks, all-in-one checkpoint)"),
    # the LTX-2 node's 'sound: drive' (the picture made to a given sound); the LTX-2 HDR node (hdr.py); the
    # LTX-2.5 DFR node (dfr.py) makes text and image to video, kinds the family has already
    task_kinds_by_inputs=("audio", "hdr"),
    not_built=(("HDR's second stage (upsampled and refined in tiles)", "the LTX-2 HDR node makes the first stage "
                "at the take's size; diffusers has no tiled refine of it either"),
               modular_forms(("LTX2ModularPipeline", "LTX25ModularPipeline"), "LTX2Pipeline and its task pipelines"),
               ("Echo (EchoModularPipeline)", "a distilled long-video checkpoint with sound on LTX-2's transformer, run "
                "only as a modular pipeline with its own denoising loop: not built yet")),
    part_titles=(("Gemma 3 12B", "Gemma 3 12B (LTX-2)"),),
    # its prompts cached with their masks: Gemma's states before its connectors, which the call applies (its
    # image CRF, which the call reads from Gemma's config, is given by the node); diffusers' pipeline_ltx2.py
    # sets the tokenizer's padding side to "left" while encoding, which the call reads back
    has=(PromptWeights(PIPELINES, literal=True),  # ComfyUI's text encoder reads no weights
         Limits(latent_side=2),  # its VAE pads by reflection: a latent of one pixel a side fails
         SingleFile(gguf=_gguf_state, tensors=_transformer_file), Drafts(drafts.RECIPES), LoraNames("LTX-2", recognise.lora_names),
         PartReader(_parts),
         PromptRecipe(PIPELINES, MASKED, tokenizer_side="left"), VaeTiles("AutoencoderKLLTX2Video", BLENDED, "last"),
         PreviewLayout(), AttentionGuidance(_nag), Conditions(_frames_condition, _keyframe_conditions),
         RestyleCall(args=("strength",), said=V2V_SOUND),  # (v2v.py: its strength made the schedule's tail)
         Outputs(sound="audio", sound_of=_sound_of, channels_last=("LTX2HDRPipeline",)),
         OwnNodes(makers=(Maker("text", "video_models.ltx2", ("prompt",)),
                          Maker("text", "video_models.ltx2_dfr", ("prompt",)),
                          Maker("image", "video_models.ltx2", ("image", "prompt")),
                          Maker("image", "video_models.ltx2_dfr", ("image", "prompt")),
                          Maker("first_last", "video_models.ltx2", ("image", "prompt") + KEYS),  # the last one a keyframe
                          Maker("control", "video_models.ltx2", ("control", "prompt")),
                          Maker("audio", "video_models.ltx2", ("image", "prompt", "audio")),
                          Maker("hdr", "video_models.ltx2_hdr", ("video", "prompt")),
                          Maker("inbetween", "video_models.ltx2", ("prompt",) + KEYS),
                          Maker("sound", "video_models.ltx2_foley", ("video", "prompt"))),
                  # other pipelines its own nodes run: hdr.py, dfr.py, upsample.py, diffusion_vae.py
                  pipelines=("LTX2HDRPipeline", "LTX2DFRPipeline", "LTX2DFRTemporalRefinePipeline",
                             "LTX2LatentUpsamplePipeline", "LTX2VideoDiffusionDecodePipeline"))),
    lacks={TwoExperts: ONE_DENOISER, ContextWindows: NO_WINDOWS,
           ResumeKeeps: "its sound is decoded after the picture, from latents a kept file would not hold: the lighter "
                        "retry only",
           TimeTiles: "its pipeline decodes the picture and the sound itself: its frames are copied to the host a tile "
                      "at a time (time_tiles.to_host)",
           LoraTraining: NOT_TRAINED, Tracks: NO_TRACKS, FirstLast: NO_LAST_FRAME, Modular: NOT_MODULAR},
    # a diffusers folder's transformer config (or one read from a file's shapes) says the generation
    # (diffusers' transformer_ltx2.py): part_configs.generation_of_config
    variants=tuple((g, lambda idx, cfg, g=g: part_configs.generation_of_config(cfg) == g)
                   for g in ("LTX-2.5", "LTX-2.3", "LTX-2")),
    key_patterns=(("audio_caption_projection.", "av_cross_attn_", "scale_shift_table"),  # before LTX-Video's
                  ("audio_adaln_single.", "av_ca_", "scale_shift_table")))  # original LTX-2 layout
