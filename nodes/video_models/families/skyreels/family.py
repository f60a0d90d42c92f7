"""SkyReels-V2 (Wan's architecture, AutoencoderKLWan): the plain models and the diffusion-forcing (DF)
ones, one family; a DF folder's tasks are made by its DF pipelines (``FORCING``, base.registry.family_of)."""
from __future__ import annotations

from ...base.capabilities import KeepsNoSteps, PromptWeights
from ...base.capabilities import (NOT_MODULAR, NOT_TRAINED, NO_CONDITIONS, NO_DRAFTS, NO_LAST_FRAME, NO_TRACKS,
                                  ONE_DENOISER, SINGLE_FILE_AS_IS, Conditions, ContextWindows, Drafts, FirstLast,
                                  LoraNames, LoraTraining, Modular, PartReader, PreviewLayout, PromptRecipe,
                                  ResumeKeeps, SingleFile, TimeTiles, Tracks, TwoExperts, VaeTiles)
from ...base.family import Family, config_width
from ...base.prompt_recipes import PLAIN
from ..wan import lora_names as wan_lora_names, recognise as wan_recognise

SKYREELS_DF = ("SkyReelsV2DiffusionForcingPipeline", "SkyReelsV2DiffusionForcingImageToVideoPipeline",
               "SkyReelsV2DiffusionForcingVideoToVideoPipeline")
PIPELINES = ("SkyReelsV2Pipeline", "SkyReelsV2ImageToVideoPipeline") + SKYREELS_DF
WAN_VAE = "its VAE is Wan's (AutoencoderKLWan): the Wan family's declaration serves it (found by the VAE's class)"
# its prompts as Wan's (one UMT5, no template); the diffusion-forcing call requires a prompt argument: given None
# beside the embeddings (sampling/prompt_cache.py)
_SKYREELS = dict(frames=97, fixed_frames=97, frame_multiple=(4, 1), size_multiple=16, fps=24.0,
                 scale_attr="latents_std",
                 # its LoRAs have Wan's names (told as Wan's, which is asked first), its original layout Wan's too
                 has=(PromptRecipe(PIPELINES, PLAIN), PromptWeights(PIPELINES), PreviewLayout(), ContextWindows("BCTHW"),
                      LoraNames("Wan", wan_recognise.lora_names, wan_lora_names.ORIGINAL),
                      # as the Sampler says it at a Stop (sampling/sampler.py FORCING_NO_RESUME)
                      KeepsNoSteps("its diffusion-forcing (DF) models' takes: the call makes the take in overlapping "
                                   "blocks of frames, each its own denoising loop, which a kept step does not tell "
                                   "apart (the plain models' takes resume)")),
                 lacks={SingleFile: SINGLE_FILE_AS_IS, TwoExperts: ONE_DENOISER, Drafts: NO_DRAFTS,
                        PartReader: "a SkyReels-V2 denoiser file is read with a diffusers folder as 'base' (its "
                                    "UMT5, VAE and scheduler)",
                        ResumeKeeps: "its decode and post-processing were not read for a lone redo: the lighter retry "
                                     "only",
                        VaeTiles: WAN_VAE, TimeTiles: WAN_VAE, LoraTraining: NOT_TRAINED, Conditions: NO_CONDITIONS,
                        Tracks: NO_TRACKS, FirstLast: NO_LAST_FRAME, Modular: NOT_MODULAR})
# 97 frames a call at 540P (base_num_frames; 121 at 720P); Wan's transformer: its frame axis and LoRA names


def _df(idx: dict) -> bool:
    return idx.get("_class_name") in SKYREELS_DF


class SkyReels(Family):
    def refuse_pipeline(self, task, components, config, path):
        from ...base.errors import ModelError
        if not self.forcing and task == "i2v" and components.get("image_encoder") is None:
            raise ModelError(f"model '{path}' is a SkyReels-V2 text-to-video model: image to video needs a "
                             "SkyReels-V2 I2V model (with an image_encoder) or a diffusion-forcing (DF) one")


FAMILY = SkyReels(
    "skyreels", "SkyReels-V2", PIPELINES,
    i2v="SkyReelsV2ImageToVideoPipeline", t2v="SkyReelsV2Pipeline", **_SKYREELS,
    variants=(("SkyReels-V2 DF 14B", lambda idx, cfg: _df(idx) and config_width(cfg) == 5120),
              ("SkyReels-V2 DF 1.3B", lambda idx, cfg: _df(idx) and config_width(cfg) == 1536),
              ("SkyReels-V2 DF", lambda idx, cfg: _df(idx)),
              ("SkyReels-V2 14B", lambda idx, cfg: config_width(cfg) == 5120),
              ("SkyReels-V2 1.3B", lambda idx, cfg: config_width(cfg) == 1536)))

# Its diffusion-forcing models, as a loaded folder of one does its tasks (its Video to Video pipeline
# extends a clip, which is not Studio's Video to Video: none)
FORCING = SkyReels("skyreels", "SkyReels-V2 DF", SKYREELS_DF, t2v=SKYREELS_DF[0], i2v=SKYREELS_DF[1],
                 forcing=True, **_SKYREELS)
