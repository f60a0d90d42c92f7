"""SteadyDancerPipeline: SteadyDancer's sampling as a diffusers pipeline of diffusers' components (UMT5 text
encoder, AutoencoderKLWan, CLIP ViT-H vision, a flow UniPC scheduler) and ``WanSteadyDancerTransformer3DModel``.

After MCG-NJU/SteadyDancer at 866a7219e74923d9486ab611cd981b15e5d959e5 (Apache-2.0), ``wan/image2video_dancer.py``
(``WanI2VDancer.generate``) and ``generate_dancer.py`` (its defaults):

- the reference image is VAE-encoded as the first frame of a clip of black frames, its 4 mask channels ones on
  the first latent frame only (Wan 2.1 I2V's conditioning); alone, as ``ref_x`` (its latents, 4 mask channels of
  ones, its latents again); CLIP vision reads it;
- the pose video's frames are VAE-encoded (the pose latents, no mask channels); its first frame alone is
  ``ref_c`` and CLIP vision reads it too;
- an optional negative pose video (the release's ``cond_neg_folder``: its pose drawn with augmentation) is
  encoded the same way and guides the steps whose fraction of the schedule lies strictly between
  ``condition_start`` and ``condition_end`` (0.1 and 0.4): the prediction gains ``condition_guidance_scale`` x
  (cond - the prediction with the negative pose);
- guidance: the unconditional pass has the negative prompt and the same conditioning.

One take of 4k + 1 frames (a pose video of another length has its last frame repeated up to one, the extra cut
after), decoded once."""
from __future__ import annotations

import functools

import torch

from ..wan.latents import decoded, encoded, padded, padded_length


@functools.cache
def pipeline_class():
    """SteadyDancerPipeline: ``SteadyDancerSampling``'s methods on diffusers' DiffusionPipeline, its prompts encoded
    by WanPipeline's encode_prompt and its images by WanImageToVideoPipeline's encode_image; Wan's LoRAs loaded by
    diffusers' WanLoraLoaderMixin onto its Wan blocks."""
    from ..wan.own_pipeline import i2v_pipeline_class
    return i2v_pipeline_class("SteadyDancerPipeline", SteadyDancerSampling, __name__)


def __getattr__(name: str):
    if name == "SteadyDancerPipeline":
        return pipeline_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def first_frame_mask(latent_frames: int, h: int, w: int) -> torch.Tensor:
    """[1, 4, latent_frames, h, w]: ones on the first latent frame (the reference), zeros after
    (image2video_dancer.py ``msk``: the first pixel frame repeated 4 times, every 4 frames stacked)."""
    m = torch.zeros(1, 4, latent_frames, h, w)
    m[:, :, 0] = 1.0
    return m


def condition_steps(steps: int, start: float, end: float) -> list[bool]:
    """Which steps the negative pose guides: those whose index / steps lies strictly between ``start`` and ``end``
    (image2video_dancer.py: ``idx / len(timesteps) > st_cond_cfg and < end_cond_cfg``)."""
    return [start < i / steps < end for i in range(steps)]


