"""MiniMax H3 (MiniMax): joint video and sound from one packed sequence, diffusers' modular
``MiniMaxH3ModularPipeline`` (modular_pipelines/minimax_h3/ in diffusers 0.42.1; modular only: no
DiffusionPipeline). A folder is read by its modular_model_index.json: a 'MiniMaxH3Blocks' pipeline
whose components (transformer, vae, audio_vae, Qwen3-VL text_encoder, tokenizer, processor, two
MiniMaxH3Schedulers) sit in their folders. Guidance-distilled (no negative prompt, no guidance), 24 fps,
17k + 5 frames from 5 (ComfyUI's shortest; diffusers' own floor, 5 s, lifted: shortest.py) to 15
seconds, sizes in multiples of 32. Studio runs its text-to-video workflow ('t2va', Text to Video), its
first-and-last-frame one ('fl2va', Image to Video: the start image and / or the last image) and its
reference one ('ref2va', MiniMax H3 Reference to Video: reference.py, on the folder's transformer_ref/: one of its two transformers in memory at a time,
partitions.py); the soundtrack each makes beside the video goes with its clip (Modular's keeps_sound:
Save Video writes it). ComfyUI's DiT files, pruned (curve form: curve.py, comfy_file.py) or full
(diffusers' own transformer, by diffusers' converter: comfy_file.py), are read with such a folder as 'base': an
fl2va file as transformer, a ref2va file as transformer_ref; with
ComfyUI's VAE files ('vae': the video VAE, the audio VAE beside it: comfy_vae.py) in place of the folder's
VAEs, and ComfyUI's Qwen3-VL file ('text_encoder': text_file.py) in place of its text encoder. With no
folder at all the DiT, VAE and Qwen3-VL files are read alone (parts.py: the tokenizer from a tokenizer/ folder
beside the Qwen3-VL file, the two schedulers Studio's data); a Qwen3-VL file without its vision tower runs
text to video only (image and reference to video refused in words)."""
from __future__ import annotations

from dataclasses import dataclass

from ...base.capabilities import OwnNodes
from ...base.capabilities import (NOT_TRAINED, NO_CONDITIONS, NO_LAST_FRAME, NO_TRACKS, ONE_DENOISER, Conditions,
                                  ContextWindows, Drafts, FirstLast, LoraNames, LoraTraining, Modular, PartReader,
                                  PreviewLayout, PromptRecipe, PromptWeights, ResumeKeeps, SingleFile, TimeTiles, Tracks, TwoExperts,
                                  VaeTiles)
from ...base.family import Family
from ...base.tasks import Maker
from . import drafts, recognise

FPS = 24.0
LONGEST = 15.0  # seconds (MiniMaxH3ModularPipeline.max_duration; its min_duration, 5 s, is ComfyUI's 5 frames: shortest.py)
# every component the text-to-video workflow reads, as the folder names them
T2V_COMPONENTS = ("transformer", "vae", "audio_vae", "text_encoder", "tokenizer", "processor", "scheduler",
                  "audio_scheduler")


class MiniMaxH3Modular(Modular):
    """Its modular pipeline: the components its text-to-video workflow reads, its processor read without
    torchvision, the transformer each task runs on, its LoRAs in ComfyUI's names; the soundtrack every workflow
    makes beside the video kept on the clip (Text to Video's, Image to Video's, Reference to Video's)."""
    components = T2V_COMPONENTS
    keeps_sound = True

    def part(self, name: str, folder: str, info):
        """Its own reading of a component (None: the component's class's from_pretrained): Qwen3-VL's
        processor, made without its video processor where torchvision is not installed (said; a video
        reference, which Studio does not pass, would need it)."""
        if name != "processor":
            return None
        from .processor import text_processor, torchvision_missing
        if torchvision_missing():
            info("torchvision is not installed: Qwen3-VL's processor is made without its video processor "
                 "(text and image to video and reference images read only its token types and its image processor; "
                 "a reference video needs it)")
        return text_processor(folder)

    def ready(self, ctx, ref, task: str) -> None:
        from .parts import refuse_without_vision
        from .partitions import use_partition
        from .shortest import comfy_floor
        refuse_without_vision(ref, task)  # a Qwen3-VL file with no vision tower: text to video only
        comfy_floor(ref.module)  # ComfyUI's shortest take (5 frames), not diffusers' 5 s
        use_partition(ctx, ref, task)

    def step_latents(self, pipe, sample, height: int, width: int):
        """The middle latent frames of its video's packed rows [frames x rows a frame, C x patch] (the scheduler
        steps them apart from the audio rows: diffusers' MiniMaxH3LoopSchedulerStep), unpacked as its decoder
        does (MiniMaxH3UnpackLatentsStep): [1, C, patch_t, H, W]; None where the rows do not fit the grid."""
        pt, ph, pw = pipe.patch_size
        s, c = int(pipe.vae_spatial_compression_ratio), int(pipe.vae_latent_channels)
        gh, gw = height // s // ph, width // s // pw
        per = gh * gw
        if sample.ndim != 2 or not per or sample.shape[1] != c * pt * ph * pw or sample.shape[0] % per:
            return None
        m = sample.shape[0] // per // 2
        rows = sample[m * per:(m + 1) * per].reshape(1, 1, gh, gw, c, pt, ph, pw)
        return rows.permute(0, 4, 1, 5, 2, 6, 3, 7).reshape(1, c, pt, gh * ph, gw * pw)

    def check_loras(self, ref) -> bool:
        """Its LoRAs in ComfyUI's names (lora.py), each file's header checked against the transformer in memory
        (both partitions have the same layers)."""
        from .lora import check_loras
        pipe = ref.module
        den = getattr(pipe, "transformer", None)
        check_loras(ref.loras, den if den is not None else pipe.transformer_ref)
        return True

    def loras(self, ref, task: str, say=None, info=None):
        from .lora import minimax_loras
        from .partitions import TASK_PARTITION
        return minimax_loras(ref.loras, getattr(ref.module, TASK_PARTITION.get(task, "transformer")), say, info)

    def files(self, fam, given: dict, base: str, single: str | None = None) -> dict:
        """ComfyUI's video VAE file ('vae') and the audio VAE beside it (comfy_vae.py), and its Qwen3-VL file
        ('text_encoder', text_file.py), read in place of the base's, checked from their headers first."""
        from .parts import modular_files
        return modular_files(given, base, single)

    def single_file_reader(self, wf):
        """ComfyUI's DiT file, pruned (curve form) or full, read by comfy_file.py into the part its name says
        (fl2va: transformer, ref2va: transformer_ref); another file: None (the family's refusal)."""
        from .comfy_file import FULL, TABLE, reader
        return reader if TABLE in wf.tensors or FULL in wf.tensors else None


