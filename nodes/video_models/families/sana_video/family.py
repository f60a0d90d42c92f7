"""Sana Video (NVIDIA Sana-Video), diffusers' SanaVideoPipeline and SanaImageToVideoPipeline
(pipelines/sana_video/ in diffusers 0.42.1): a SanaVideoTransformer3DModel (linear attention, Wan's
rotary positions), a Gemma 2 text encoder reading the prompt after its own instruction, Wan's VAE (or LTX-2's,
or a DC-AE). A family of its own (its transformer class), run by its node (node.py: Sana Video), not the
generic generators: its calls take 'frames', not 'num_frames', and by default make the trained resolution
bucket nearest the size asked and resize back (use_resolution_binning), a setting of the node. Read as a
diffusers folder: a text-to-video folder does text to video, an image-to-video folder image to video."""
from __future__ import annotations

from ...base.capabilities import Cost, LINEAR, OwnNodes
from ...base.capabilities import (NOT_MODULAR, NOT_TRAINED, NO_CONDITIONS, NO_DRAFTS, NO_LAST_FRAME, NO_LORA_NAMES,
                                  NO_TRACKS, ONE_DENOISER, Conditions, ContextWindows, Drafts, FirstLast, LoraNames,
                                  LoraTraining, Modular, PartReader, PreviewLayout, PromptRecipe, ResumeKeeps,
                                  SingleFile, TimeTiles, Tracks, TwoExperts, VaeTiles)
from ...base.capabilities import RAW_PREVIEWS
from ...base.family import Family
from ...base.tasks import Maker

T2V, I2V = "SanaVideoPipeline", "SanaImageToVideoPipeline"
NODE = "Sana Video"
OWN = "run by its own node in one call"

FAMILY = Family(
    "sana_video", "Sana Video", (T2V, I2V), frames=81, frame_multiple=(4, 1), size_multiple=32, fps=16.0,
    key_rank=200, task_kinds_by_inputs=("text", "image"),
    part_titles=(("Gemma 2 2B", "Gemma 2 2B (Sana Video)"),),
    has=(SingleFile(refusal="Sana Video is read as a diffusers folder"),
         OwnNodes(makers=(Maker("text", "video_models.sana_video", ("prompt",)),  # the Sana Video node (node.py)
                          Maker("image", "video_models.sana_video", ("image", "prompt")))),
         Cost(attention=LINEAR)),  # its blocks' linear attention
    lacks={TwoExperts: ONE_DENOISER, ContextWindows: OWN, Drafts: NO_DRAFTS, LoraNames: NO_LORA_NAMES,
           PartReader: "read as a diffusers folder", PromptRecipe: "its prompt is encoded after its own instruction "
           "inside the call; the prompt cache does not read it yet", ResumeKeeps: OWN, TimeTiles: OWN,
           VaeTiles: OWN, PreviewLayout: RAW_PREVIEWS, LoraTraining: NOT_TRAINED,
           Conditions: NO_CONDITIONS, Tracks: NO_TRACKS, FirstLast: NO_LAST_FRAME, Modular: NOT_MODULAR},
    not_built=(("long video (LongSana)", "the causal long-video pipelines are not in diffusers 0.42.1"),
               ("SANA-WM, a world model (SanaWMPipeline)", "a picture driven by keyboard actions and camera intrinsics "
                "('w-80,jw-40', fx fy cx cy), refined by an LTX-2 stage: actions of that kind are not an input Studio "
                "has; not built yet"),
               ("prompt rewriting", "the pipeline's complex_human_instruction is kept as diffusers sets it; Studio "
                                    "offers no other")),
    variants=(("Sana Video I2V", lambda idx, cfg: idx.get("_class_name") == I2V),
              ("Sana Video T2V", lambda idx, cfg: True)))
