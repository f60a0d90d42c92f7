"""SCAIL2Pipeline: SCAIL-2's sampling as a diffusers pipeline of diffusers' components (UMT5 text encoder,
AutoencoderKLWan, CLIP ViT-H vision, a flow scheduler) and ``WanSCAIL2Transformer3DModel``.

After zai-org/SCAIL-2 at 3dee8c4, ``sample_video.py`` (one reference, the driving video at half size,
the driving and reference identity masks, segments of 81 frames every 76 with the 5 last frames of the
segment before as history) and ComfyUI's scheduling of the history (comfy/model_base.py WAN21_SCAIL2,
Comfy-Org/ComfyUI@de974be: the history latents held clean at every step; GPL: read, not copied):

- the reference image is VAE-encoded alone (1 latent frame); in replace mode, with a reference mask, it is
  first kept only where the mask has a colour (black elsewhere); CLIP vision reads it as given;
- per segment, the driving video's frames are made half size (bilinear, as the release), VAE-encoded
  (its pose latents) and its colour masks turned into 28 channels at that size; the reference's colour
  mask into 28 channels at full size, then zeros over the segment's latent frames;
- a later segment's first 2 latent frames are the 5 last frames of the one before, encoded, written over
  the noisy latents before every step and after the last; its 5 first frames are cut after decoding.

Guidance: the unconditional pass has the negative prompt and the same conditioning (the release's uc)."""
from __future__ import annotations

import functools

import torch
import torch.nn.functional as F

from ..wan.latents import decoded, encoded
from .conditioning import (HISTORY_LATENTS, OVERLAP, WINDOW, composite_reference, history_mask, mask_latent,
                           padded_length, reference_mask_latent, segments)


@functools.cache
def pipeline_class():
    """SCAIL2Pipeline: ``SCAIL2Sampling``'s methods on diffusers' DiffusionPipeline, its prompts encoded by
    WanPipeline's encode_prompt and its reference by WanImageToVideoPipeline's encode_image; Wan's LoRAs
    (ComfyUI's lightx2v and DPO files) loaded by diffusers' WanLoraLoaderMixin onto its Wan blocks."""
    from ..wan.own_pipeline import i2v_pipeline_class
    return i2v_pipeline_class("SCAIL2Pipeline", SCAIL2Sampling, __name__)


def __getattr__(name: str):
    if name == "SCAIL2Pipeline":
        return pipeline_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def half_size(frames: torch.Tensor) -> torch.Tensor:
    """[T, C, H, W] -> [T, C, H/2, W/2] (sample_video.py: F.interpolate scale 0.5, bilinear)."""
    return F.interpolate(frames.float(), scale_factor=0.5, mode="bilinear", align_corners=False)


def _padded(x: torch.Tensor, n: int, dim: int) -> torch.Tensor:
    """``x`` with its last entry along ``dim`` repeated up to ``n``."""
    short = n - x.shape[dim]
    if short <= 0:
        return x
    last = x.narrow(dim, x.shape[dim] - 1, 1)
    return torch.cat([x, last.expand(*[short if d == dim else s for d, s in enumerate(x.shape)])], dim=dim)


def _take(x, start: int, count: int, dim: int) -> torch.Tensor:
    """Frames [start, start + count) of a tensor (along ``dim``), or of a reader ``x(start, count)``: a long
    take's driving video need not be held whole."""
    return x(start, count) if callable(x) else x.narrow(dim, start, count)