def _refusal_with(given: dict) -> str:
    """What a DiT file alone still needs ('' : its VAE and Qwen3-VL files are given: read with no folder)."""
    from .comfy_vae import refusal_with
    return refusal_with(given)


ONE_CALL = "its modular pipeline runs the whole take in one call (sampling/modular_run.py)"


@dataclass(frozen=True)
class MiniMaxH3Family(Family):
    def formats(self) -> list[str]:
        return ["diffusers folder", "modular pipeline (modular_model_index.json)", "diffusers layout",
                "ComfyUI's DiT file, pruned (curve form) or full, bf16 / fp16 / fp8 / int8 convrot / MXFP8, with a folder "
                "as base",
                "ComfyUI's video VAE (int8 convrot or fp16) and audio VAE files with it",
                "ComfyUI's Qwen3-VL 32B NVFP4-AWQ text encoder with them (no folder needed: its tokenizer in a "
                "tokenizer/ folder beside it)"]

    def refuse_call(self, task: str, frames: int, height: int, width: int) -> None:
        from ...base.errors import ModelError
        from .shortest import FEWEST
        if not FEWEST <= frames <= LONGEST * FPS:
            raise ModelError(f"MiniMax H3 makes {FEWEST} frames to {LONGEST:g} seconds at {FPS:g} fps: "
                             f"{FEWEST} to {int(LONGEST * FPS)} frames (17k + 5: {FEWEST}, ComfyUI's shortest, to 345), "
                             f"not {frames}")


def _parts():
    """Its part reader module (base/capabilities.py PartReader), imported when first needed."""
    from . import parts
    return parts


SINGLE_FILE = ("a MiniMax H3 DiT single file (ComfyUI's) is not a whole model: it is read with ComfyUI's "
               "VAE files (minimax_h3_video_vae_int8_convrot as 'vae', minimax_h3_audio_vae_fp32 beside it) "
               "and its Qwen3-VL file (qwen3vl_32b_minimax_h3_nvfp4_awq as 'text_encoder', Qwen3-VL's "
               "tokenizer in a tokenizer/ folder beside it), or with a MiniMax H3 diffusers folder as "
               "'base' (modular_model_index.json)")

FAMILY = MiniMaxH3Family(
    "minimax_h3", "MiniMax H3", ("MiniMaxH3ModularPipeline",), t2v="MiniMaxH3ModularPipeline",
    i2v="MiniMaxH3ModularPipeline", frames=124, frame_multiple=(17, 5), size_multiple=32, fps=FPS, key_rank=200,
    recogniser=recognise.recognise,
    has=(SingleFile(refusal=SINGLE_FILE, refused_with=_refusal_with),
         PromptWeights(("MiniMaxH3ModularPipeline",), literal=True),  # ComfyUI's Qwen3-VL encoder reads no weights
         Drafts(drafts.RECIPES), LoraNames("MiniMax H3", recognise.lora_names),
         PartReader(_parts, files="text encoder (qwen3vl_32b_minimax_h3_nvfp4_awq), VAE (video; audio beside it)"),
         MiniMaxH3Modular(), PreviewLayout(),
         # MiniMax H3 Reference to Video (reference.py)
         OwnNodes(makers=(Maker("reference", "video_models.minimax_h3_reference", ("prompt",) + tuple(
             f"{k}_{i}" for k, n in (("image", 9), ("video", 3), ("audio", 3)) for i in range(1, n + 1))),))),
    lacks={TwoExperts: ONE_DENOISER, ContextWindows: ONE_CALL,
           PromptRecipe: "its modular pipeline has no encode_prompt and no call taking embeddings: its text encoder "
                         "step runs inside the one call",
           ResumeKeeps: ONE_CALL + ": its decode is a block of it, not a decode Studio can redo alone",
           VaeTiles: ONE_CALL + ": its VAE decodes inside it", TimeTiles: ONE_CALL,
           LoraTraining: NOT_TRAINED,
           Conditions: NO_CONDITIONS, Tracks: NO_TRACKS,
           FirstLast: "its first-and-last-frame workflow ('fl2va') takes the last image in the one call as it is"},
    task_kinds_by_inputs=("reference",),
    variants=(("MiniMax H3", lambda idx, cfg: True),))
