"""CogVideoX-Fun InP's pipeline: text, image (first and last frames) and video to video with alibaba-pai's
CogVideoX-Fun-*-InP models (a diffusers folder saved as ``CogVideoXPipeline``, its transformer reading
``2 * latent_channels + 1`` channels).

diffusers 0.42.1 has no pipeline for these models: CogVideoXPipeline gives the transformer the noise alone,
CogVideoXImageToVideoPipeline the start image's latents beside it (``2 * latent_channels``), CogVideoXFunControlPipeline
a control clip's. An InP transformer reads, beside the noise, an inpaint mask (one channel) and the masked video's
latents, in that order on the channels. This pipeline follows VideoX-Fun's
``CogVideoXFunInpaintPipeline`` (github aigc-apps/VideoX-Fun, Apache-2.0,
videox_fun/pipeline/pipeline_cogvideox_fun_inpaint.py and videox_fun/utils/utils.py at
804a4258e2608f855ccaec8fffa279e75a3b89c6; written here, not copied) on diffusers' own classes
(CogVideoXPipeline's prompt encoding, rotary positions, decode and video processor; diffusers'
CogVideoXTransformer3DModel, which concatenates nothing itself, is given the three side by side):

- the mask is 1 where a frame is made and 0 where it is kept; the masked video is the clip with the made
  pixels set to -1 (black), encoded by the VAE (its mode) and scaled; the mask resized to the latents (its first
  frame alone, the others over the remaining latent frames, trilinear) as ``1 - mask``, times the VAE's scaling
  factor. A transformer whose config says ``add_noise_in_inpaint_model`` (V1.1) has noise of
  ``noise_aug_strength`` (0.0563) added to the kept pixels before the encode.
- text to video: every pixel made: mask and masked latents all zero (the reference's own shortcut);
  image to video: the start image over every frame, its first frame kept (and the last, given an end image);
  video to video: every pixel made (zeros, as text to video), the sampling starting from the clip's latents
  noised to ``strength`` of the schedule (the reference's get_timesteps and scheduler.add_noise).
- CogVideoX 1.5 (``patch_size_t`` 2) takes an even count of latent frames: the node asks for a frame count that
  gives one (the reference cuts the frames the same way).

Differences from the reference, each for Studio's one Sampler: the random draws (the VAE's sample, the reference
noise) come from the call's generator, not torch's global one; the output is diffusers' (``frames``, any
``output_type``), not VideoX-Fun's ``videos``."""
from __future__ import annotations

import functools
import math

import numpy as np
import torch
import torch.nn.functional as F

NOISE_AUG = 0.0563  # the reference's noise_aug_strength default


def is_inp(transformer, vae) -> bool:
    """Whether ``transformer`` reads the noise, the inpaint mask and the masked video's latents (2 * latents + 1)."""
    ins = getattr(getattr(transformer, "config", None), "in_channels", None)
    lat = getattr(getattr(vae, "config", None), "latent_channels", None)
    return ins is not None and lat is not None and int(ins) == 2 * int(lat) + 1


def pixels(frames, device, dtype) -> torch.Tensor:
    """[F, H, W, C] frames in [0, 1] (numpy or torch) as a [1, C, F, H, W] tensor in [-1, 1]."""
    t = torch.as_tensor(np.asarray(frames, np.float32) if not torch.is_tensor(frames) else frames)
    return (t.permute(3, 0, 1, 2)[None].to(device=device, dtype=torch.float32) * 2 - 1).to(dtype)


def resize_mask(mask: torch.Tensor, size: tuple[int, int, int]) -> torch.Tensor:
    """``mask`` [B, 1, F, H, W] resized to latent ``size`` (frames, height, width): its first frame alone to one
    latent frame, the rest over the others (the reference's resize_mask, process_first_frame_only)."""
    f, h, w = size
    first = F.interpolate(mask[:, :, :1], size=(1, h, w), mode="trilinear", align_corners=False)
    if f == 1:
        return first
    rest = F.interpolate(mask[:, :, 1:], size=(f - 1, h, w), mode="trilinear", align_corners=False)
    return torch.cat([first, rest], dim=2)


