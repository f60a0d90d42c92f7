"""Allegro (Rhymes AI's Allegro), diffusers' AllegroPipeline (pipelines/allegro/ in diffusers 0.42.1): an
AllegroTransformer3DModel (a DiT with 3D rotary positions), a T5-XXL text encoder, the Allegro VAE
(AutoencoderKLAllegro: 8x, 4x), text to video, 88 frames at 15 fps, 1280x720. Run by the generic Text to Video;
read as a diffusers folder.

What its pipeline needs that the generic call does not give, supplied by ``pipeline_call`` (said here, not
hidden): its encode_prompt lower-cases the negative prompt, so an empty one (None) fails: '' is given; its VAE
decodes only with tiling on ("decoding without tiling has not been implemented"): tiling is turned on for the
call. That tiled decode covers the clip with whole tiles only (24 frames x ``sample_size`` px, 320 in the
release, overlapping 8 frames, 120 px down and 80 px across): a clip off that grid would come back with frames or
edges never decoded (black), so it is refused before the call with the nearest sizes that fit."""
from __future__ import annotations

from ...base.capabilities import (NOT_MODULAR, NOT_TRAINED, NO_CONDITIONS, NO_DRAFTS, NO_LAST_FRAME, NO_LORA_NAMES,
                                  NO_TRACKS, NO_WINDOWS, ONE_DENOISER, Conditions, ContextWindows, Drafts, FirstLast,
                                  LoraNames, LoraTraining, Modular, PartReader, PreviewLayout, PromptRecipe,
                                  ResumeKeeps, SingleFile, TimeTiles, Tracks, TwoExperts, VaeTiles)
from ...base.errors import ModelError
from ...base.family import Family

T2V = "AllegroPipeline"
OWN_TILES = "its VAE decodes in its own fixed tiles (always on): Studio's tiles are not used"


def _fits(n: int, kernel: int, stride: int) -> bool:
    return n >= kernel and (n - kernel) % stride == 0


def _nearest(n: int, kernel: int, stride: int, unit: int) -> int:
    """The clip's length (``unit`` frames or pixels a latent) nearest ``n`` latents whose tiles cover it whole."""
    k = max(0, round((n - kernel) / stride))
    return (kernel + k * stride) * unit


def covered(vae, frames: int, height: int, width: int) -> None:
    """Refuse, in words, a clip the Allegro VAE's tiled decode would not cover whole (its tiles from the VAE)."""
    rt, rs = int(vae.config.temporal_compression_ratio), int(vae.spatial_compression_ratio)
    lat_t = frames // rt if frames % 2 == 0 else (frames - 1) // rt + 1  # as the pipeline's latents count them
    kt, kh, kw = (k // r for k, r in zip(vae.kernel, (rt, rs, rs)))
    st, sh, sw = (s // r for s, r in zip(vae.stride, (rt, rs, rs)))
    if _fits(lat_t, kt, st) and _fits(height // rs, kh, sh) and _fits(width // rs, kw, sw):
        return
    raise ModelError(
        f"Allegro's VAE decodes whole tiles of {vae.kernel[0]} frames x {vae.kernel[1]} px only (overlapping "
        f"{vae.tile_overlap_t} frames, {vae.tile_overlap_h} px down, {vae.tile_overlap_w} px across): {frames} frames at "
        f"{width}x{height} would leave part of the clip undecoded; take {_nearest(lat_t, kt, st, rt)} frames at "
        f"{_nearest(width // rs, kw, sw, rs)}x{_nearest(height // rs, kh, sh, rs)} (the release: 88 frames at 1280x720)")


class Allegro(Family):
    def pipeline_call(self, pipe, call: dict) -> dict:
        """The call as AllegroPipeline needs it (see the module's docstring)."""
        call = dict(call)
        if call.get("negative_prompt") is None and call.get("negative_prompt_embeds") is None:
            call["negative_prompt"] = ""  # its encode_prompt lower-cases None and fails
        covered(pipe.vae, int(call["num_frames"]), int(call["height"]), int(call["width"]))
        if not pipe.vae.use_tiling:
            pipe.vae.enable_tiling()  # its only decode
        return call


FAMILY = Allegro(
    "allegro", "Allegro", (T2V,), t2v=T2V, frames=88, frame_multiple=(16, 8), size_multiple=8, fps=15.0, key_rank=200,
    part_titles=(("T5-XXL", "T5-XXL (Allegro)"),),
    has=(SingleFile(refusal="Allegro is read as a diffusers folder"),),
    lacks={TwoExperts: ONE_DENOISER, ContextWindows: NO_WINDOWS, Drafts: NO_DRAFTS, LoraNames: NO_LORA_NAMES,
           PartReader: "read as a diffusers folder", PromptRecipe: "its prompt is encoded with an attention mask the "
           "prompt cache does not keep yet", ResumeKeeps: "its decode was not read for a lone redo: the lighter retry "
           "only", VaeTiles: OWN_TILES, TimeTiles: OWN_TILES,
           PreviewLayout: "its latent layout was not declared for previews between steps", LoraTraining: NOT_TRAINED,
           Conditions: NO_CONDITIONS, Tracks: NO_TRACKS, FirstLast: NO_LAST_FRAME, Modular: NOT_MODULAR},
    not_built=(("image to video (Allegro-TI2V)", "its text-and-image-to-video release has no pipeline in diffusers "
                                                 "0.42.1"),
               ("LoRAs", "diffusers 0.42.1's AllegroPipeline has no LoRA loader"),
               ("single files", "a diffusers folder is needed: the release's own files are not told apart by Studio "
                                "yet")),
    variants=(("Allegro", lambda idx, cfg: True),))
