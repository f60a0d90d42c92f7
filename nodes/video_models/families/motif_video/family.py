"""Motif Video (Motif Technologies' Motif-Video 2B), diffusers' MotifVideoPipeline and
MotifVideoImage2VideoPipeline (pipelines/motif_video/ in diffusers 0.42.1): a MotifVideoTransformer3DModel
(dual-stream, single-stream and decoder blocks) reading the noise beside the condition latents and their
mask, Wan's VAE, a T5Gemma 2 encoder (its SigLIP tower reads the still for image to video), its guidance a
guider's (adaptive projected guidance: the node's 'guidance' set on a copy for the call,
sampling/call_adapters.py). Run by the generic Text to Video and Image to Video; read as a diffusers folder
(its own transformer class, so a family)."""
from __future__ import annotations

from ...base.capabilities import Cost
from ...base.capabilities import (NOT_MODULAR, NOT_TRAINED, NO_CONDITIONS, NO_DRAFTS, NO_LAST_FRAME, NO_LORA_NAMES,
                                  NO_TRACKS, NO_WINDOWS, ONE_DENOISER, Conditions, ContextWindows, Drafts, FirstLast,
                                  LoraNames, LoraTraining, Modular, PartReader, PreviewLayout, PromptRecipe,
                                  ResumeKeeps, SingleFile, TimeTiles, Tracks, TwoExperts, VaeTiles)
from ...base.family import Family

T2V, I2V = "MotifVideoPipeline", "MotifVideoImage2VideoPipeline"
WAN_VAE = "its VAE is Wan's (AutoencoderKLWan): the Wan family's declaration serves it (found by the VAE's class)"


class MotifVideo(Family):
    def refuse_pipeline(self, task: str, components: dict, config: dict, path: str) -> None:
        from ...base.errors import ModelError
        den = components.get("transformer")
        if task == "i2v" and (getattr(den, "image_embedder", None) is None
                              or getattr(components.get("text_encoder"), "vision_tower", None) is None
                              or components.get("feature_extractor") is None):
            raise ModelError(f"'{path}' is Motif Video's text to video: its image to video needs the transformer's "
                             "image projection, the text encoder's SigLIP tower and its image processor (the "
                             "image-to-video folder)")


FAMILY = MotifVideo(
    "motif_video", "Motif Video", (T2V, I2V), t2v=T2V, i2v=I2V, frames=121, frame_multiple=(4, 1),
    size_multiple=16, fps=24.0, key_rank=200,
    part_titles=(("T5Gemma 2", "T5Gemma 2 (Motif Video)"),),
    has=(SingleFile(refusal="Motif Video is read as a diffusers folder"), PreviewLayout(),
         Cost(layer_keys=("num_layers", "num_single_layers", "num_decoder_layers"))),
    lacks={TwoExperts: ONE_DENOISER, ContextWindows: NO_WINDOWS, Drafts: NO_DRAFTS, LoraNames: NO_LORA_NAMES,
           PartReader: "read as a diffusers folder", PromptRecipe: "its encode_prompt is not declared for the "
           "prompt cache yet", ResumeKeeps: "its decode was not read for a lone redo: the lighter retry only",
           VaeTiles: WAN_VAE, TimeTiles: WAN_VAE, LoraTraining: NOT_TRAINED, Conditions: NO_CONDITIONS,
           Tracks: NO_TRACKS, FirstLast: NO_LAST_FRAME, Modular: NOT_MODULAR},
    variants=(("Motif Video", lambda idx, cfg: True),))  # the listing adds the folder's task (T2V, I2V)
