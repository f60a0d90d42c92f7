"""Helios (BestWishYsh/Helios-Base, -Mid, -Distilled): text, image and video to video made chunk by chunk,
each chunk of 33 frames (nine latent frames) reading a multi-term memory of the chunks before, in one call of
diffusers' ``HeliosPipeline`` (pipelines/helios in diffusers 0.42.1: Wan 2.1's VAE, UMT5, its own
HeliosScheduler); its image to video starts from the image, its video to video continues the clip. A
folder saved as ``HeliosPyramidPipeline`` (Helios-Mid's and -Distilled's sampling: three stages, coarse to
fine) is a family of its own, as its pipeline differs (pyramid.py). Frames are whole chunks (33k); sizes
multiples of 16 (the VAE's 8 times a 2 x 2 patch). Read as a diffusers folder (its transformer's names are
Wan's, with its memory patches)."""
from __future__ import annotations

from ...base.capabilities import (NOT_MODULAR, NOT_TRAINED, NO_CONDITIONS, NO_DRAFTS, NO_LAST_FRAME, NO_LORA_NAMES,
                                  NO_TRACKS, NO_WINDOWS, ONE_DENOISER, Conditions, ContextWindows, Drafts, FirstLast,
                                  LoraNames, LoraTraining, Modular, PartReader, PreviewLayout, PromptRecipe,
                                  ResumeKeeps, SingleFile, TimeTiles, Tracks, TwoExperts, VaeTiles)
from ...base.family import Family
from ...base.said import modular_forms
from ...base.recognise import Recognised

WAN_VAE = "its VAE is Wan 2.1's (AutoencoderKLWan): the Wan family's declaration serves it"
FOLDER = ("Helios is read as a diffusers folder (its transformer's names are Wan's and its memory patches'): load "
          "the folder, not its transformer file")
CHUNK = 33  # (num_latent_frames_per_chunk 9 - 1) * 4 + 1: the frames one chunk makes
NOT_BUILT = (("Helios's interactive sampling (a prompt changed between chunks)", "its pipeline takes one prompt a "
              "call: Studio makes the take in one call"),
             modular_forms(("HeliosModularPipeline", "HeliosPyramidModularPipeline",
                            "HeliosPyramidDistilledModularPipeline"), "HeliosPipeline and HeliosPyramidPipeline"))


def recognise(t, filename: str = "") -> Recognised | None:
    """A Helios transformer file by its memory patches beside Wan's blocks (diffusers' names: its short, mid and
    long history patch embeddings); told so that it is refused in words, not read as Wan's."""
    if t.has("patch_short.weight", "patch_mid.weight", "patch_long.weight", "condition_embedder.time_proj.weight"):
        return Recognised("denoiser", "helios", "Helios")
    return None


def lacks(drafts: str = NO_DRAFTS) -> dict:
    return {TwoExperts: ONE_DENOISER, ContextWindows: NO_WINDOWS, LoraNames: NO_LORA_NAMES, PartReader: FOLDER,
            PromptRecipe: "its encode_prompt was not read for the prompt-embedding cache: its text encoder encodes "
                          "each render",
            ResumeKeeps: "its chunks are decoded inside its call: not read for a lone redo (the lighter retry only)",
            VaeTiles: WAN_VAE, TimeTiles: WAN_VAE, LoraTraining: NOT_TRAINED, Conditions: NO_CONDITIONS,
            Tracks: NO_TRACKS, FirstLast: NO_LAST_FRAME, Modular: NOT_MODULAR, Drafts: drafts}


FAMILY = Family(
    "helios", "Helios", ("HeliosPipeline",), t2v="HeliosPipeline", i2v="HeliosPipeline", v2v="HeliosPipeline",
    frames=4 * CHUNK, frame_multiple=(CHUNK, 0), size_multiple=16, fps=24.0, scale_attr="latents_std",
    key_rank=5,  # after Wan (4): a UMT5 file is told as Wan's, the first family that uses it
    recogniser=recognise, part_titles=(("UMT5-XXL", "UMT5-XXL (Helios)"),),
    has=(SingleFile(refusal=FOLDER), PreviewLayout()),
    lacks=lacks("its distilled model (Helios-Distilled) is saved as HeliosPyramidPipeline: the Helios (pyramid) "
                "family's "
                "draft"),
    not_built=NOT_BUILT,
    variants=(("Helios", lambda idx, cfg: True),))
