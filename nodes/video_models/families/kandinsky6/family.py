"""Kandinsky 6 (kandinskylab): a clip and its sound made together from a prompt and an optional first
image, diffusers' Kandinsky6TI2VAPipeline (pipelines/kandinsky6/pipeline_kandinsky6_ti2va.py in
diffusers 0.42.1: one DiT denoising the video latents and MMAudio's audio latents side by side,
HunyuanVideo's VAE, MMAudio's audio VAE and vocoder, Qwen2.5-VL and CLIP text encoders), and its video
super-resolution, Kandinsky6SRPipeline (pipeline_kandinsky6_sr.py: tiles refined by an SR DiT on a
K-VAE). Text and image to video are the one pipeline (the image, when given, is appended as a clean,
masked tail frame): the generic Text to Video and Image to Video nodes make its picture, the Kandinsky 6
Video + Sound node (node.py) its picture and sound, the Kandinsky 6 Super-Resolution node (sr_node.py)
a clip 2, 2.25 or 4 times larger. Frame and size rules are the pipeline's: frames 4k + 1 (it rounds
others down), sizes in multiples of 16 (8 x VAE, 2 x 2 patches)."""
from __future__ import annotations

from ...base.capabilities import Cost, OwnNodes
from ...base.capabilities import (NOT_MODULAR, NOT_TRAINED, NO_CONDITIONS, NO_DRAFTS, NO_LAST_FRAME, NO_LORA_NAMES,
                                  NO_TRACKS, NO_WINDOWS, ONE_DENOISER, Conditions, ContextWindows, Drafts, FirstLast,
                                  LoraNames, LoraTraining, Modular, PartReader, PreviewLayout, PromptRecipe,
                                  ResumeKeeps, SingleFile, TimeTiles, Tracks, TwoExperts, VaeTiles)
from ...base.capabilities import Outputs
from ...base.family import Family, config_int
from ...base.tasks import Maker
from ..kandinsky5.family import HUNYUAN_VAE
from . import recognise

TI2VA, SR = "Kandinsky6TI2VAPipeline", "Kandinsky6SRPipeline"
SR_NODE = "Kandinsky 6 Super-Resolution"


def _converters() -> dict:
    """Its DiT files, ComfyUI's prefix removed (diffusers has no single-file converter for the classes):
    the picture-and-sound DiT in diffusers' names or the release's native ones, which ComfyUI saves
    (layouts.py); the SR DiT in diffusers' names (Kandinsky 5's converter does that job for its own)."""
    from ..kandinsky5.layouts import convert_transformer as strip_prefix
    from .layouts import convert_transformer
    return {"Kandinsky6Transformer3DModel": convert_transformer, "Kandinsky6SRTransformer3DModel": strip_prefix}


def _parts():
    """Its part reader module (base/capabilities.py PartReader), imported when first needed."""
    from . import pipeline as kandinsky6_pipeline
    return kandinsky6_pipeline


def is_sr(index: dict) -> bool:
    return index.get("_class_name") == SR


class Kandinsky6(Family):
    def refuse_pipeline(self, task: str, components: dict, config: dict, path: str) -> None:
        from ...base.errors import ModelError
        if config.get("_class_name") == SR or type(components.get("transformer")).__name__.endswith("SRTransformer3DModel"):
            raise ModelError(f"'{path}' is Kandinsky 6's super-resolution model: it makes a clip larger, it does not "
                             f"make one; use the {SR_NODE} node")



def _sound_of(pipe, raw):
    """The call's waveform as an Audio value (node.py's reading)."""
    from .node import sound_of
    return sound_of(pipe, raw)

FAMILY = Kandinsky6(
    "kandinsky6", "Kandinsky 6 (picture and sound)", (TI2VA, SR), t2v=TI2VA, i2v=TI2VA,
    latent_layout="BTHWC", frames=121, frame_multiple=(4, 1), size_multiple=16, fps=24.0, key_rank=4,
    recogniser=recognise.recognise, task_kinds_by_inputs=("upscale",),
    part_titles=(("Qwen2.5-VL 7B", "Qwen2.5-VL 7B (Kandinsky 6)"), ("CLIP-L text", "CLIP-L text (Kandinsky 6)")),
    key_patterns=(("video_time_embeddings.", "audio_text_transformer_blocks.", "audio_out_layer."),),
    has=(SingleFile(_converters), PreviewLayout(), Outputs(sound="audio", sound_of=_sound_of),
         PartReader(_parts, files="DiT, Qwen2.5-VL and CLIP-L text encoders, HunyuanVideo VAE, the audio VAE with its "
                                  "vocoder in one file beside the VAE; no diffusers folder needed"),
         OwnNodes(makers=(Maker("text", "video_models.kandinsky6", ("prompt",)),
                          Maker("image", "video_models.kandinsky6", ("image", "prompt")),
                          Maker("upscale", "video_models.kandinsky6_sr", ("video",)))),  # its Super-Resolution node
         Cost(layer_keys=("num_visual_blocks",))),
    lacks={TwoExperts: ONE_DENOISER, ContextWindows: NO_WINDOWS, Drafts: NO_DRAFTS, LoraNames: NO_LORA_NAMES,
           PromptRecipe: "its encode_prompt returns Qwen2.5-VL's states with a padding mask and CLIP's pooled state "
                         "for the video and sound branches alike; the prompt cache does not read that set yet",
           ResumeKeeps: "its decode makes the picture and the sound in the one call: the lighter retry only",
           VaeTiles: HUNYUAN_VAE, TimeTiles: "its pipeline's own decode (the sound decoded in the same call)",
           LoraTraining: NOT_TRAINED, Conditions: NO_CONDITIONS, Tracks: NO_TRACKS, FirstLast: NO_LAST_FRAME,
           Modular: NOT_MODULAR},
    not_built=(("prompt expansion", "the pipeline's expand_prompts rewrites a prompt with Qwen2.5-VL's generation "
                                    "(the full model and its processor, sampled): Studio sends the prompt as written"),
               ("a distilled Kandinsky 6 DiT file alone", "a DiT whose output holds several grids (the distilled "
                                                           "models' PiFlow heads) is refused with no folder: its "
                                                           "scheduler (PiflowScheduler) and its settings are in no "
                                                           "file; with its diffusers folder as 'base' it is read"),
               ("the audio VAE file with a folder as 'base'", "with a diffusers folder as 'base' the folder's audio VAE "
                                                              "and vocoder are used; the one file is read with ComfyUI's "
                                                              "part files alone (found beside the picture's VAE: the load "
                                                              "node has one VAE slot)"),
               ("super-resolution in the graph's windows", "the SR pipeline refines the whole clip in spatial tiles in "
                                                           "one call; Studio does not split it in time")),
    variants=(("Kandinsky 6 SR", lambda idx, cfg: is_sr(idx)),
              ("Kandinsky 6 Pro TI2V", lambda idx, cfg: config_int(cfg, "model_dim") == recognise.PRO_WIDTH),
              ("Kandinsky 6 TI2V", lambda idx, cfg: True)))
