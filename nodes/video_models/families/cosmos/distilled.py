"""The distilled Cosmos 3 (nvidia/Cosmos3-Super-Text2Image-4Step, -Image2Video-4Step) as a family of its own,
Cosmos 3's Draft: diffusers runs it only as a modular pipeline (``Cosmos3DistilledModularPipeline``, blocks
``Cosmos3DistilledBlocks``: modular_pipelines/cosmos/modular_blocks_cosmos3_distilled.py in diffusers 0.42.1;
Cosmos3OmniPipeline does not read it). Its folder is told by its modular_model_index.json: the distilled
blocks named (``_blocks_class_name``), and the fixed schedule its steps follow (``distilled_sigmas``, four
values in the releases): guidance is baked into its weights (one pass a step, no negative prompt), and its
pipeline refuses any other step count or guidance. Components: Cosmos 3's transformer (Cosmos3OmniTransformer),
Wan 2.2's VAE, its text tokenizer and a flow-matching scheduler, each in its folder.

Studio runs it through the generic Text to Video and Image to Video, in one call of that pipeline
(sampling/modular_run.py). Its Draft recipe: loaded, a generator's 'draft' quality sets the node's steps and
guidance to the checkpoint's own (4 steps, guidance 1), said; Final with other steps is refused in words (the
checkpoint has one schedule). Imports nothing of the Cosmos family module (family.py imports this one)."""
from __future__ import annotations

from dataclasses import dataclass

from ...base.capabilities import Cost
from ...base.capabilities import (NOT_TRAINED, NO_CONDITIONS, NO_LAST_FRAME, NO_LORA_NAMES, NO_TRACKS, NO_WINDOWS,
                                  ONE_DENOISER, Conditions, ContextWindows, Drafts, FirstLast, LoraNames,
                                  LoraTraining, Modular, PartReader, PreviewLayout, PromptRecipe, ResumeKeeps,
                                  SingleFile, TimeTiles, Tracks, TwoExperts, VaeTiles)
from ...base.drafts import DraftRecipe
from ...base.family import Family
from .guardrail import GUARDRAIL

PIPELINE = "Cosmos3DistilledModularPipeline"
BLOCKS = "Cosmos3DistilledBlocks"
# a folder saved from the distilled blocks by diffusers' own init_pipeline names the base modular class (its
# model name, 'cosmos3-omni') beside the distilled blocks: told apart by the blocks and the sigmas, not the class
OMNI_MODULAR = "Cosmos3OmniModularPipeline"
COMPONENTS = ("transformer", "vae", "text_tokenizer", "scheduler")  # the transformer first: its folder is checked
ONE_CALL = "its modular pipeline runs the whole take in one call (sampling/modular_run.py)"
FOLDER = ("the distilled Cosmos 3 is read as its diffusers folder (modular_model_index.json with "
          "Cosmos3DistilledBlocks and distilled_sigmas): load the folder")

# diffusers' docs (api/pipelines/cosmos3.md, "Distilled (few-step) text-to-image and image-to-video") call it
# with no steps and no guidance: its four fixed sigmas, guidance 1.0 (baked in), no negative prompt
DISTILLED = DraftRecipe("Cosmos 3 distilled (its fixed 4-step schedule, guidance baked in)",
                        "diffusers docs: api/pipelines/cosmos3.md", steps=4, cfg=1.0, checkpoint=("cosmos3",),
                        tasks=("t2v", "i2v"))


def sigmas(index: dict) -> list:
    """The fixed schedule a distilled folder's index gives ([] : none: not a distilled checkpoint)."""
    got = index.get("distilled_sigmas")
    return list(got) if isinstance(got, (list, tuple)) else []


def distilled(index: dict) -> bool:
    """A modular Cosmos 3 index of the distilled checkpoint: the distilled blocks (or pipeline) and its sigmas."""
    named = BLOCKS == index.get("_blocks_class_name") or PIPELINE == index.get("_class_name")
    return named and bool(sigmas(index))


