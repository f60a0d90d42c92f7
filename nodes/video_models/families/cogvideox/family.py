"""CogVideoX: text, image and video to video at 49 frames a call; CogVideoX Fun Control (a control clip to
video: diffusers' CogVideoXFunControlPipeline) by its own node (fun_control.py); CogVideoX-Fun InP (VideoX-Fun's
inpaint models: text, first-and-last-frame and video to video) by its own node (fun_inp.py), whose pipeline is
Studio's (fun_inp_pipeline.py: diffusers has none)."""
from __future__ import annotations

from ...base.capabilities import OwnNodes, PromptWeights
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
FUN_INP = "CogVideoXFunInpaintPipeline"  # fun_inp_pipeline.py's (the folder is saved as CogVideoXPipeline)


def _inp(cfg: dict) -> bool:
    """An InP transformer's config: the noise, the mask and the masked video's latents in (2 * latents + 1: odd;
    the others' 16 or 32)."""
    ins = cfg.get("in_channels")
    return isinstance(ins, int) and ins % 2 == 1


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
        _refuse_inp(task, components, path)

    def pipeline_call(self, pipe, call: dict) -> dict:
        """A generic generator's call of an InP folder (loaded as CogVideoXPipeline, so never refused by
        refuse_pipeline for text to video) refused in words before it runs."""
        kind = type(pipe).__name__
        if kind in PIPELINES:
            task = {"CogVideoXPipeline": "t2v", "CogVideoXImageToVideoPipeline": "i2v"}.get(kind, "v2v")
            _refuse_inp(task, pipe.components, str(getattr(pipe, "name_or_path", "") or "the model"))
        return call


def _refuse_inp(task: str, components: dict, path: str) -> None:
    from ...base.errors import ModelError
    from ...base.tasks import TASKS
    from .fun_inp_pipeline import is_inp
    if is_inp(components.get("transformer"), components.get("vae")):
        raise ModelError(f"'{path}' is a CogVideoX-Fun InP model: its transformer also reads an inpaint mask and the "
                         f"masked video's latents, which {TASKS.get(task, task)} does not give it: use the CogVideoX "
                         "Fun InP node")


FAMILY = CogVideoX(
    "cogvideox", "CogVideoX", PIPELINES + (FUN_CONTROL,),
    i2v="CogVideoXImageToVideoPipeline", t2v="CogVideoXPipeline", v2v="CogVideoXVideoToVideoPipeline",
    task_kinds_by_inputs=("control",),
    variants=(("CogVideoX Fun Control", lambda idx, cfg: idx.get("_class_name") == FUN_CONTROL),
              ("CogVideoX Fun InP", lambda idx, cfg: _inp(cfg))),
    not_built=(("ConsisID, identity from a face (ConsisIDPipeline)", "its CogVideoX transformer reads a face's "
                "features that diffusers leaves to the caller (insightface, facexlib and EVA-CLIP models, with their "
                "own weights): not built yet"),),
    latent_layout="BTCHW", frames=49, fixed_frames=49, frame_multiple=(4, 1), size_multiple=16, fps=8.0, key_rank=7, recogniser=recognise,
    has=(PromptRecipe(PIPELINES, PLAIN), PromptWeights(PIPELINES + (FUN_CONTROL,)),
         ResumeKeeps(tuple((name, 0) for name in PIPELINES)),
         VaeTiles("AutoencoderKLCogVideoX", CONV_CACHE), PreviewLayout(),
         LoraTraining(("to_q", "to_k", "to_v", "to_out.0"), "ddim_v_prediction"),
         # Fun Control's control clip: the CogVideoX Fun Control node
         # (and an InP model's first and last frames: the CogVideoX Fun InP node)
         OwnNodes(makers=(Maker("control", "video_models.cogvideox_fun_control", ("control", "prompt")),
                          Maker("first_last", "video_models.cogvideox_fun_inp", ("image", "prompt", "last_image"))),
                  pipelines=(FUN_INP,))),
    lacks={SingleFile: SINGLE_FILE_AS_IS, TwoExperts: ONE_DENOISER, ContextWindows: NO_WINDOWS, Drafts: NO_DRAFTS, LoraNames: NO_LORA_NAMES,
           PartReader: "a CogVideoX denoiser file is read with a diffusers folder as 'base' (its T5, VAE and "
                       "scheduler)",
           TimeTiles: "a take of 49 frames a call: its pipeline's own decode, copied to the host a tile at a time",
           Conditions: NO_CONDITIONS, Tracks: NO_TRACKS, FirstLast: NO_LAST_FRAME, Modular: NOT_MODULAR},
    key_patterns=(("patch_embed.text_proj", "transformer_blocks."),
                  ("patch_embed.proj", "norm_final", "transformer_blocks.")))
