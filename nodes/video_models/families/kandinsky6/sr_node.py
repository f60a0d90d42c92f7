"""Kandinsky 6 Super-Resolution: a clip made 2, 2.25 or 4 times larger by diffusers'
Kandinsky6SRPipeline (pipeline_kandinsky6_sr.py in diffusers 0.42.1): the clip cut into overlapping
spatial tiles, each stretched to one of the tile sizes the SR DiT was trained on (or upscaled in latent
space by the folder's latent upscaler, when it has one), noised (lq_noise_scale), denoised a few steps
and blended back with Hann windows; 2.25 is a 1.125 x stretch before the 2 x path. The model is a
Kandinsky 6 SR folder loaded by Load Video Model. Its K-VAE reads 4k + 1 frames: another count is
padded with the last frame and cut back after (said). The clip's sound is kept.

The call is made by the one Sampler (sampling/one_call.py), as every generator's: diffusers 0.42.1's pipeline takes
no step callback, so the Sampler's step work runs after each of its scheduler's steps (sampling/call_adapters.py):
progress over every tile's steps, Stop at the next step, a live preview of the tile being refined, the run's
estimate, the decode retried lighter when it runs out of memory. A Stop keeps no step: the call refines its tiles
one after another, which a kept step does not tell apart (said when stopped)."""
from __future__ import annotations

import numpy as np

from studio.core.errors import StudioError
from studio.core.params import Choice, Float
from studio.core.spec import In, Out
from studio.engine.clip import ArrayClip, as_clip

from ...base.errors import ModelError
from ...sampling.one_call import Call, OneCallNode, shared
from .family import SR, SR_NODE

SCALES = {"2": 2, "2.25": 2.25, "4": 4}  # the pipeline's check_inputs: 2, 2.25 or 4