class Cosmos3DistilledModular(Modular):
    """Its modular pipeline: every component read by its class's own from_pretrained; a modular Cosmos 3
    folder that is not the distilled checkpoint refused in words before its transformer is read; the
    guardrail (the tests' stand-in under the suite) given before the first call, as the Cosmos pipelines get it at load."""
    components = COMPONENTS
    task = "text and image to video (few steps)"

    def part(self, name: str, folder: str, info):
        if name == "transformer":
            import os

            from ...base.errors import ModelError
            from ...files.headers import read_json
            path = os.path.dirname(os.path.normpath(folder))
            index = read_json(os.path.join(path, "modular_model_index.json"))
            if not distilled(index):
                raise ModelError(f"'{path}' is Cosmos 3's modular pipeline ({index.get('_blocks_class_name')}) "
                                 "without a distilled checkpoint's fixed schedule (Cosmos3DistilledBlocks and "
                                 "distilled_sigmas in its modular_model_index.json): Studio reads the base "
                                 "Cosmos 3 from its model_index.json (Cosmos3OmniPipeline)")
        return None

    def step_latents(self, pipe, sample, height: int, width: int):
        """Its vision latents [1, 1, C, T, H, W] (the loop steps them with a batch axis added:
        Cosmos3DistilledVisionLoopSchedulerStep) as [1, C, T, H, W]."""
        return sample[:, 0] if sample.ndim == 6 else super().step_latents(pipe, sample, height, width)

    def ready(self, ctx, ref, task: str) -> None:
        pipe = ref.module
        if getattr(pipe, "safety_checker", None) is None:  # the decode block refuses to run without one
            from .guardrail import safety_checker
            pipe.enable_safety_checker(safety_checker(ctx.info))


@dataclass(frozen=True)
class Cosmos3DistilledFamily(Family):
    def formats(self) -> list[str]:
        return ["diffusers folder", "modular pipeline (modular_model_index.json)", "diffusers layout"]


LACKS = {
    TwoExperts: ONE_DENOISER, ContextWindows: NO_WINDOWS, LoraNames: NO_LORA_NAMES, PartReader: FOLDER,
    PromptRecipe: "it has no text encoder: its transformer reads the prompt's tokens in its own sequence",
    ResumeKeeps: ONE_CALL + ": its decode is a block of it, not a decode Studio can redo alone",
    VaeTiles: ONE_CALL + ": its VAE decodes inside it", TimeTiles: ONE_CALL,
    LoraTraining: NOT_TRAINED, Conditions: NO_CONDITIONS,
    Tracks: NO_TRACKS, FirstLast: NO_LAST_FRAME}

NOT_BUILT = (
    ("video to video (its 'video2video' workflow)", "Studio's Video to Video runs no modular pipeline yet: the "
     "base Cosmos 3 continues a clip"),
    ("text to image (num_frames 1; Cosmos3-Super-Text2Image-4Step's purpose)", "it makes stills; Studio's "
     "generators make video (that checkpoint runs as text to video, which it was not distilled for)"),
    ("its ModelOpt FP8 mixed-precision settings (mixed_precision_format and the steps it covers)", "the "
     "pipeline's defaults run: the checkpoint's own schedule"),
    ("sound", "the distilled blocks make no sound: the base Cosmos 3 (picture and sound) does"))

FAMILY = Cosmos3DistilledFamily(
    "cosmos3_distilled", "Cosmos 3 distilled (few steps)", (PIPELINE, OMNI_MODULAR), t2v=PIPELINE, i2v=PIPELINE,
    frames=189, frame_multiple=(4, 1), size_multiple=16, fps=24.0, scale_attr="latents_std", key_rank=202,
    has=(Cosmos3DistilledModular(), PreviewLayout(), Drafts((DISTILLED,)), SingleFile(refusal=FOLDER), GUARDRAIL,
         Cost(layer_keys=("num_hidden_layers",))),
    lacks=LACKS, not_built=NOT_BUILT,
    variants=(("Cosmos 3 distilled", lambda idx, cfg: distilled(idx)),
              ("Cosmos 3 modular (not the distilled checkpoint: not read)", lambda idx, cfg: True)))
