"""ReCamMasterPipeline: ReCamMaster's sampling as a diffusers pipeline of diffusers' components (UMT5 text encoder,
AutoencoderKLWan, a flow UniPC scheduler) and ``WanReCamMasterTransformer3DModel``.

After KwaiVGI/ReCamMaster at 39c0dc2e7b0469789216adedfd0d220325633866 (MIT),
``diffsynth/pipelines/wan_video_recammaster.py`` (``WanVideoReCamMasterPipeline.__call__``): the source clip is
VAE-encoded (its latents, clean, given at every step after the noisy ones); the camera ([latent frames, 12]:
cameras.py) goes to every block; the prediction is read for the noisy frames; guidance: the negative prompt's
pass has the same source and camera. The release samples with its flow-matching Euler at shift 5; Studio's
sampler setting chooses (flow UniPC at the release's shift by default, as Studio's other Wan models).

One take of 4k + 1 frames (a source clip of another length has its last frame repeated up to one, the extra cut
after), decoded once."""
from __future__ import annotations

import functools

import torch

from ..wan.latents import decoded, encoded, padded, padded_length


@functools.cache
def pipeline_class():
    """ReCamMasterPipeline: ``ReCamMasterSampling``'s methods on diffusers' WanPipeline (its components, its
    encode_prompt, its LoRA loading)."""
    from ..wan.own_pipeline import t2v_pipeline_class
    return t2v_pipeline_class("ReCamMasterPipeline", ReCamMasterSampling, __name__)


def __getattr__(name: str):
    if name == "ReCamMasterPipeline":
        return pipeline_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class ReCamMasterSampling:
    """A source clip re-shot along a camera path (the methods of ReCamMasterPipeline, pipeline_class)."""

    def steps_in_call(self, kwargs: dict) -> int:
        return int(kwargs.get("num_inference_steps") or 50)

    def frames_per_decode(self, kwargs: dict) -> int:
        n = kwargs.get("num_frames") or kwargs["source"].shape[2]
        return padded_length(int(n))

    @torch.no_grad()
    def __call__(self, source: torch.Tensor, camera: torch.Tensor, prompt: str | None = None,
                 negative_prompt: str | None = None, num_inference_steps: int = 50, guidance_scale: float = 5.0,
                 generator: torch.Generator | None = None, prompt_embeds=None, negative_prompt_embeds=None,
                 max_sequence_length: int = 512, callback_on_step_end=None,
                 callback_on_step_end_tensor_inputs=("latents",), num_frames: int | None = None,
                 height: int | None = None, width: int | None = None, output_type: str = "pt", take=None, **_):
        """``source`` [1, 3, N, H, W] in [-1, 1] (H, W multiples of 16; ``height`` and ``width``, where given, are
        said of it); ``camera`` [latent frames of 4k + 1 >= N frames, 12] (cameras.py). Returns the frames
        [1, 3, N, H, W] in [-1, 1]; with ``take`` (families/wan/own_take.py: the Sampler's call) they go into the
        take's buffer and its output is returned. ``callback_on_step_end(pipe, step, t, {"latents": ...})`` after
        each step."""
        from ..wan.own_pipeline import prompt_states
        from ..wan.own_take import one_take_returned
        if take is not None:
            take.begin()
        if output_type == "latent":
            raise ValueError("ReCamMasterPipeline decodes its take: no 'latent' output")
        if (height or source.shape[-2]) != source.shape[-2] or (width or source.shape[-1]) != source.shape[-1]:
            raise ValueError(f"the source clip is {source.shape[-1]}x{source.shape[-2]}: it must be {width}x{height}")
        tr = self.transformer
        device = self._execution_device
        count = source.shape[2]
        n = padded_length(count)
        latent_frames = (n - 1) // 4 + 1
        camera = torch.as_tensor(camera, dtype=torch.float32)
        if camera.dim() != 2 or camera.shape[0] != latent_frames:
            raise ValueError(f"the camera is {tuple(camera.shape)}: a take of {n} frames reads [{latent_frames}, 12]")
        do_cfg = guidance_scale > 1.0
        dtype = tr.dtype
        cond, uncond = prompt_states(self, prompt, negative_prompt, do_cfg, prompt_embeds, negative_prompt_embeds,
                                     max_sequence_length, device, dtype)
        made = take.load(0) if take is not None else None  # an earlier run's, kept: not sampled again
        if made is None:
            src = encoded(self.vae, padded(source, n)).to(device, dtype)
            args = {"source_latents": src, "camera": camera[None].to(device, dtype)}
            latents = torch.randn(tuple(src.shape), generator=generator, device=torch.device("cpu"),
                                  dtype=torch.float32).to(device, dtype)
            self.scheduler.set_timesteps(num_inference_steps, device=device)
            for i, t in enumerate(self.scheduler.timesteps):
                ts = t.expand(1).to(device)
                out = tr(latents, ts, cond, return_dict=False, **args)[0]
                if do_cfg and uncond is not None:
                    pred_u = tr(latents, ts, uncond, return_dict=False, **args)[0]
                    out = pred_u + guidance_scale * (out - pred_u)
                latents = self.scheduler.step(out, t, latents, return_dict=False)[0]
                if callback_on_step_end is not None:
                    outputs = callback_on_step_end(self, i, t, {"latents": latents})
                    latents = outputs.pop("latents", latents)
            made = decoded(self.vae, latents)[:, :, :count].float().cpu()
            if take is not None:
                take.keep(0, made)
        return one_take_returned(self, made, take)
