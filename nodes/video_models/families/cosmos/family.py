"""Cosmos (NVIDIA's world models) as five families, one for each generation's pipelines in diffusers
0.42.1 (pipelines/cosmos): Cosmos 1.0 (``CosmosTextToWorldPipeline``, ``CosmosVideoToWorldPipeline``: its
own VAE, AutoencoderKLCosmos, T5-XXL, EDM sampling), Cosmos Predict2 (``Cosmos2VideoToWorldPipeline``:
Wan 2.1's VAE, T5-XXL, flow matching) and Cosmos Predict2.5 (``Cosmos2_5_PredictBasePipeline``: one
pipeline for text, image and video to world, Wan 2.1's VAE, Qwen2.5-VL 7B) and Cosmos 3 (``Cosmos3OmniPipeline``: one transformer reading the
prompt's tokens, the video latents and the sound latents in one sequence, Wan 2.2's VAE, its own audio
tokenizer; sound3.py makes its picture and sound), and the distilled Cosmos 3 (a modular pipeline folder:
distilled.py, Cosmos 3's Draft). A Studio Family names one
pipeline class per task, and the generations' classes differ, so each is a family of its own; they
share this folder (recognise.py tells their files apart, comfy.py reads ComfyUI's Cosmos workflows).

Video to World continues a clip: the pipeline takes the given frames' first latent frames as the
condition and makes the rest (Studio's Video to Video gives it the clip; there is no strength). Every
call goes through NVIDIA's guardrail; without it a Cosmos model is refused before loading (guardrail.py). Frame rules are the VAEs': Wan's
4k + 1 frames, Cosmos 1.0's 8k + 1; sizes multiples of 16 (the VAE's 8 or 16 times a 2 x 2 patch)."""
from __future__ import annotations

from ...base.capabilities import Cost, OwnNodes
from ...base.capabilities import (NOT_MODULAR, NOT_TRAINED, NO_CONDITIONS, NO_DRAFTS, NO_LAST_FRAME, NO_LORA_NAMES,
                                  NO_TRACKS, NO_WINDOWS, ONE_DENOISER, Conditions, ContextWindows,
                                  Drafts, FirstLast, LoraNames, LoraTraining, Modular, PartReader, PreviewLayout,
                                  PromptRecipe, ResumeKeeps, SingleFile, TimeTiles, Tracks, TwoExperts, VaeTiles)
from ...base.capabilities import Limits, Outputs
from ...base.family import Family, config_int
from ...base.tasks import GENERIC, Maker
from . import distilled, layouts, recognise
from .guardrail import GUARDRAIL

WAN_VAE = "its VAE is Wan 2.1's (AutoencoderKLWan): the Wan family's declaration serves it"
NO_CACHE = "its encode_prompt was not read for the prompt-embedding cache: its text encoder encodes each render"
PARTS = ("a denoiser file is read with 'base' set to a diffusers Cosmos folder of the same generation; ComfyUI's "
         "text-encoder and VAE files are not read without one")
NO_RESUME = "its decode runs the guardrail on the frames: not read for a lone redo (the lighter retry only)"
CONTROL = ("several control clips at once (the release's multi-control: edge, blur, depth and segmentation models, "
           "each weighted)", "diffusers' Cosmos2_5_TransferPipeline holds one CosmosControlNetModel: the Cosmos "
           "Transfer "
           "node (transfer.py) gives it one control clip a take")
OMNI = ("Cosmos 3 (Cosmos3OmniPipeline: text, image and video to video with sound)", "a Cosmos 3 folder is the "
        "Cosmos 3 family's (its own pipeline, transformer and audio tokenizer)")


def _lacks(vae_tiles: str, time_tiles: str) -> dict:
    return {TwoExperts: ONE_DENOISER, ContextWindows: NO_WINDOWS, LoraNames: NO_LORA_NAMES,
            PartReader: PARTS, PromptRecipe: NO_CACHE, ResumeKeeps: NO_RESUME, VaeTiles: vae_tiles,
            TimeTiles: time_tiles, LoraTraining: NOT_TRAINED, Conditions: NO_CONDITIONS, Tracks: NO_TRACKS,
            FirstLast: NO_LAST_FRAME, Modular: NOT_MODULAR, Drafts: NO_DRAFTS}


# its DiT file under ComfyUI's prefix made readable by diffusers' converter (layouts.py)
PREFIX_STEP = SingleFile(prepare=layouts.prepare)