def padded(frames: np.ndarray, temporal: int) -> np.ndarray:
    """``frames`` padded with its last frame to the K-VAE's 4k + 1."""
    n = len(frames)
    given = n if (n - 1) % temporal == 0 else ((n - 1) // temporal + 1) * temporal + 1
    return frames if given == n else np.concatenate([frames, np.repeat(frames[-1:], given - n, 0)])


def out_size(pipe, width: int, height: int, scale: float) -> tuple[int, int]:
    """(width, height) the pipeline makes of a clip of ``width`` x ``height``: 2.25 is a 1.125 x stretch to the K-VAE's
    grid, then 2 x (its __call__'s pre_upscale)."""
    if scale != 2.25:
        return int(width * scale), int(height * scale)
    snap = pipe.vae_scale_factor_spatial
    return round(width * 1.125 / snap) * snap * 2, round(height * 1.125 / snap) * snap * 2


def tile_count(pipe, width: int, height: int, scale: float, overlap: float) -> int:
    """The tiles the call refines, each a denoising loop of its own (the pipeline's own tile grid:
    ``_tile_positions`` over its trained tile size nearest the clip's aspect, batched one a call)."""
    from diffusers.pipelines.kandinsky6.pipeline_kandinsky6_sr import _tile_positions
    if scale == 2.25:
        width, height = out_size(pipe, width, height, scale)
        width, height = width // 2, height // 2
    tiling = 2 if scale == 2.25 else int(scale)
    snap = pipe.vae_scale_factor_spatial
    bh, bw = min(pipe.transformer_tile_sizes, key=lambda hw: abs(hw[1] / hw[0] - width / height))
    return len(_tile_positions(height, bh // tiling, overlap, snap)) * len(_tile_positions(width, bw // tiling, overlap,
                                                                                            snap))


# why a Stop keeps nothing of a call of several tiles: each tile's loop ends in latents the pipeline blends into
# the picture itself, which a kept step does not hand back (tried: a resumed run's frames were 0.42 off)
NO_RESUME = ("its call refines {n} tiles, each its own denoising loop whose result the pipeline blends into the "
             "picture itself, which a kept step does not hand back")

class Kandinsky6SuperResolution(OneCallNode):
    """Make a clip 2, 2.25 or 4 times larger with Kandinsky 6's super-resolution model (a Kandinsky 6 SR
    folder on Load Video Model): refined tile by tile, the tiles blended back; the sound is kept."""
    id = "video_models.kandinsky6_sr"
    title = SR_NODE
    keywords = ("upscale", "super resolution", "kandinsky", "kandinsky 6", "sr", "x2", "x4")
    family_key, pipelines, error = "kandinsky6", (SR,), ModelError
    needs = f"a Kandinsky 6 SR folder ({SR})"
    inputs = (In("model", "Video Model", help="a Kandinsky 6 SR model (Kandinsky6SRPipeline)"), In("video", "Video"))
    outputs = (Out("video", "Video", help="the clip, larger"),)
    params = (Choice("scale", "2.25", choices=tuple(SCALES), help="2 or 4: the SR DiT's own scales; 2.25: a 1.125 x "
                                                                   "stretch first, then 2 x"),
              *shared("steps", steps={"default": 4, "max": 100,
                                      "help": "denoising steps a tile (the distilled models: 2)"}),
              Float("noise", 0.7, min=0.01, max=1.0, help="how much noise is mixed into the small clip's latents "
                                                          "before they are refined (lq_noise_scale)"),
              Float("overlap", 0.2, min=0.0, max=0.9, help="the least overlap of two tiles, a part of the tile"),
              *shared("seed", "previews"))

    @classmethod
    def model_families(cls) -> list[dict]:
        """One record (`main.py families`, Help > Model families)."""
        return [{"kind": "upscaler", "family": "kandinsky6", "name": "Kandinsky 6 super-resolution",
                 "variants": ["Kandinsky 6 SR (Kandinsky6SRPipeline)"], "tasks": ["upscale"],
                 "inputs": {"upscale": ["video", "model (a Kandinsky 6 SR folder)"]},
                 "formats": ["diffusers folder"]}]

    def model_ref(self, model):
        """The model wired in: Kandinsky 6's SR folder, refused in words when it is another."""
        from ...loading.inputs import video_model_input
        ref = video_model_input(model)
        if ref.fam.key != "kandinsky6" or type(ref.module).__name__ != SR:
            raise ModelError(f"model '{ref.path}' is not Kandinsky 6's super-resolution model ({SR}): {SR_NODE} "
                             "needs a Kandinsky 6 SR folder")
        return ref

    def run_settings(self, ctx, s) -> tuple[bool, int]:
        """No 'preview size': an upscaler makes the size its scale says; the steps as set."""
        return False, int(ctx.params.steps)

    def call(self, ctx, s, video) -> Call:
        p, pipe, clip = ctx.params, s.pipe, as_clip(video)
        scale = SCALES[p.scale]
        tile = min(min(hw) for hw in pipe.transformer_tile_sizes) // (2 if scale == 2.25 else int(scale))
        if min(clip.width, clip.height) < tile:
            raise StudioError(f"the clip is {clip.width}x{clip.height}: Kandinsky 6 SR at {p.scale} x refines tiles of "
                              f"{tile} px and up; give a clip at least that large")
        frames = clip.chunk(0, len(clip))[..., :3]
        given = padded(frames, pipe.vae_scale_factor_temporal)
        if len(given) > len(frames):
            ctx.info(f"{len(frames)} frames padded with the last to {len(given)} (its VAE reads 4k + 1), cut back "
                     "after")
        pipe.set_progress_bar_config(disable=True)
        return Call(dict(video=np.ascontiguousarray(given), resolution_scale=scale, num_inference_steps=self.steps,
                         lq_noise_scale=p.noise, min_overlap=p.overlap), len(frames), float(clip.fps),
                    out_size(pipe, clip.width, clip.height, scale), self.steps, made=len(given),
                    loops=(n := tile_count(pipe, clip.width, clip.height, scale, p.overlap)),
                    no_resume=NO_RESUME.format(n=n) if n > 1 else "")

    def finish(self, ctx, s, clip, c: Call, video):
        """The clip larger, with the given clip's sound."""
        ctx.info(f"{ctx.params.scale} x: {c.loops} tile{'s' if c.loops > 1 else ''} refined, {c.steps} steps each")
        return {"video": ArrayClip(clip.frames, clip.fps, getattr(as_clip(video), "audio", None))}