class SCAIL2Sampling:
    """A reference character moved (animate mode) or put in the place of the driving video's person
    (replace mode) by SCAIL-2 (the methods of SCAIL2Pipeline, pipeline_class)."""

    def encode(self, pixels: torch.Tensor) -> torch.Tensor:
        """[B, 3, T, H, W] in [-1, 1] -> normalised latents (the VAE's mean)."""
        return encoded(self.vae, pixels)

    def decode(self, latents: torch.Tensor) -> torch.Tensor:
        return decoded(self.vae, latents)

    def conditioning(self, reference, reference_mask, replace: bool, device, dtype):
        """(reference latents [1, 16, 1, h, w], CLIP image states or None) of the reference [1, 3, H, W] in
        [-1, 1] (composited in replace mode when it has a mask)."""
        image = reference
        if replace and reference_mask is not None:
            image = composite_reference(reference, reference_mask.to(reference))
        ref = self.encode(image[:, :, None]).to(device, dtype)
        clip = None
        if self.image_encoder is not None:
            from PIL import Image
            arr = ((reference[0].permute(1, 2, 0).float().cpu().numpy() + 1) * 127.5).clip(0, 255).round()
            clip = self.encode_image(Image.fromarray(arr.astype("uint8")), device).to(dtype)
        return ref, clip

    def segment_inputs(self, driving, driving_mask, reference_mask, start: int, count: int, device, dtype):
        """(pose latents, driving masks or None, reference masks or None, latent frames) of one segment:
        the driving video's frames [start, start + count) made 4k + 1 by repeating its last."""
        n = padded_length(count)
        seg = _padded(_take(driving, start, count, 2), n, 2)  # [1, 3, n, H, W]
        pose = self.encode(half_size(seg[0].transpose(0, 1)).transpose(0, 1)[None]).to(device, dtype)
        frames = pose.shape[2]
        dm = None
        if driving_mask is not None:
            m = _padded(_take(driving_mask, start, count, 0), n, 0)
            dm = mask_latent(half_size(m))[None].to(device, dtype)
        rm = reference_mask_latent(reference_mask, frames)[None].to(device, dtype) if reference_mask is not None \
            else None
        return pose, dm, rm, frames

    def steps_in_call(self, kwargs: dict) -> int:
        """The denoising steps a call with ``kwargs`` makes: its segments' (resume/kept_steps.py counts a step
        ``segment * steps + step``)."""
        n = kwargs.get("num_frames")
        if not n:
            driving = kwargs.get("driving")
            n = driving.shape[2] if hasattr(driving, "shape") else 1
        plan = segments(int(n), int(kwargs.get("window") or WINDOW), int(kwargs.get("overlap") or OVERLAP))
        return len(plan) * int(kwargs.get("num_inference_steps") or 6)

    def frames_per_decode(self, kwargs: dict) -> int:
        """The frames one segment's decode makes: a segment's."""
        return padded_length(int(kwargs.get("window") or WINDOW))

    @torch.no_grad()
    def __call__(self, reference: torch.Tensor, driving: torch.Tensor, driving_mask: torch.Tensor | None = None,
                 reference_mask: torch.Tensor | None = None, replace: bool = True, prompt: str | None = None,
                 negative_prompt: str | None = None, window: int = WINDOW, overlap: int = OVERLAP,
                 num_inference_steps: int = 6, guidance_scale: float = 1.0, generator: torch.Generator | None = None,
                 prompt_embeds=None, negative_prompt_embeds=None, max_sequence_length: int = 512,
                 callback_on_step_end=None, callback_on_step_end_tensor_inputs=("latents",), on_segment=None,
                 num_frames: int | None = None, height: int | None = None, width: int | None = None,
                 output_type: str = "pt", take=None, previous: torch.Tensor | None = None):
        """``reference`` [1, 3, H, W] and ``driving`` [1, 3, N, H, W] in [-1, 1] (H, W multiples of 32: ``height``
        and ``width``, where given, are said of them); ``driving_mask`` [N, 3, H, W] and ``reference_mask`` [1, 3, H,
        W] colour masks in [0, 1] (conditioning.py ``paint``); ``driving`` and ``driving_mask`` may be readers
        ``f(start, count)`` of those frames, with ``num_frames`` N. Returns the frames [1, 3, N, H, W] in [-1, 1];
        with ``on_segment(r, frames)`` each segment's new frames go to it as they are made and None is returned;
        with ``take`` (families/wan/own_take.py: the Sampler's call) they go into the take's buffer, its finished
        segments are kept and an earlier run's loaded, and its output is returned. ``previous`` [1, 3, P, H, W] in
        [-1, 1]: frames made before (an earlier take), whose last ``overlap`` the first segment holds as its history,
        as each later segment holds the one before's (ComfyUI's WanSCAILToVideo 'previous_frames'); the first
        segment's output keeps those held frames, as ComfyUI's does.
        ``callback_on_step_end(pipe, segment * num_inference_steps + step, t, {"latents": ...})`` after each step."""
        from ..wan.own_pipeline import prompt_states
        from ..wan.own_take import emitted, returned
        if take is not None:
            take.begin()
        if output_type == "latent":
            raise ValueError("SCAIL2Pipeline decodes each segment to continue from it: no 'latent' output")
        if (height or reference.shape[-2]) != reference.shape[-2] or (width or reference.shape[-1]) != \
                reference.shape[-1]:
            raise ValueError(f"the reference is {reference.shape[-1]}x{reference.shape[-2]}, not {width}x{height}")
        tr = self.transformer
        device = self._execution_device
        do_cfg = guidance_scale > 1.0
        dtype = tr.dtype
        cond, uncond = prompt_states(self, prompt, negative_prompt, do_cfg, prompt_embeds, negative_prompt_embeds,
                                     max_sequence_length, device, dtype)
        ref, clip = self.conditioning(reference, reference_mask, replace, device, dtype)
        h, w = ref.shape[-2:]
        plan = segments(num_frames if callable(driving) else driving.shape[2], window, overlap)
        stepped = None
        if callback_on_step_end is not None:
            def stepped(r: int, i: int, t, latents):  # the callback's latents taken back, as diffusers' pipelines do
                callback_outputs = callback_on_step_end(self, r * num_inference_steps + i, t, {"latents": latents})
                return callback_outputs.pop("latents", latents)
        prev, out = None, []
        if previous is not None:
            if previous.dim() != 5 or previous.shape[-2:] != reference.shape[-2:] or previous.shape[2] < 1:
                raise ValueError(f"the previous frames are {tuple(previous.shape)}: [1, 3, P >= 1, "
                                 f"{reference.shape[-2]}, {reference.shape[-1]}]")
            prev = previous[:, :, -overlap:].to(self.vae.device, self.vae.dtype)
        for r, (start, count) in enumerate(plan):
            latents = torch.randn((1, tr.config.out_channels, padded_length(count) // 4 + 1, h, w),
                                  generator=generator, device=torch.device("cpu"),
                                  dtype=torch.float32)  # drawn for a kept segment too: the noise stays in step
            made = take.load(r) if take is not None else None  # an earlier run's, kept: not sampled again
            fresh = made is None
            if fresh:
                pose, dm, rm, frames = self.segment_inputs(driving, driving_mask, reference_mask, start, count,
                                                           device, dtype)
                hist = hm = None
                if prev is not None:
                    hist = self.encode(prev).to(device, dtype)[:, :, :HISTORY_LATENTS]
                    hm = history_mask(frames, h, w, hist.shape[2])[None].to(device, dtype)
                args = dict(encoder_hidden_states_image=clip, ref_latents=ref, pose_latents=pose, history_mask=hm,
                            ref_masks=rm, driving_masks=dm, replace=replace, return_dict=False)
                made = self._segment(r, latents.to(device, dtype), hist, cond, uncond, args, num_inference_steps,
                                     guidance_scale, stepped)[:, :, :count]
            prev = made[:, :, -overlap:].to(self.vae.device, self.vae.dtype)
            host = made.float().cpu()
            if fresh and take is not None:
                take.keep(r, host)
            emitted(r, host if r == 0 else host[:, :, overlap:], take, on_segment, out)
        self.maybe_free_model_hooks()
        return returned(take, out)

    def _segment(self, r: int, latents, hist, cond, uncond, args: dict, steps: int, guidance_scale: float,
                 stepped):
        """Segment ``r``'s frames decoded ([1, 3, 4k + 1, H, W] in [-1, 1]) from its noise ``latents``, its first
        latent frames held at ``hist`` (the segment before's last frames, encoded) at every step."""
        tr, device = self.transformer, latents.device
        self.scheduler.set_timesteps(steps, device=device)
        for i, t in enumerate(self.scheduler.timesteps):
            if hist is not None:
                latents[:, :, :hist.shape[2]] = hist
            ts = t.expand(1).to(device)
            pred = tr(latents, ts, cond, **args)[0]
            if uncond is not None and guidance_scale > 1.0:
                pred_u = tr(latents, ts, uncond, **args)[0]
                pred = pred_u + guidance_scale * (pred - pred_u)
            latents = self.scheduler.step(pred, t, latents, return_dict=False)[0]
            if stepped is not None:
                latents = stepped(r, i, t, latents)
        if hist is not None:
            latents[:, :, :hist.shape[2]] = hist
        return self.decode(latents)