class Cosmos(Family):
    """A Cosmos generation: its pipelines get the guardrail at load, and a task its folder's transformer
    was not trained for is refused in words (a Text2World transformer reads no condition frames)."""

    def load_kwargs(self, info) -> dict:
        from .guardrail import safety_checker
        from .torchvision_stand_in import ready
        ready()  # the torchvision operations its transformer calls, where torchvision is not installed
        return {"safety_checker": safety_checker(info, self.title)}

    def refuse_pipeline(self, task: str, components: dict, config: dict, path: str) -> None:
        from ...base.errors import ModelError
        from ...base.tasks import TASKS
        if components.get("controlnet") is not None:  # Transfer2.5: its own node (transfer.py)
            raise ModelError(f"'{path}' is a Cosmos Transfer2.5 model: it makes video from a control clip, not "
                             f"{TASKS[task]}: use the Cosmos Transfer node")
        den = components.get("transformer")
        cin = config_int(dict(getattr(den, "config", None) or {}), "in_channels")
        if not cin or self.key == "cosmos25":  # Predict2.5: one pipeline for every task
            return
        # its latents' channels (the VAE's: 16 in the releases), and a Video2World's condition mask one more: told
        # against the VAE's, not the release's 16 and 17 alone (a model of other sizes had not been refused)
        vae = dict(getattr(components.get("vae"), "config", None) or {})
        z = config_int(vae, "latent_channels") or config_int(vae, "z_dim") or 16
        if task in ("i2v", "v2v") and cin == z:
            raise ModelError(f"'{path}' is a {self.title} text model (Text2World / Text2Image): it takes no frames, "
                             f"so it does not do {TASKS[task]}; load a Video2World folder")
        if task == "t2v" and cin == z + 1:
            raise ModelError(f"'{path}' is a {self.title} Video2World model: it makes video from frames (Image to "
                             "Video, Video to Video); load a Text2World folder for text to video")


def _video2world(idx: dict) -> bool:
    return "VideoToWorld" in str(idx.get("_class_name", ""))


def _width(cfg: dict) -> int:
    return config_int(cfg, "num_attention_heads") * config_int(cfg, "attention_head_dim")


def _sized(title: str, tasks: tuple, sizes: dict) -> tuple:
    """Its variants by width and task (the first that fits wins), then its title alone."""
    return tuple((f"{title} {size} {name}".rstrip(), lambda idx, cfg, w=width, t=test: _width(cfg) == w and t(idx))
                 for width, size in sizes.items() for name, test in tasks) + ((title, lambda idx, cfg: True),)


COSMOS1 = Cosmos(
    "cosmos", "Cosmos 1.0", ("CosmosTextToWorldPipeline", "CosmosVideoToWorldPipeline"),
    t2v="CosmosTextToWorldPipeline", i2v="CosmosVideoToWorldPipeline", v2v="CosmosVideoToWorldPipeline",
    frames=121, frame_multiple=(8, 1), size_multiple=16, fps=30.0, key_rank=60, recogniser=recognise.recognise,
    key_patterns=(("blocks.block0.blocks.0.block.attn", "x_embedder.proj.1"),),
    layouts=("diffusers", "original (the release's, ComfyUI's)"),
    part_titles=(("T5-XXL", "T5-XXL (Cosmos)"),),
    has=(PREFIX_STEP, GUARDRAIL, Limits(learned_positions=True)),  # its learned positions bound a call
    lacks=_lacks("its VAE (AutoencoderKLCosmos) was not read for time tiles: decoded whole",
                 "its pipeline's own decode (AutoencoderKLCosmos), whole") | {
        PreviewLayout: "its VAE (AutoencoderKLCosmos) was not fitted for live previews"},
    not_built=(("Cosmos 1.0 Autoregressive (4B, 5B, 12B, 13B)", "diffusers has no pipeline for the autoregressive "
                "models"), OMNI),
    variants=_sized("Cosmos 1.0", (("Video2World", _video2world), ("Text2World", lambda idx: True)),
                    {4096: "7B", 5120: "14B"}))

COSMOS2 = Cosmos(
    "cosmos2", "Cosmos Predict2", ("Cosmos2VideoToWorldPipeline", "Cosmos2TextToImagePipeline"),
    i2v="Cosmos2VideoToWorldPipeline", v2v="Cosmos2VideoToWorldPipeline",
    frames=93, frame_multiple=(4, 1), size_multiple=16, fps=16.0, scale_attr="latents_std", key_rank=61,
    key_patterns=(("self_attn.q_proj", "x_embedder.proj.1"),),
    layouts=("diffusers", "original (the release's, ComfyUI's)"),
    part_titles=(("T5-XXL", "T5-XXL (Cosmos)"),),
    has=(PreviewLayout(), PREFIX_STEP, GUARDRAIL),
    lacks=_lacks(WAN_VAE, WAN_VAE),
    not_built=(("text to image (Cosmos Predict2 Text2Image: Cosmos2TextToImagePipeline)", "it makes stills; Studio's "
                "generators make video (a Text2Image folder is recognised and its tasks refused in words)"),
               ("text to video", "Predict2 has no text-to-world pipeline in diffusers (its Video2World takes frames)"),
               OMNI),
    variants=_sized("Cosmos Predict2", (("Video2World", _video2world), ("Text2Image", lambda idx: True)),
                    {2048: "2B", 5120: "14B"}))

