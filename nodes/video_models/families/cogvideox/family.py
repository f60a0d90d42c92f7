"""CogVideoX: text, image and video to video at 49 frames a call; CogVideoX Fun Control (a control clip to
video: diffusers' CogVideoXFunControlPipeline) by its own node (fun_control.py)."""
from __future__ import annotations

from ...base.capabilities import OwnNodes
from ...base.capabilities import (CONV_CACHE, NOT_MODULAR, NO_CONDITIONS, NO_DRAFTS, NO_LAST_FRAME, NO_LORA_NAMES,
                                  NO_TRACKS, NO_WINDOWS, ONE_DENOISER, SINGLE_FILE_AS_IS, Conditions, ContextWindows,
                                  Drafts, FirstLast, LoraNames, LoraTraining, Modular, PartReader, PreviewLayout,
                                  PromptRecipe, ResumeKeeps, SingleFile, TimeTiles, Tracks, TwoExperts, VaeTiles)
from ...base.family import Family
from ...base.tasks import Maker
from ...base.prompt_recipes import PLAIN
from ...base.recognise import Recognised


def recognise(t, filename: str = "") -> Recognised | None:
    if {"patch_embed", "transformer_blocks", "norm_final"} <= t.tops:
        n = t.blocks("transformer_blocks")
        return Recognised("denoiser", "cogvideox", "CogVideoX" + (" 5B" if n == 42 else " 2B" if n == 30 else ""))
    return None


PIPELINES = ("CogVideoXPipeline", "CogVideoXImageToVideoPipeline", "CogVideoXVideoToVideoPipeline")
FUN_CONTROL = "CogVideoXFunControlPipeline"


def _saved_as(cls: str, path: str, config: dict) -> bool:
    """Whether the loaded folder's model_index.json names ``cls`` (a loaded pipeline's config does not keep it)."""
    import os

    from ...files.headers import read_json
    for folder in (path, config.get("_name_or_path")):
        index = os.path.join(str(folder or ""), "model_index.json")
        if folder and os.path.isfile(index):
            return read_json(index).get("_class_name") == cls
    return False


class CogVideoX(Family):
    """A Fun Control folder's transformer reads the control clip's latents beside the noise: its tasks are the
    CogVideoX Fun Control node's, the others refused in words."""

    def refuse_pipeline(self, task: str, components: dict, config: dict, path: str) -> None:
        from ...base.errors import ModelError
        from ...base.tasks import TASKS
        if _saved_as(FUN_CONTROL, path, config):
            raise ModelError(f"'{path}' is a CogVideoX Fun Control model: it makes video from a control clip, not "
                             f"{TASKS[task]}: use the CogVideoX Fun Control node")


FAMILY = CogVideoX(
    "cogvideox", "CogVideoX", PIPELINES + (FUN_CONTROL,),
    i2v="CogVideoXImageToVideoPipeline", t2v="CogVideoXPipeline", v2v="CogVideoXVideoToVideoPipeline",
    task_kinds_by_inputs=("control",),
    variants=(("CogVideoX Fun Control", lambda idx, cfg: idx.get("_class_name") == FUN_CONTROL),),
    not_built=(("ConsisID, identity from a face (ConsisIDPipeline)", "its CogVideoX transformer reads a face's "
                "features that diffusers leaves to the caller (insightface, facexlib and EVA-CLIP models, with their "
                "own weights): not built yet"),),
    latent_layout="BTCHW", frames=49, fixed_frames=49, frame_multiple=(4, 1), size_multiple=16, fps=8.0, key_rank=7, recogniser=recognise,
    has=(PromptRecipe(PIPELINES, PLAIN), ResumeKeeps(tuple((name, 0) for name in PIPELINES)),
         VaeTiles("AutoencoderKLCogVideoX", CONV_CACHE), PreviewLayout(),
         LoraTraining(("to_q", "to_k", "to_v", "to_out.0"), "ddim_v_prediction"),
         # Fun Control's control clip: the CogVideoX Fun Control node
         OwnNodes(makers=(Maker("control", "video_models.cogvideox_fun_control", ("control", "prompt")),))),
    lacks={SingleFile: SINGLE_FILE_AS_IS, TwoExperts: ONE_DENOISER, ContextWindows: NO_WINDOWS, Drafts: NO_DRAFTS, LoraNames: NO_LORA_NAMES,
           PartReader: "a CogVideoX denoiser file is read with a diffusers folder as 'base' (its T5, VAE and "
                       "scheduler)",
           TimeTiles: "a take of 49 frames a call: its pipeline's own decode, copied to the host a tile at a time",
           Conditions: NO_CONDITIONS, Tracks: NO_TRACKS, FirstLast: NO_LAST_FRAME, Modular: NOT_MODULAR},
    key_patterns=(("patch_embed.text_proj", "transformer_blocks."),
                  ("patch_embed.proj", "norm_final", "transformer_blocks.")))
