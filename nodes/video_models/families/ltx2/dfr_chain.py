"""The chain of calls of LTX-2.5's Diffusion Fidelity Rendering, as diffusers' LTX-2 docs compose it ("Diffusion
Fidelity Rendering (DFR) for LTX-2.5", diffusers 0.42.1): each pass is one diffusers call, made by the chain's road
(sampling/chain_steps.py: ``steps(pipe, ...)`` a denoising pass, ``steps.once(pipe, ...)`` the upsampler's call with
no steps), nothing sampled or called here.

1. ``LTX2DFRPipeline`` at half the size: the take and its keyframe slots (single-frame latents on a 24 or 32 frame
   grid, ``dfr_layout.resolve_canvas``), the canvas padded to whole segments;
2. ``LTX2LatentUpsamplePipeline``: the take's latents and its slots twice as large (the spatial upsampler);
3. ``LTX2DFRPipeline`` at the full size from the upsampled latents and slots, the half-size latents read in context
   as its reference (the detailing IC-LoRA on for this pass only, as the docs load it after the first);
4. each temporal round ``LTX2DFRTemporalRefinePipeline``: the canvas made twice as long by the temporal upsampler,
   tiled on the keyframe seams and denoised by the ancestral scheduler (``LTXEulerAncestralRFScheduler``, eta 0.5);
   the frame rate doubles each round;
5. with the 4K epilogue (the docs' "third spatial stage", Lightricks' ``--spatial-upscalings 2``), every pass above
   runs at half its size again and a last ``LTX2DFRPipeline`` pass makes the full size: the video alone upsampled by
   the spatial upsampler, the carried keyframes rebuilt through RGB (``rebuild_epilogue_keyframes``: decoded, Lanczos
   x2, encoded) and pinned in place of generated slots, the last round's latents read in context with the detailing
   LoRA on, the sound held, and the transformer run tile by tile (``dfr_layout.epilogue_tiles``: 2 x 2 in space,
   cut in time on the last round's seams).

Then the padded canvas is cut back (``trim_canvas``) and decoded by the VAE, and the first pass's sound by the
audio VAE and vocoder (the docs' recipe ships the first pass's waveform: the later passes hold it)."""
from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass

from ...sampling.chain_steps import PLAIN

ETA = 0.5  # diffusers' TEMPORAL_ANCESTRAL_ETA: the temporal rounds' scheduler


@dataclass
class Recipe:
    """One DFR render in the pipelines' terms: the final size, the frames and rate of the first two passes,
    the temporal rounds, each pass's sigmas (without the trailing 0), the conditions (a first frame), and whether
    the 4K epilogue makes the final size (the passes before it then at half their size)."""
    width: int
    height: int
    frames: int
    fps: float
    rounds: int
    sigmas: list
    detail_sigmas: list
    temporal_sigmas: list
    conditions: list | None = None
    epilogue: bool = False

    def steps(self) -> int:
        """Denoising steps in all (a temporal round runs its sigmas once per tile: 2**round tiles at most, one a
        keyframe segment; the epilogue steps its canvas once per sigma, its tiles inside each step)."""
        from diffusers.pipelines.ltx2.dfr_layout import resolve_canvas
        segments = len(resolve_canvas(self.frames)[2])
        tiles = sum(min(2 ** r, segments * 2 ** (r - 1)) for r in range(1, self.rounds + 1))
        return len(self.sigmas) + len(self.detail_sigmas) * (2 if self.epilogue else 1) \
            + tiles * len(self.temporal_sigmas)

    def upsamples(self) -> int:
        """The latent upsampler's calls (no denoising steps): the take's latents and its slots, the epilogue's video."""
        return 2 + (1 if self.epilogue else 0)


