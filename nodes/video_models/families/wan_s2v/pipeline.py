"""WanS2VPipeline: Wan 2.2 S2V's sampling loop as a diffusers pipeline of diffusers' components
(UMT5 text encoder, AutoencoderKLWan, a flow scheduler) and ``WanS2VTransformer3DModel``.

After Wan-Video/Wan2.2 at 42bf4cfaa384bc21833865abc2f9e6c0e67233dc, ``wan/speech2video.py``
(``WanS2V.generate``) and ``wan/modules/s2v/audio_encoder.py`` (``get_audio_embed_bucket_fps``):

- the take is made in windows of ``window`` frames (the release's ``infer_frames``, 80: a multiple
  of 4), each one latent per 4 frames; the first window sees no motion frames (``drop_first_motion``)
  and is decoded after the reference latent, its first 3 frames cut (so it gives ``window - 3``);
  each later window reads the last 73 frames made (``motion_frames``; grey before the take began)
  encoded as its motion latents, and is decoded after them;
- the speech features (wav2vec2's stacked hidden states, one vector a frame at ``fps``) are
  sampled at the video's 16 frames a second as the release's buckets do (frame i reads feature
  round(i / 16 * fps)) and zero past the sound's end; window r reads frames [r*window, (r+1)*window)
  (so the first window's 3 cut frames are the sound's first 3: the take's frame j was made with the
  sound's frame j + 3, and the release puts the sound on the take from its start all the same);
- the pose clip ([-1, 1] frames, the take's length; none: -1 everywhere, whose latents the release
  multiplies by 0) is encoded per window behind a copy of its first frame, that latent dropped;
- guidance: the unconditional pass has the negative prompt and zero audio."""
from __future__ import annotations

import functools
import math

import numpy as np
import torch

from ..wan.latents import decoded, encoded

S2V_FPS = 16  # wan/configs/shared_config.py sample_fps
FIRST_CUT = 3  # the first window's frames cut after decoding (speech2video.py: image[:, :, 3:])


def sample_indices(n: int, fps_in: float, fps_out: float = S2V_FPS) -> np.ndarray:
    """audio_encoder.py get_sample_indices (fixed_start 0): the feature frame read by each of ``n``
    video frames at ``fps_out`` from features at ``fps_in``: round(linspace(0, n/fps_out, n, endpoint
    False) * fps_in)."""
    t = np.linspace(0.0, n / fps_out, n, endpoint=False)
    return np.round(t * fps_in).astype(int)


def audio_buckets(features: torch.Tensor, fps_in: float, n: int) -> torch.Tensor:
    """[layers, C, n] features for ``n`` video frames at 16 fps from ``features`` [T, layers, C] at
    ``fps_in`` (zeros past the features' end, as the release's buckets past the audio)."""
    idx = sample_indices(n, fps_in)
    out = features.new_zeros(n, *features.shape[1:])
    ok = idx < features.shape[0]
    out[torch.from_numpy(ok)] = features[torch.from_numpy(idx[ok])]
    return out.permute(1, 2, 0)


def take_plan(frames: int, window: int) -> tuple[int, int]:
    """(windows, frames made) for a take of ``frames``: the first window gives window - 3, each later one
    ``window``."""
    n = max(1, math.ceil((frames - (window - FIRST_CUT)) / window) + 1) if frames > window - FIRST_CUT else 1
    return n, n * window - FIRST_CUT


def _init(self, tokenizer, text_encoder, vae, scheduler, transformer):
    from diffusers import DiffusionPipeline
    DiffusionPipeline.__init__(self)
    self.register_modules(tokenizer=tokenizer, text_encoder=text_encoder, vae=vae, scheduler=scheduler,
                          transformer=transformer)


@functools.cache
def pipeline_class():
    """WanS2VPipeline: ``S2VSampling``'s methods on diffusers' DiffusionPipeline, its prompts encoded by
    WanPipeline's own encode_prompt, its LoRAs loaded by diffusers' WanLoraLoaderMixin (ComfyUI's,
    kohya's and musubi's Wan layouts converted to diffusers' and put on the transformer's Wan blocks, as
    ComfyUI applies a Wan LoRA to S2V's blocks) (diffusers imported here, once, not when Studio finds its
    nodes)."""
    from diffusers import DiffusionPipeline, WanPipeline
    from diffusers.loaders import WanLoraLoaderMixin
    return type("WanS2VPipeline", (S2VSampling, WanLoraLoaderMixin, DiffusionPipeline),
                {"__init__": _init, "__module__": __name__, "__doc__": S2VSampling.__doc__,
                 "model_cpu_offload_seq": "text_encoder->transformer->vae", "_callback_tensor_inputs": ["latents"],
                 "encode_prompt": WanPipeline.encode_prompt,
                 "_get_t5_prompt_embeds": vars(WanPipeline)["_get_t5_prompt_embeds"]})