@functools.cache
def pipeline_class():
    """CogVideoXFunInpaintPipeline: ``CogVideoXFunInpaintSampling``'s methods on diffusers' CogVideoXPipeline, made
    on first use (listing Studio's nodes imports this module and must not import diffusers)."""
    from diffusers import CogVideoXPipeline
    return type("CogVideoXFunInpaintPipeline", (CogVideoXFunInpaintSampling, CogVideoXPipeline), {"__module__": __name__})


def __getattr__(name: str):
    if name == "CogVideoXFunInpaintPipeline":
        return pipeline_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def randn_tensor(*args, **kwargs):
    from diffusers.utils.torch_utils import randn_tensor as randn
    return randn(*args, **kwargs)


class CogVideoXFunInpaintSampling:
    """CogVideoXPipeline with the InP transformer's inpaint mask and masked-video latents beside the noise, a start
    clip for video to video (module docstring); a LoRA in VideoX-Fun's own layout read too (fun_lora.py). The methods
    of CogVideoXFunInpaintPipeline (pipeline_class)."""

    @classmethod
    def lora_state_dict(cls, pretrained_model_name_or_path_or_dict, **kwargs):
        from .fun_lora import from_videox_fun, is_videox_fun
        sd = pretrained_model_name_or_path_or_dict
        if isinstance(sd, dict) and is_videox_fun(sd):
            sd = from_videox_fun(sd)
        return super().lora_state_dict(sd, **kwargs)

    def _encode(self, video: torch.Tensor, generator, sample: bool) -> torch.Tensor:
        """``video`` [1, C, F, H, W] in [-1, 1] as scaled VAE latents [1, C, f, h, w] (the mode, or a sample)."""
        dist = self.vae.encode(video.to(self.vae.dtype)).latent_dist
        return (dist.sample(generator) if sample else dist.mode()) * self.vae.config.scaling_factor

    def inpaint_latents(self, video, mask, shape, dtype, device, generator, noise_aug_strength) -> torch.Tensor:
        """The mask and the masked video's latents [B, f, 1 + C, h, w] the transformer reads beside the noise
        (``shape``: the noise's [B, f, C, h, w]): zeros where every pixel is made (text and video to video)."""
        b, f, c, h, w = shape
        if video is None or mask is None or bool((torch.as_tensor(np.asarray(mask)) >= 0.5).all()):
            return torch.zeros((b, f, c + 1, h, w), device=device, dtype=dtype)
        pix = pixels(video, device, torch.float32)
        m = torch.as_tensor(np.asarray(mask, np.float32)).to(device)[None, None]  # [1, 1, F, H, W], 1: made
        m = (m >= 0.5).to(torch.float32)
        masked = torch.where(m >= 0.5, -torch.ones_like(pix), pix)
        if getattr(self.transformer.config, "add_noise_in_inpaint_model", False) and noise_aug_strength:
            noise = randn_tensor(masked.shape, generator=generator, device=device, dtype=masked.dtype)
            masked = masked + torch.where(masked == -1, torch.zeros_like(noise), noise * noise_aug_strength)
        lat = self._encode(masked, generator, sample=False).to(torch.float32)  # [1, C, f, h, w]
        keep = resize_mask(1 - m, tuple(lat.shape[2:])) * self.vae.config.scaling_factor
        cond = torch.cat([keep, lat], dim=1).permute(0, 2, 1, 3, 4)  # [1, f, 1 + C, h, w]
        return cond.repeat(b, 1, 1, 1, 1).to(device=device, dtype=dtype)

    def _schedule(self, steps: int, strength: float, device):
        """The schedule, cut to ``strength`` of it for a clip denoised part way (the reference's get_timesteps)."""
        self.scheduler.set_timesteps(steps, device=device)
        start = max(steps - min(int(steps * strength), steps), 0)
        timesteps = self.scheduler.timesteps[start * self.scheduler.order:]
        if not len(timesteps):
            raise ValueError(f"strength {strength} leaves no step of {steps}")
        return timesteps

    def _start(self, shape, timesteps, dtype, device, generator, latents, video, strength: float) -> torch.Tensor:
        """The latents the loop starts from: noise, or (video to video, ``strength`` below 1) the clip's latents
        noised to the schedule's first step (the reference's prepare_latents)."""
        if latents is not None:
            return latents.to(device) * self.scheduler.init_noise_sigma
        noise = randn_tensor(shape, generator=generator, device=device, dtype=dtype)
        if strength >= 1.0:
            return noise * self.scheduler.init_noise_sigma
        if video is None:
            raise ValueError("strength below 1 needs the clip to start from (video)")
        clip = self._encode(pixels(video, device, torch.float32), generator, sample=True)
        clip = clip.permute(0, 2, 1, 3, 4).to(device=device, dtype=dtype).repeat(shape[0], 1, 1, 1, 1)
        return self.scheduler.add_noise(clip, noise, timesteps[:1].repeat(shape[0]))

    def _shape(self, batch: int, num_frames: int, height: int, width: int) -> tuple:
        """The noise's [B, f, C, h, w]; CogVideoX 1.5's ``patch_size_t`` refused where the latent frames are not a
        multiple of it (the node asks for a count that is)."""
        frames = (num_frames - 1) // self.vae_scale_factor_temporal + 1
        pt = self.transformer.config.patch_size_t
        if pt is not None and frames % pt:
            raise ValueError(f"{num_frames} frames make {frames} latent frames: this transformer takes a multiple of "
                             f"{pt}")
        s = self.vae_scale_factor_spatial
        return (batch, frames, self.vae.config.latent_channels, height // s, width // s)

    @torch.no_grad()
    def __call__(self, prompt=None, negative_prompt=None, height: int | None = None, width: int | None = None,
                 num_frames: int | None = None, num_inference_steps: int = 50, guidance_scale: float = 6,
                 use_dynamic_cfg: bool = False, eta: float = 0.0, generator=None, latents=None, prompt_embeds=None,
                 negative_prompt_embeds=None, output_type: str = "pil", return_dict: bool = True,
                 attention_kwargs=None, callback_on_step_end=None, callback_on_step_end_tensor_inputs=("latents",),
                 max_sequence_length: int = 226, video=None, mask=None, strength: float = 1.0,
                 noise_aug_strength: float = NOISE_AUG):
        """``video``: [F, H, W, C] frames in [0, 1] at the call's size (a start image repeated over the frames, or
        the clip to make again); ``mask``: [F, H, W], 1 where a pixel is made, 0 where it is kept (None: every
        pixel made); ``strength``: how much of the schedule a video to video runs (1: all of it, the clip read
        only through the mask)."""
        height = height or self.transformer.config.sample_height * self.vae_scale_factor_spatial
        width = width or self.transformer.config.sample_width * self.vae_scale_factor_spatial
        num_frames = num_frames or self.transformer.config.sample_frames
        if not is_inp(self.transformer, self.vae):
            want = 2 * self.vae.config.latent_channels + 1
            raise ValueError(f"CogVideoXFunInpaintPipeline needs an InP transformer ({want} channels in); this one "
                             f"reads {self.transformer.config.in_channels}")
        self.check_inputs(prompt, height, width, negative_prompt, list(callback_on_step_end_tensor_inputs),
                          prompt_embeds, negative_prompt_embeds)
        self._guidance_scale, self._attention_kwargs = guidance_scale, attention_kwargs
        self._current_timestep, self._interrupt = None, False
        batch = 1 if isinstance(prompt, str) or prompt is None and prompt_embeds is None else (
            len(prompt) if isinstance(prompt, list) else prompt_embeds.shape[0])
        device = self._execution_device
        cfg = guidance_scale > 1.0
        prompt_embeds, negative_prompt_embeds = self.encode_prompt(
            prompt, negative_prompt, cfg, num_videos_per_prompt=1, prompt_embeds=prompt_embeds,
            negative_prompt_embeds=negative_prompt_embeds, max_sequence_length=max_sequence_length, device=device)
        embeds = torch.cat([negative_prompt_embeds, prompt_embeds]) if cfg else prompt_embeds
        timesteps = self._schedule(num_inference_steps, strength, device)
        self._num_timesteps = len(timesteps)
        latents = self._start(self._shape(batch, num_frames, height, width), timesteps, embeds.dtype, device,
                              generator, latents, video, strength)
        cond = self.inpaint_latents(video, mask, tuple(latents.shape), embeds.dtype, device, generator,
                                    noise_aug_strength)
        cond = torch.cat([cond] * 2) if cfg else cond
        rotary = (self._prepare_rotary_positional_embeddings(height, width, latents.size(1), device)
                  if self.transformer.config.use_rotary_positional_embeddings else None)
        latents = self._denoise(latents, cond, embeds, timesteps, rotary, cfg, guidance_scale, use_dynamic_cfg,
                                num_inference_steps, self.prepare_extra_step_kwargs(generator, eta), attention_kwargs,
                                callback_on_step_end, callback_on_step_end_tensor_inputs)
        if output_type == "latent":
            out = latents
        else:
            out = self.video_processor.postprocess_video(video=self.decode_latents(latents), output_type=output_type)
        self.maybe_free_model_hooks()
        from diffusers.pipelines.cogvideo.pipeline_output import CogVideoXPipelineOutput
        return CogVideoXPipelineOutput(frames=out) if return_dict else (out,)

    def _denoise(self, latents, cond, embeds, timesteps, rotary, cfg: bool, guidance_scale: float, dynamic: bool,
                 steps: int, extra: dict, attention_kwargs, callback, callback_inputs) -> torch.Tensor:
        """The loop (CogVideoXPipeline's, the inpaint condition concatenated after the noise on the channels)."""
        from diffusers import CogVideoXDPMScheduler
        dtype, old_pred = latents.dtype, None  # (old_pred: CogVideoXDPMScheduler's)
        dpm = isinstance(self.scheduler, CogVideoXDPMScheduler)
        with self.progress_bar(total=len(timesteps)) as bar:
            for i, t in enumerate(timesteps):
                if self.interrupt:
                    continue
                self._current_timestep = t
                x = torch.cat([latents] * 2) if cfg else latents
                x = self.scheduler.scale_model_input(x, t)
                x = torch.cat([x, cond], dim=2)  # noise, mask, masked video: the InP transformer's channels
                with self.transformer.cache_context("cond_uncond"):
                    pred = self.transformer(hidden_states=x, encoder_hidden_states=embeds,
                                            timestep=t.expand(x.shape[0]), image_rotary_emb=rotary,
                                            attention_kwargs=attention_kwargs, return_dict=False)[0].float()
                if dynamic:
                    self._guidance_scale = 1 + guidance_scale * (
                        (1 - math.cos(math.pi * ((steps - t.item()) / steps) ** 5.0)) / 2)
                if cfg:
                    uncond, text = pred.chunk(2)
                    pred = uncond + self.guidance_scale * (text - uncond)
                if dpm:
                    latents, old_pred = self.scheduler.step(pred, old_pred, t, timesteps[i - 1] if i > 0 else None,
                                                            latents, **extra, return_dict=False)
                else:
                    latents = self.scheduler.step(pred, t, latents, **extra, return_dict=False)[0]
                latents = latents.to(dtype)
                if callback is not None:
                    callback_outputs = callback(self, i, t, {k: latents for k in callback_inputs if k == "latents"})
                    latents = callback_outputs.pop("latents", latents)
                bar.update()
        self._current_timestep = None
        return latents
