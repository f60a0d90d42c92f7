"""Wan Animate 2 (Wan-Video / Alibaba, "Wan-Animate-2"): a reference character image animated by a
driving video (a person moving: no pose drawing, no face crops), with diffusers' modular
``WanAnimate2ModularPipeline`` and its few-step ``WanAnimate2DistilledModularPipeline``
(modular_pipelines/wan_animate_2/ in diffusers 0.42.1; modular only: no DiffusionPipeline). A folder
is read by its modular_model_index.json ('WanAnimate2Blocks' / 'WanAnimate2DistilledBlocks'): a
WanAnimate2Transformer3DModel (Wan 2.1 I2V 14B's shapes, an in-context reference K/V cache), Wan's
VAE, UMT5, CLIP ViT-H vision and a flow scheduler in their folders. The released
Wan-AI/Wan2.2-Animate-2-14B-Diffusers holds a model_index.json beside it: its modular index is read.

Studio runs it with its own node (families/wan_animate2/node.py, 'Wan Animate 2'): the driving video
in segments of 4k + 1 frames, each continuing from the last frame(s) the one before made, as the
pipeline makes them. ComfyUI's files (wan_animate_2_int8_convrot.safetensors,
wan_animate_2_distill_int8_convrot.safetensors: Wan 2.1 I2V's names, the blocks' Linear layers in
int8 'convrot', files/comfy_int8.py) and the research checkpoint are read as single denoiser files:
diffusers' convert_wan_animate_2_transformer_to_diffusers only renames (the 'model.diffusion_model.'
prefix, the research checkpoint's 'blocks.N.block.' wrapper, q/k/v/o to to_q/...), so the int8 layers
are renamed with their scales and kept in int8. With ComfyUI's other files set on Load Video Model as
plain Wan's (umt5_xxl, the Wan 2.1 VAE, clip_vision_h: what its templates load) the modular pipeline is
made from them alone (parts.py); or a diffusers folder as 'base' gives them (loading/modular.py
single_denoiser).

The prompt-embedding cache (base/prompt_recipes.py) does not serve it: the cache gives a pipeline's
call the embeddings ``encode_prompt`` made, and this modular pipeline has no encode_prompt and no
call that takes them; its text encoder step (the prompt, the negative and the motion prompt) runs
inside the one call, so serving it means running the pipeline's blocks apart, not a recipe. The
folder is loaded whole, its UMT5 included."""
from __future__ import annotations

from dataclasses import dataclass

from ...base.capabilities import OwnNodes
from ...base.capabilities import (NOT_TRAINED, NO_CONDITIONS, NO_DRAFTS, NO_LAST_FRAME, NO_LORA_NAMES, NO_TRACKS,
                                  ONE_DENOISER, SINGLE_FILE_AS_IS, Conditions, ContextWindows, Drafts, FirstLast,
                                  LoraNames, LoraTraining, Modular, PartReader, PreviewLayout, PromptRecipe,
                                  ResumeKeeps, SingleFile, TimeTiles, Tracks, TwoExperts, VaeTiles)
from ...base.family import Family, config_int
from ...base.tasks import Maker
from ...base.recognise import Recognised

TRANSFORMER = "WanAnimate2Transformer3DModel"
PIPELINE, DISTILLED = "WanAnimate2ModularPipeline", "WanAnimate2DistilledModularPipeline"
COMPONENTS = ("transformer", "vae", "text_encoder", "tokenizer", "image_encoder", "scheduler")
FPS = 24.0  # the frame rate the model generates at (the pipeline's 'fps' default)
BASE_NEEDED = ("read with ComfyUI's umt5_xxl, Wan 2.1 VAE and clip_vision_h files set on Load Video Model, or with a "
               "Wan Animate 2 diffusers folder as its 'base' (modular_model_index.json, e.g. "
               "Wan-AI/Wan2.2-Animate-2-14B-Diffusers)")


def _named(filename: str) -> bool:
    name = filename.lower().replace("-", "_").replace(".", "_")
    return "animate_2" in name or "animate2" in name