def __getattr__(name: str):
    if name == "WanS2VPipeline":
        return pipeline_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class S2VSampling:
    """Speech (+ reference image, + optional pose clip) to video with Wan 2.2 S2V (the methods of
    WanS2VPipeline, pipeline_class)."""

    def encode(self, pixels: torch.Tensor) -> torch.Tensor:
        """[B, 3, T, H, W] in [-1, 1] -> normalised latents (the release's VAE gives the mean, normalised)."""
        return encoded(self.vae, pixels)

    def decode(self, latents: torch.Tensor) -> torch.Tensor:
        return decoded(self.vae, latents)

    def pose_latents(self, pose: torch.Tensor | None, window: int, shape, device, dtype):
        """A window's pose latents: [1, 3, window, H, W] in [-1, 1] behind its first frame, encoded, the
        first latent dropped; zeros without a pose clip (the release: the -1 clip's latents times 0)."""
        if pose is None:
            return torch.zeros(shape, device=device, dtype=dtype)
        x = torch.cat([pose[:, :, :1], pose], dim=2)
        return self.encode(x)[:, :, 1:].to(device, dtype)

    def steps_in_call(self, kwargs: dict) -> int:
        """The denoising steps a call with ``kwargs`` makes: its windows' (resume/kept_steps.py counts a step
        ``window * steps + step``)."""
        windows, _ = take_plan(int(kwargs.get("num_frames") or 77), int(kwargs.get("window") or 80))
        return windows * int(kwargs.get("num_inference_steps") or 40)

    def frames_per_decode(self, kwargs: dict) -> int:
        """The frames one window's decode makes: the motion frames it continues from and the window."""
        return int(self.transformer.config.motion_frames) + int(kwargs.get("window") or 80)

    @torch.no_grad()
    def __call__(self, image: torch.Tensor, audio: torch.Tensor, prompt: str | None = None,
                 negative_prompt: str | None = None, pose: torch.Tensor | None = None, num_frames: int = 77,
                 window: int = 80, num_inference_steps: int = 40, guidance_scale: float = 4.5,
                 generator: torch.Generator | None = None, prompt_embeds=None, negative_prompt_embeds=None,
                 max_sequence_length: int = 512, height: int | None = None, width: int | None = None,
                 output_type: str = "pt", callback_on_step_end=None, callback_on_step_end_tensor_inputs=("latents",),
                 on_window=None, take=None):
        """``image`` [1, 3, H, W] in [-1, 1] (the reference, at the take's size: ``height`` and ``width``, where
        given, are said of it); ``audio`` [layers, C, n] features per video frame at 16 fps (``audio_buckets``),
        n >= the frames made; ``pose`` [1, 3, n, H, W] in [-1, 1] or None. Returns the frames [1, 3, num_frames,
        H, W] in [-1, 1]; with ``on_window(r, frames)`` each window's frames go to it as they are made and None is
        returned; with ``take`` (families/wan/own_take.py: the Sampler's call) they go into the take's buffer,
        its finished windows are kept and an earlier run's loaded, and its output is returned.
        ``callback_on_step_end(pipe, window * num_inference_steps + step, t, {"latents": ...})`` after each step."""
        from ..wan.own_take import emitted, returned
        if take is not None:
            take.begin()
        tr = self.transformer
        device = self._execution_device
        if window % 4:
            raise ValueError(f"window must be a multiple of 4 (the release's 80), not {window}")
        if output_type == "latent":
            raise ValueError("WanS2VPipeline decodes each window to continue from it: no 'latent' output")
        if (height or image.shape[-2]) != image.shape[-2] or (width or image.shape[-1]) != image.shape[-1]:
            raise ValueError(f"the reference is {image.shape[-1]}x{image.shape[-2]}, not {width}x{height}")
        windows, _ = take_plan(num_frames, window)
        need = windows * window  # window r reads frames [r * window, (r + 1) * window): zero sound, -1 pose past the end
        if audio.shape[-1] < need:
            audio = torch.cat([audio, audio.new_zeros(*audio.shape[:-1], need - audio.shape[-1])], dim=-1)
        if pose is not None and pose.shape[2] < need:
            pose = torch.cat([pose, -pose.new_ones(*pose.shape[:2], need - pose.shape[2], *pose.shape[3:])], dim=2)
        do_cfg = guidance_scale > 1.0
        cond, uncond = self.encode_prompt(prompt, negative_prompt, do_classifier_free_guidance=do_cfg,
                                          prompt_embeds=prompt_embeds, negative_prompt_embeds=negative_prompt_embeds,
                                          max_sequence_length=max_sequence_length, device=device)
        dtype = tr.dtype
        cond = cond.to(dtype)
        uncond = uncond.to(dtype) if uncond is not None else None
        h, w = image.shape[-2:]
        m = int(tr.config.motion_frames)
        ref = self.encode(image[:, :, None]).to(device, dtype)
        history = torch.zeros(1, 3, m, h, w, device=self.vae.device, dtype=self.vae.dtype)  # grey before the take
        lat_shape = (1, tr.config.in_channels, window // 4, h // 8, w // 8)
        stepped = None
        if callback_on_step_end is not None:
            def stepped(r: int, i: int, t, latents):  # the callback's latents taken back, as diffusers' pipelines do
                callback_outputs = callback_on_step_end(self, r * num_inference_steps + i, t, {"latents": latents})
                return callback_outputs.pop("latents", latents)
        out = []
        for r in range(windows):
            latents = torch.randn(lat_shape, generator=generator, device=torch.device("cpu"),
                                  dtype=torch.float32)  # drawn for a kept window too: the noise stays in step
            frames = take.load(r) if take is not None else None  # an earlier run's, kept: not sampled again
            fresh = frames is None
            if fresh:
                frames = self._window(r, latents.to(device, dtype), ref, history, cond, uncond, audio, pose, window,
                                      num_inference_steps, guidance_scale, stepped)
            k = min(m, frames.shape[2])
            history = torch.cat([history[:, :, k:], frames[:, :, -k:].to(history)], dim=2)
            host = frames.float().cpu()
            if fresh and take is not None:
                take.keep(r, host)
            emitted(r, host, take, on_window, out)
        self.maybe_free_model_hooks()
        return returned(take, out, num_frames)

    def _window(self, r: int, latents, ref, history, cond, uncond, audio, pose, window: int, steps: int,
                guidance_scale: float, stepped):
        """Window ``r``'s frames ([1, 3, T, H, W] in [-1, 1], the first window's 3 first cut) from its noise
        ``latents``, continuing from ``history`` (the last motion frames made)."""
        tr, device, dtype = self.transformer, latents.device, latents.dtype
        h, w = history.shape[-2:]
        a = audio[None, ..., r * window:(r + 1) * window].to(device, dtype)
        p = pose[:, :, r * window:(r + 1) * window] if pose is not None else None
        cond_lat = self.pose_latents(p, window, (1, tr.config.cond_dim or 16, window // 4, h // 8, w // 8), device,
                                     dtype)
        first = r == 0  # it reads no motion frames (drop_first_motion); each later one the last m frames made
        self.scheduler.set_timesteps(steps, device=device)
        motion = None if first else self.encode(history).to(device, dtype)
        args = dict(ref_latents=ref, motion_latents=motion, cond_states=cond_lat, drop_motion_frames=first,
                    return_dict=False)
        do_cfg = uncond is not None and guidance_scale > 1.0
        for i, t in enumerate(self.scheduler.timesteps):
            ts = t.expand(1).to(device)
            pred = tr(latents, ts, cond, audio_input=a, **args)[0]
            if do_cfg:
                pred_u = tr(latents, ts, uncond, audio_input=a * 0.0, **args)[0]
                pred = pred_u + guidance_scale * (pred - pred_u)
            latents = self.scheduler.step(pred, t, latents, return_dict=False)[0]
            if stepped is not None:
                latents = stepped(r, i, t, latents)
        frames = self.decode(torch.cat([ref if first else motion, latents], dim=2))[:, :, -window:]
        return frames[:, :, FIRST_CUT:] if first else frames