COSMOS25 = Cosmos(
    "cosmos25", "Cosmos Predict2.5", ("Cosmos2_5_PredictBasePipeline", "Cosmos2_5_TransferPipeline"),
    t2v="Cosmos2_5_PredictBasePipeline", i2v="Cosmos2_5_PredictBasePipeline", v2v="Cosmos2_5_PredictBasePipeline",
    frames=93, frame_multiple=(4, 1), size_multiple=16, fps=16.0, scale_attr="latents_std", key_rank=60,
    key_patterns=(("crossattn_proj.0", "x_embedder.proj.1"),), layouts=("diffusers", "original (the release's)"),
    part_titles=(("Qwen2.5-VL 7B", "Qwen2.5-VL 7B (Cosmos Predict2.5)"),),
    task_kinds_by_inputs=("control",),
    has=(PreviewLayout(), PREFIX_STEP, GUARDRAIL,
         # Transfer2.5's control clip: the Cosmos Transfer node
         OwnNodes(makers=(Maker("control", "video_models.cosmos_transfer", ("control", "prompt")),))),
    lacks=_lacks(WAN_VAE, WAN_VAE),
    not_built=(CONTROL, OMNI),
    variants=(("Cosmos Transfer2.5", lambda idx, cfg: idx.get("_class_name") == "Cosmos2_5_TransferPipeline"),)
    + _sized("Cosmos Predict2.5", (("", lambda idx: True),), {2048: "2B", 5120: "14B"}))


# -- Cosmos 3 (Cosmos3OmniPipeline) ------------------------------------------------------------------------------
OMNI3 = "Cosmos3OmniPipeline"
COSMOS3_FOLDER = ("Cosmos 3 is read as a diffusers folder (its transformer holds its own text layers; no ComfyUI "
                  "reader of it is known): load the folder, not its transformer file")
COSMOS3_NOT_BUILT = (
    ("action-conditioned worlds (CosmosActionCondition: policy, forward and inverse dynamics)", "robot actions "
     "by embodiment domain are not a kind of input Studio has"),
    ("text to image (num_frames 1)", "it makes stills; Studio's generators make video"),
    ("the release's recommended negative prompts", "Studio sends the prompt and negative as written (an empty "
     "negative is the pipeline's empty string); the Cosmos 3 docs list them to paste"),
    ("video to video with its sound", "the Cosmos 3 Video + Sound node takes no source clip: Video to Video "
     "continues one, its picture alone"))


DISTILLED_DRAFT = ("its distilled checkpoints (Cosmos3-Super-Text2Image-4Step, -Image2Video-4Step) are modular "
                   "pipeline folders (Cosmos3DistilledBlocks): the Cosmos 3 distilled family's draft (distilled.py)")


def _cosmos3_lacks() -> dict:
    wan22 = "its VAE is Wan 2.2's (AutoencoderKLWan): the Wan family's declaration serves it"
    out = _lacks(wan22, wan22)
    out[PromptRecipe] = "it has no text encoder: its transformer reads the prompt's tokens in its own sequence"
    out[PartReader] = COSMOS3_FOLDER
    out[Drafts] = DISTILLED_DRAFT
    return out



def _sound3_of(pipe, raw):
    """The call's waveform as an Audio value (sound3.py's reading)."""
    from .sound3 import sound_of
    return sound_of(pipe, raw)

COSMOS3 = Cosmos(
    "cosmos3", "Cosmos 3 (picture and sound)", (OMNI3,), t2v=OMNI3, i2v=OMNI3, v2v=OMNI3,
    # its picture and sound by the Cosmos 3 Video + Sound node (sound3.py); its picture alone by the generic
    # generators, which alone continue a clip (that node takes no source video)
    frames=189, frame_multiple=(4, 1), size_multiple=16, fps=24.0, scale_attr="latents_std", key_rank=59,
    recogniser=recognise.recognise3,
    has=(SingleFile(refusal=COSMOS3_FOLDER), PreviewLayout(),
         Outputs(frames="video", batched=False, sound="sound", sound_of=_sound3_of), GUARDRAIL,
         OwnNodes(makers=(Maker("text", "video_models.cosmos3", ("prompt",)), GENERIC["text"],
                          Maker("image", "video_models.cosmos3", ("image", "prompt")), GENERIC["image"],
                          GENERIC["video"])),
         Cost(layer_keys=("num_hidden_layers",))), lacks=_cosmos3_lacks(), not_built=COSMOS3_NOT_BUILT,
    variants=(("Cosmos 3 (picture and sound)", lambda idx, cfg: bool(cfg.get("sound_gen"))
               and bool((idx.get("sound_tokenizer") or [None])[0])),
              ("Cosmos 3", lambda idx, cfg: True)))

FAMILIES = (COSMOS1, COSMOS2, COSMOS25, COSMOS3, distilled.FAMILY)