def recognise(t, filename: str = "") -> Recognised | None:
    """A Wan Animate 2 denoiser: the research checkpoint's names (each block wrapped: 'blocks.N.block.'),
    diffusers' (its transformer folder's file alone), or a Wan 2.1 I2V-shaped file named for it (ComfyUI's
    int8 convrot files); each read with ComfyUI's part files or a diffusers folder as its base."""
    research = t.has("blocks.0.block.self_attn.q.weight")
    ours = t.has("head.modulation", "blocks.0.self_attn.to_q.weight")  # diffusers' names, Wan's head (no other has both)
    if not research and not ours and \
            not (_named(filename) and (t.has("head.modulation") or t.has("blocks.0.self_attn.q.weight"))):
        return None
    width = t.shape("head.modulation", -1) or t.shape("blocks.0.block.self_attn.q.weight") or \
        t.shape("blocks.0.self_attn.q.weight")
    if ours:
        return Recognised("denoiser", "wan_animate2", f"Wan Animate 2 {'14B' if width == 5120 else f'(width {width})'}",
                          "diffusers' WanAnimate2Transformer3DModel on its own: " + BASE_NEEDED)
    distilled = "distil" in filename.lower()
    size = "14B" if width == 5120 else f"(width {width})"
    return Recognised("denoiser", "wan_animate2", f"Wan Animate 2 {size}{' distilled' if distilled else ''}",
                      ("ComfyUI's file" if not research else "the research checkpoint") + ": " + BASE_NEEDED)


def _variant(distilled: bool):
    def test(idx: dict, cfg: dict) -> bool:
        return (DISTILLED in str(idx.get("_class_name", "")) or "Distilled" in str(idx.get("_blocks_class_name", ""))) \
            == distilled and config_int(cfg, "dim") == 5120
    return test


class WanAnimate2Modular(Modular):
    """Its modular pipeline: every component read by its class's own from_pretrained, run by its own node."""
    components = COMPONENTS
    task = "character animation"
    own_node = "Wan Animate 2 (a reference image moved by a driving video)"


PART_FILES = "text encoder (umt5_xxl), VAE (Wan 2.1), CLIP vision (clip_vision_h)"
ONE_CALL = "its modular pipeline runs each segment in one call (node.py)"


@dataclass(frozen=True)
class WanAnimate2Family(Family):
    def formats(self) -> list[str]:
        return ["diffusers folder", "modular pipeline (modular_model_index.json)", "diffusers layout",
                "single denoiser file (ComfyUI's int8 convrot, the research checkpoint) with ComfyUI's part files "
                f"({PART_FILES}) or the folder as its base"]

    def refuse_call(self, task: str, frames: int, height: int, width: int) -> None:
        from ...base.errors import ModelError
        raise ModelError("Wan Animate 2 animates a reference character from a driving video: use the Wan Animate 2 "
                         "node (it makes no text or image to video)")


def _parts():
    """Its part reader module (base/capabilities.py PartReader), imported when first needed."""
    from . import parts
    return parts


FAMILY = WanAnimate2Family(
    "wan_animate2", "Wan Animate 2", (PIPELINE, DISTILLED), frames=81, frame_multiple=(4, 1), size_multiple=16,
    fps=FPS, scale_attr="latents_std", key_rank=3, recogniser=recognise, task_kinds_by_inputs=("drive",),
    has=(PartReader(_parts, files=PART_FILES), WanAnimate2Modular(), PreviewLayout(),
         OwnNodes(makers=(Maker("drive", "video_models.wan_animate_2", ("reference", "driving", "prompt")),))),
    lacks={SingleFile: SINGLE_FILE_AS_IS, TwoExperts: ONE_DENOISER, ContextWindows: ONE_CALL, Drafts: NO_DRAFTS, LoraNames: NO_LORA_NAMES,
           PromptRecipe: "its modular pipeline has no encode_prompt and no call taking embeddings: its text encoder "
                         "step (the prompt, the negative, the motion prompt) runs inside the one call",
           ResumeKeeps: ONE_CALL + ": its decode is a block of it, not a decode Studio can redo alone",
           VaeTiles: "its VAE is Wan's (AutoencoderKLWan): the Wan family's declaration serves it",
           TimeTiles: ONE_CALL, LoraTraining: NOT_TRAINED, Conditions: NO_CONDITIONS, Tracks: NO_TRACKS,
           FirstLast: NO_LAST_FRAME},
    variants=(("Wan Animate 2 14B distilled", _variant(True)), ("Wan Animate 2 14B", _variant(False)),
              ("Wan Animate 2 distilled", lambda idx, cfg: DISTILLED in str(idx.get("_class_name", ""))),
              ("Wan Animate 2", lambda idx, cfg: True)),
    not_built=(("replace", "the character put into the driving video's own scene (Wan 2.2 Animate's 'replace' mode): "
                "neither diffusers' Wan Animate 2 pipelines (0.42.1) nor ComfyUI's WanAnimate2ToVideo has it, and no "
                "reference code for it is public; the Wan Animate node makes it with Wan 2.2 Animate (the 'Character "
                "replacement' template)"),))
