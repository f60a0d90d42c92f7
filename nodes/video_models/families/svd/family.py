"""Stable Video Diffusion: image to video from a diffusers folder or ComfyUI's one checkpoint
(Stability's sgm layout, read by Studio's converter)."""
from __future__ import annotations

from ...base.capabilities import Cost, OwnNodes
from ...base.capabilities import (NOT_MODULAR, NOT_TRAINED, NO_CONDITIONS, NO_DRAFTS, NO_LAST_FRAME, NO_LORA_NAMES,
                                  NO_TRACKS, NO_WINDOWS, ONE_DENOISER, Conditions, ContextWindows, Drafts, FirstLast,
                                  LoraNames, LoraTraining, Modular, PartReader, PreviewLayout, PromptRecipe,
                                  ResumeKeeps, SingleFile, TimeTiles, Tracks, TwoExperts, VaeTiles)
from ...base.family import Family
from ...base.tasks import Maker
from . import recognise


class SVD(Family):
    def call_args(self, p, height, width, frames, steps, fps):
        """Image to video with no prompt: a motion bucket, noise augmentation, guidance rising linearly over the clip
        from 'min_guidance' at the first frame to 'guidance' at the last (diffusers' ramp; the two alike: constant)."""
        return {"height": height, "width": width, "num_frames": frames, "num_inference_steps": steps,
                "min_guidance_scale": p.min_guidance, "max_guidance_scale": p.guidance, "fps": max(1, int(round(fps))),
                "motion_bucket_id": p.motion, "noise_aug_strength": p.noise_aug, "decode_chunk_size": min(8, frames)}


def _converters() -> dict:
    from . import convert  # its UNet in Stability's layout
    return convert.CONVERTERS


def _parts():
    """Its part reader module (base/capabilities.py PartReader), imported when first needed."""
    from . import pipeline  # its one checkpoint (UNet, temporal VAE, CLIP image encoder)
    return pipeline


FAMILY = SVD("svd", "Stable Video Diffusion", ("StableVideoDiffusionPipeline",),
             i2v="StableVideoDiffusionPipeline", denoiser="unet", latent_layout="BTCHW", frames=14,
             fixed_frames=14, size_multiple=8, fps=7.0, key_rank=1, recogniser=recognise.recognise,
             layouts=("diffusers", "Stability's sgm checkpoint"),
             has=(SingleFile(_converters), PartReader(_parts, one_checkpoint=True),
                  ResumeKeeps((("StableVideoDiffusionPipeline", 0),)), PreviewLayout(video_vae=False),
                  # no prompt: its call takes none
                  OwnNodes(makers=(Maker("image", "video_models.image_to_video", ("image",)),)),
                  Cost(frame_vaes=("AutoencoderKLTemporalDecoder",))),  # its temporal decoder keeps every frame
             lacks={TwoExperts: ONE_DENOISER, ContextWindows: NO_WINDOWS, Drafts: NO_DRAFTS, LoraNames: NO_LORA_NAMES,
           PromptRecipe: "image to video with no prompt: nothing to encode",
                    VaeTiles: "its temporal decoder decodes in chunks of frames (decode_chunk_size), not in time tiles",
                    TimeTiles: "14 frames a call: its pipeline's own decode", LoraTraining: NOT_TRAINED,
                    Conditions: NO_CONDITIONS, Tracks: NO_TRACKS, FirstLast: NO_LAST_FRAME, Modular: NOT_MODULAR},
             key_patterns=(("time_stack",),  # original SGM layout of SVD
                           ("temporal_transformer_blocks", "down_blocks."),
                           ("spatial_res_block",)))