class SteadyDancerSampling:
    """A reference image animated by a pose video, its first frame the reference (the methods of
    SteadyDancerPipeline, pipeline_class)."""

    def encode(self, pixels: torch.Tensor) -> torch.Tensor:
        """[B, 3, T, H, W] in [-1, 1] -> normalised latents (the VAE's mean)."""
        return encoded(self.vae, pixels)

    def decode(self, latents: torch.Tensor) -> torch.Tensor:
        return decoded(self.vae, latents)

    def clip_states(self, image: torch.Tensor, device, dtype):
        """CLIP vision's penultimate states of ``image`` [3, H, W] in [-1, 1], or None without an image encoder."""
        if self.image_encoder is None:
            return None
        from PIL import Image
        arr = ((image.permute(1, 2, 0).float().cpu().numpy() + 1) * 127.5).clip(0, 255).round()
        return self.encode_image(Image.fromarray(arr.astype("uint8")), device).to(dtype)

    def conditioning(self, reference, pose, negative_pose, frames: int, device, dtype) -> dict:
        """The denoiser's conditioning (model.py forward's arguments) and the negative pose's latents."""
        _, _, _, hgt, wid = pose.shape
        still = torch.cat([reference[:, :, None], reference.new_full((1, 3, frames - 1, hgt, wid), -1.0)], dim=2)
        lat = self.encode(still)
        f, h, w = lat.shape[2:]
        image_latents = torch.cat([first_frame_mask(f, h, w).to(lat), lat], dim=1)
        ref = self.encode(reference[:, :, None])
        ref_x = torch.cat([ref, torch.ones_like(ref[:, :4]), ref], dim=1)
        condition = self.encode(pose)
        ref_c = self.encode(pose[:, :, :1])
        args = dict(image_latents=image_latents, condition=condition, ref_x=ref_x, ref_c=ref_c,
                    encoder_hidden_states_image=self.clip_states(reference[0], device, dtype),
                    pose_image_embeds=self.clip_states(pose[0, :, 0], device, dtype))
        args = {k: (v.to(device, dtype) if v is not None else None) for k, v in args.items()}
        negative = self.encode(negative_pose).to(device, dtype) if negative_pose is not None else None
        return {"args": args, "negative": negative}

    def steps_in_call(self, kwargs: dict) -> int:
        return int(kwargs.get("num_inference_steps") or 50)

    def frames_per_decode(self, kwargs: dict) -> int:
        n = kwargs.get("num_frames") or kwargs["pose"].shape[2]
        return padded_length(int(n))

    @torch.no_grad()
    def __call__(self, reference: torch.Tensor, pose: torch.Tensor, negative_pose: torch.Tensor | None = None,
                 prompt: str | None = None, negative_prompt: str | None = None, num_inference_steps: int = 50,
                 guidance_scale: float = 5.0, condition_guidance_scale: float = 1.5, condition_start: float = 0.1,
                 condition_end: float = 0.4, pose_strength_spatial: float = 1.0, pose_strength_temporal: float = 1.0,
                 generator: torch.Generator | None = None, prompt_embeds=None,
                 negative_prompt_embeds=None, max_sequence_length: int = 512, callback_on_step_end=None,
                 callback_on_step_end_tensor_inputs=("latents",), num_frames: int | None = None,
                 height: int | None = None, width: int | None = None, output_type: str = "pt", take=None):
        """``reference`` [1, 3, H, W] and ``pose`` [1, 3, N, H, W] (the pose video: drawn skeletons) in [-1, 1] (H, W
        multiples of 16; ``height`` and ``width``, where given, are said of them); ``negative_pose`` the same as
        ``pose`` (N frames) or None. Returns the frames [1, 3, N, H, W] in [-1, 1]; with ``take``
        (families/wan/own_take.py: the Sampler's call) they go into the take's buffer and its output is returned.
        ``pose_strength_spatial`` / ``_temporal`` scale the pose's two refinements (kijai's WanVideoWrapper's; 1: the
        release). ``callback_on_step_end(pipe, step, t, {"latents": ...})`` after each step."""
        from ..wan.own_pipeline import prompt_states
        from ..wan.own_take import one_take_returned
        if take is not None:
            take.begin()
        if output_type == "latent":
            raise ValueError("SteadyDancerPipeline decodes its take: no 'latent' output")
        if (height or pose.shape[-2]) != pose.shape[-2] or (width or pose.shape[-1]) != pose.shape[-1] or \
                tuple(reference.shape[-2:]) != tuple(pose.shape[-2:]):
            raise ValueError(f"the reference is {reference.shape[-1]}x{reference.shape[-2]} and the pose video "
                             f"{pose.shape[-1]}x{pose.shape[-2]}: both must be {width}x{height}")
        if negative_pose is not None and tuple(negative_pose.shape) != tuple(pose.shape):
            raise ValueError(f"the negative pose video is {tuple(negative_pose.shape)}, the pose video "
                             f"{tuple(pose.shape)}: they must match")
        tr = self.transformer
        device = self._execution_device
        count = pose.shape[2]
        n = padded_length(count)
        pose = padded(pose, n)
        negative_pose = padded(negative_pose, n) if negative_pose is not None else None
        do_cfg = guidance_scale > 1.0
        dtype = tr.dtype
        cond, uncond = prompt_states(self, prompt, negative_prompt, do_cfg, prompt_embeds, negative_prompt_embeds,
                                     max_sequence_length, device, dtype)
        made = take.load(0) if take is not None else None  # an earlier run's, kept: not sampled again
        if made is None:
            c = self.conditioning(reference, pose, negative_pose, n, device, dtype)
            args, negative = c["args"], c["negative"]
            args.update(pose_strength_spatial=pose_strength_spatial, pose_strength_temporal=pose_strength_temporal)
            f, h, w = args["condition"].shape[2:]
            latents = torch.randn((1, tr.config.out_channels, f, h, w), generator=generator,
                                  device=torch.device("cpu"), dtype=torch.float32).to(device, dtype)
            self.scheduler.set_timesteps(num_inference_steps, device=device)
            guided = condition_steps(len(self.scheduler.timesteps), condition_start, condition_end)
            for i, t in enumerate(self.scheduler.timesteps):
                ts = t.expand(1).to(device)
                pred = tr(latents, ts, cond, return_dict=False, **args)[0]
                out = pred
                if do_cfg and uncond is not None:
                    pred_u = tr(latents, ts, uncond, return_dict=False, **args)[0]
                    out = pred_u + guidance_scale * (pred - pred_u)
                if negative is not None and guided[i]:
                    pred_n = tr(latents, ts, cond, return_dict=False, **{**args, "condition": negative})[0]
                    out = out + condition_guidance_scale * (pred - pred_n)
                latents = self.scheduler.step(out, t, latents, return_dict=False)[0]
                if callback_on_step_end is not None:
                    outputs = callback_on_step_end(self, i, t, {"latents": latents})
                    latents = outputs.pop("latents", latents)
            made = self.decode(latents)[:, :, :count].float().cpu()
            if take is not None:
                take.keep(0, made)
        return one_take_returned(self, made, take)