def render(pipe, upsample, temporal, recipe: Recipe, words: dict, generator, steps=PLAIN, stage=None,
           detailing=nullcontext, held=nullcontext):
    """(the final latents cut to the frames made, the first pass's audio latents, the frames made, their rate).
    ``words``: the prompt's embeddings and mask (encoded once for every pass); ``steps(pipe, canvas, **kwargs)``
    makes each denoising pass (the Sampler's step work: sampling/chain_steps.py, ``canvas`` the frames its latents
    hold), ``steps.once(pipe, **kwargs)`` each upsampler call (PLAIN: the calls as they are); ``detailing()``: the
    context the full-size pass runs in (the model's LoRAs and the detailing LoRA on), ``held()`` the one the others
    run in; ``stage(text)`` is told each pass as it starts."""
    from diffusers.pipelines.ltx2.dfr_layout import resolve_canvas
    from diffusers.pipelines.ltx2.utils import trim_canvas
    say = stage or (lambda _t: None)
    r = recipe
    scale = 2 if r.epilogue else 1  # the detailed size below the epilogue's
    width, height = r.width // scale, r.height // scale
    common = dict(words, conditions=r.conditions, generator=generator, output_type="latent")
    ratio = pipe.vae_temporal_compression_ratio
    padded = resolve_canvas(r.frames, ratio)[0]  # the first passes' canvas: whole segments
    say(f"pass 1: {width // 2}x{height // 2}, {r.frames} frames and keyframe slots")
    with held():
        first = steps(pipe, padded, **common, height=height // 2, width=width // 2, num_frames=r.frames,
                      frame_rate=r.fps, sigmas=r.sigmas)
    say("the latents and slots upsampled x2")
    up_video = steps.once(upsample, latents=first.frames, output_type="latent", return_dict=False)[0]
    up_slots = steps.once(upsample, latents=first.keyframes, output_type="latent", return_dict=False)[0]
    say(f"pass 2: {width}x{height}, the half-size take read in context")
    with detailing():
        out = steps(pipe, padded, **common, latents=up_video, audio_latents=first.audio, keyframes_latents=up_slots,
                    keyframe_positions=first.keyframe_positions, reference_latents=first.frames, height=height,
                    width=width, num_frames=r.frames, frame_rate=r.fps, noise_scale=r.detail_sigmas[0],
                    sigmas=r.detail_sigmas)
    canvas = (out.frames.shape[2] - 1) * ratio + 1
    seconds = canvas / r.fps  # the first pass's canvas: every round cuts its sound from it
    made, fps, seams = r.frames, r.fps, []
    for k in range(1, r.rounds + 1):
        seams = out.keyframe_positions  # the keyframes handed to the last round: its seams
        say(f"temporal round {k} of {r.rounds}: {2 * (made - 1) + 1} frames at {2 * fps:g} fps")
        with held():
            doubled = 2 * (out.frames.shape[2] - 1) * ratio + 1  # the canvas its steps make
            out = steps(temporal, doubled, **common, latents=out.frames, keyframes_latents=out.keyframes,
                        keyframe_positions=out.keyframe_positions, audio_latents=first.audio, height=height,
                        width=width, num_frames=(out.frames.shape[2] - 1) * ratio + 1, frame_rate=fps,
                        source_seconds=seconds, condition_num_frames=r.frames, round_index=k,
                        sigmas=r.temporal_sigmas)
        made, fps = 2 * (made - 1) + 1, 2 * fps
    if r.epilogue:
        out = epilogue(pipe, upsample, out, first.audio, seams, r, common, fps, say, detailing, steps)
    return trim_canvas(out.frames, made, ratio), first.audio, made, fps


def epilogue(pipe, upsample, last, audio, seams, r: Recipe, common: dict, fps: float, say, detailing, steps=PLAIN):
    """The 4K epilogue as diffusers' LTX-2 docs compose it ("A third spatial stage"): the last pass's output
    ``last`` detailed at the full size, ``seams`` the keyframe positions handed to the last temporal round."""
    import torch
    from diffusers.pipelines.ltx2.dfr_layout import epilogue_tiles, pixel_to_latent_index
    ratio, cell = pipe.vae_temporal_compression_ratio, pipe.vae_spatial_compression_ratio
    canvas = (last.frames.shape[2] - 1) * ratio + 1
    up_video = steps.once(upsample, latents=last.frames, output_type="latent", return_dict=False)[0]  # the video only
    keyframes = pipe.rebuild_epilogue_keyframes(last.keyframes, decode_timestep=0.0, decode_noise_scale=0.0,
                                                seed=common["generator"].initial_seed(), device=up_video.device,
                                                dtype=torch.float32)
    tiles = epilogue_tiles(latent_shape=((canvas - 1) // ratio + 1, r.height // cell, r.width // cell),
                           frame_tiles=2 ** r.rounds, frame_seams=[pixel_to_latent_index(2 * p, ratio) for p in seams])
    say(f"epilogue: {r.width}x{r.height} in {len(tiles)} tiles, the keyframes rebuilt through RGB")
    with detailing():  # a detailing pass too
        return steps(pipe, canvas, **common, latents=up_video, audio_latents=audio, generate_slots=False,
                     guidance_keyframe_latents=keyframes, guidance_keyframe_positions=last.keyframe_positions,
                     reference_latents=last.frames, height=r.height, width=r.width, num_frames=canvas, frame_rate=fps,
                     noise_scale=r.detail_sigmas[0], sigmas=r.detail_sigmas, freeze_audio=True, video_tiles=tiles)


def decoded(pipe, latents, audio_latents, frames: int, fps: float):
    """(frames [1, n, H, W, 3] in 0..1, the waveform [1, channels, samples]) of the final latents and the first
    pass's audio latents, decoded as the docs' recipe decodes them (no decode noise; the sound cut to the
    picture's length)."""
    import torch
    vae = pipe.vae
    timestep = torch.zeros(latents.shape[0], device=latents.device, dtype=vae.dtype) \
        if vae.config.timestep_conditioning else None
    video = vae.decode(latents.to(vae.dtype), timestep, return_dict=False)[0]
    video = pipe.video_processor.postprocess_video(video, output_type="np")
    audio = pipe.vocoder(pipe.audio_vae.decode(audio_latents.to(pipe.audio_vae.dtype), return_dict=False)[0])
    samples = round(frames / fps * pipe.vocoder.config.output_sampling_rate)
    return video, audio[..., :min(audio.shape[-1], samples)]
