"""Kandinsky 6 Super-Resolution: a clip made 2, 2.25 or 4 times larger by diffusers'
Kandinsky6SRPipeline (pipeline_kandinsky6_sr.py in diffusers 0.42.1): the clip cut into overlapping
spatial tiles, each stretched to one of the tile sizes the SR DiT was trained on (or upscaled in latent
space by the folder's latent upscaler, when it has one), noised (lq_noise_scale), denoised a few steps
and blended back with Hann windows; 2.25 is a 1.125 x stretch before the 2 x path. The model is a
Kandinsky 6 SR folder loaded by Load Video Model. Its K-VAE reads 4k + 1 frames: another count is
padded with the last frame and cut back after (said). The clip's sound is kept."""
from __future__ import annotations

import numpy as np

from studio.core.errors import StudioError
from studio.core.params import Choice, Float, Int, Seed
from studio.core.spec import CLIP, In, Node, Out
from studio.engine.clip import ArrayClip, as_clip
from studio.engine.stack import fresh_stack

from ...base.errors import ModelError
from ...loading.inputs import video_model_input
from ...loading.node import CATEGORY
from .family import SR, SR_NODE

SCALES = {"2": 2, "2.25": 2.25, "4": 4}  # the pipeline's check_inputs: 2, 2.25 or 4


def padded(frames: np.ndarray, temporal: int) -> np.ndarray:
    """``frames`` padded with its last frame to the K-VAE's 4k + 1."""
    n = len(frames)
    given = n if (n - 1) % temporal == 0 else ((n - 1) // temporal + 1) * temporal + 1
    return frames if given == n else np.concatenate([frames, np.repeat(frames[-1:], given - n, 0)])


class Kandinsky6SuperResolution(Node):
    """Make a clip 2, 2.25 or 4 times larger with Kandinsky 6's super-resolution model (a Kandinsky 6 SR
    folder on Load Video Model): refined tile by tile, the tiles blended back; the sound is kept."""
    id = "video_models.kandinsky6_sr"
    title = SR_NODE
    category = CATEGORY
    keywords = ("upscale", "super resolution", "kandinsky", "kandinsky 6", "sr", "x2", "x4")
    timing = CLIP
    disk_cache = True  # minutes on a GPU: the clip is kept between runs and processes
    inputs = (In("model", "Video Model", help="a Kandinsky 6 SR model (Kandinsky6SRPipeline)"), In("video", "Video"))
    outputs = (Out("video", "Video", help="the clip, larger"),)
    params = (Choice("scale", "2.25", choices=tuple(SCALES), help="2 or 4: the SR DiT's own scales; 2.25: a 1.125 x "
                                                                   "stretch first, then 2 x"),
              Int("steps", 4, min=1, max=100, help="denoising steps a tile (the distilled models: 2)"),
              Float("noise", 0.7, min=0.01, max=1.0, help="how much noise is mixed into the small clip's latents "
                                                          "before they are refined (lq_noise_scale)"),
              Float("overlap", 0.2, min=0.0, max=0.9, help="the least overlap of two tiles, a part of the tile"),
              Seed("seed", 0))

    @classmethod
    def model_families(cls) -> list[dict]:
        """One record (`main.py families`, Help > Model families)."""
        return [{"kind": "upscaler", "family": "kandinsky6", "name": "Kandinsky 6 super-resolution",
                 "variants": ["Kandinsky 6 SR (Kandinsky6SRPipeline)"], "tasks": ["upscale"],
                 "inputs": {"upscale": ["video", "model (a Kandinsky 6 SR folder)"]},
                 "formats": ["diffusers folder"]}]

    def run(self, ctx, model, video):
        import torch
        ref = video_model_input(model)
        pipe = ref.module
        if ref.fam.key != "kandinsky6" or type(pipe).__name__ != SR:
            raise ModelError(f"model '{ref.path}' is not Kandinsky 6's super-resolution model ({SR}): {SR_NODE} "
                             "needs a Kandinsky 6 SR folder")
        p, clip = ctx.params, as_clip(video)
        scale = SCALES[p.scale]
        frames = clip.chunk(0, len(clip))[..., :3]
        tile = min(min(hw) for hw in pipe.transformer_tile_sizes) // (2 if scale == 2.25 else int(scale))
        if min(clip.width, clip.height) < tile:
            raise StudioError(f"the clip is {clip.width}x{clip.height}: Kandinsky 6 SR at {p.scale} x refines tiles of "
                              f"{tile} px and up; give a clip at least that large")
        given = padded(frames, pipe.vae_scale_factor_temporal)
        if len(given) > len(frames):
            ctx.info(f"{len(frames)} frames padded with the last to {len(given)} (its VAE reads 4k + 1), cut back "
                     "after")
        pipe.set_progress_bar_config(disable=True)
        ctx.check_cancelled()
        with torch.inference_mode():
            out = fresh_stack(pipe, video=np.ascontiguousarray(given), resolution_scale=scale,
                              num_inference_steps=p.steps, lq_noise_scale=p.noise, min_overlap=p.overlap,
                              generator=ctx.torch_generator(device="cpu", salt=0), output_type="np").frames
        made = np.clip(np.asarray(out[0], np.float32)[:len(frames)], 0, 1)
        ctx.progress(1, 1)
        ctx.info(f"made {len(made)} frames at {made.shape[2]}x{made.shape[1]} ({p.scale} x), {p.steps} steps a tile")
        return ArrayClip(made, clip.fps, getattr(clip, "audio", None))
