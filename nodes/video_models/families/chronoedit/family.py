"""ChronoEdit (NVIDIA's ChronoEdit-14B), diffusers' ChronoEditPipeline (pipelines/chronoedit/ in diffusers 0.42.1):
a picture edited by a text instruction through a video model: Wan 2.1 image to video's transformer
(ChronoEditTransformer3DModel) makes a short clip from the picture whose last frame is the edit, optionally
'reasoning' first over a longer clip (temporal reasoning: its first steps denoise the whole trajectory, then only
the first and last latent frames are kept). Wan's VAE, UMT5 and CLIP vision tower. A family of its own (its
transformer class), run by its node (node.py: ChronoEdit Image Edit), not the generic generators: its call makes
5 frames whatever it is asked unless it reasons, and its output is a picture. Its LoRAs have Wan's names (read by
the pipeline's Wan loader); its Draft is the release's 8-step distilled LoRA (draft.py). Read as a diffusers
folder."""
from __future__ import annotations

from ...base.capabilities import Cost, OwnNodes
from ...base.capabilities import (NOT_MODULAR, NOT_TRAINED, NO_CONDITIONS, NO_LAST_FRAME, NO_LORA_NAMES, NO_TRACKS,
                                  ONE_DENOISER, Conditions, ContextWindows, Drafts, FirstLast, LoraNames,
                                  LoraTraining, Modular, PartReader, PreviewLayout, PromptRecipe, ResumeKeeps,
                                  SingleFile, TimeTiles, Tracks, TwoExperts, VaeTiles)
from ...base.capabilities import RAW_PREVIEWS
from ...base.family import Family
from ...base.tasks import Maker
from .draft import DISTILLED

PIPELINE = "ChronoEditPipeline"
NODE = "ChronoEdit Image Edit"
OWN = "run by its own node in one call"

FAMILY = Family(
    "chronoedit", "ChronoEdit", (PIPELINE,), frames=5, frame_multiple=(4, 1), size_multiple=16, fps=16.0,
    key_rank=200, task_kinds_by_inputs=("image_edit",),
    part_titles=(("UMT5-XXL", "UMT5-XXL (ChronoEdit)"),),
    has=(SingleFile(refusal="ChronoEdit is read as a diffusers folder (its single file has Wan 2.1 image to video's "
                            "names: it is read as that)"), Drafts((DISTILLED,)),
         OwnNodes(makers=(Maker("image_edit", "video_models.chronoedit", ("image", "prompt")),)),  # its Image Edit node
         Cost(encodes=(("i2v", 1.0),))),  # its pipeline encodes the image and blank frames after it: a window
    lacks={TwoExperts: ONE_DENOISER, ContextWindows: OWN, LoraNames: NO_LORA_NAMES,
           PartReader: "read as a diffusers folder", PromptRecipe: OWN + ": the prompt cache is not read",
           ResumeKeeps: OWN, TimeTiles: OWN, VaeTiles: OWN, PreviewLayout: RAW_PREVIEWS,
           LoraTraining: NOT_TRAINED, Conditions: NO_CONDITIONS, Tracks: NO_TRACKS, FirstLast: NO_LAST_FRAME,
           Modular: NOT_MODULAR},
    not_built=(("ComfyUI's ChronoEdit workflow", "its chrono_edit_14B file has Wan 2.1 image to video's names and "
                "shapes: Studio reads it, and converts ComfyUI's workflow, as Wan image to video (the edit is the "
                "last of its frames), not as this node; its ScaleROPE setting is not carried"),),
    variants=(("ChronoEdit", lambda idx, cfg: True),))
