"""WanFlowEditPipeline: FlowEdit (edit.py) of a clip on a Wan text-to-video model's own components (diffusers'
WanPipeline: UMT5, AutoencoderKLWan, WanTransformer3DModel; Wan 2.2 T2V A14B's two experts split at the pipeline's
``boundary_ratio`` as WanPipeline splits them), its ``__call__`` Studio's own; on a Wan image-to-video model's
(WanImageToVideoPipeline's) with a start picture, whose condition and CLIP states both predictions are given as
WanImageToVideoPipeline gives them (the wrapper's FlowEdit gives its image embeds to both alike).

The clip is encoded once (the VAE's mean, normalised as WanPipeline's latents), edited on Wan's flow schedule at
``shift`` (its last ``drift_steps`` at ``drift_shift``), decoded once. Each prediction is guided as WanPipeline
guides (``uncond + g (cond - uncond)``; no negative pass at guidance 1): the source's by the source prompt at
``source_guidance_scale``, the target's by the prompt at ``guidance_scale``. The noise is drawn on the latents'
device by a generator seeded once from the call's ``generator``. Why a loop of its own: diffusers' pipelines sample
one latent from noise; FlowEdit moves the clip's latents by the difference of two predictions on two latents."""
from __future__ import annotations

import functools

import torch

from ..latents import decoded, encoded, padded, padded_length
from . import edit


@functools.cache
def pipeline_class():
    """WanFlowEditPipeline: :class:`FlowEditSampling`'s ``__call__`` on diffusers' WanPipeline (its components, its
    encode_prompt, its LoRA loading), made when first asked for."""
    from ..own_pipeline import t2v_pipeline_class
    return t2v_pipeline_class("WanFlowEditPipeline", FlowEditSampling, __name__)


@functools.cache
def i2v_pipeline_class():
    """WanFlowEditI2VPipeline: the same ``__call__`` on diffusers' WanImageToVideoPipeline (a Wan image-to-video
    model's components: its CLIP vision, its ``prepare_latents`` making the start picture's condition)."""
    from diffusers import WanImageToVideoPipeline
    return type("WanFlowEditI2VPipeline", (FlowEditSampling, WanImageToVideoPipeline),
                {"__module__": __name__, "__doc__": FlowEditSampling.__doc__})


def __getattr__(name: str):
    if name == "WanFlowEditPipeline":
        return pipeline_class()
    if name == "WanFlowEditI2VPipeline":
        return i2v_pipeline_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def guided(model, z, ts, cond, uncond, scale: float, condition=None, image_states=None):
    """The velocity of ``model`` at ``z`` guided by ``cond`` against ``uncond`` at ``scale`` (float32); an
    image-to-video denoiser given its start picture's ``condition`` beside ``z`` (channels) and its CLIP
    ``image_states``, as WanImageToVideoPipeline gives them."""
    dtype = model.dtype
    x = (torch.cat([z, condition], dim=1) if condition is not None else z).to(dtype)
    extra = {"encoder_hidden_states_image": image_states} if image_states is not None else {}
    pred = model(x, ts, cond, return_dict=False, **extra)[0].float()
    if uncond is not None and scale != 1.0:
        pred_u = model(x, ts, uncond, return_dict=False, **extra)[0].float()
        pred = pred_u + scale * (pred - pred_u)
    return pred


class FlowEditSampling:
    """FlowEdit of a clip from a source prompt toward a target prompt (the methods of WanFlowEditPipeline,
    pipeline_class)."""

    def encode(self, pixels: torch.Tensor) -> torch.Tensor:
        return encoded(self.vae, pixels)

    def decode(self, latents: torch.Tensor) -> torch.Tensor:
        return decoded(self.vae, latents)

    def steps_in_call(self, kwargs: dict) -> int:
        return int(kwargs.get("num_inference_steps") or 25)

    def frames_per_decode(self, kwargs: dict) -> int:
        return padded_length(int(kwargs.get("num_frames") or 81))

    def expert(self, sigma: float):
        """Wan 2.2 A14B's high-noise expert at or above the boundary, its low-noise one below (WanPipeline's rule),
        else the one denoiser."""
        ratio = getattr(self.config, "boundary_ratio", None)
        if self.transformer_2 is None or ratio is None:
            return self.transformer if self.transformer is not None else self.transformer_2
        return self.transformer if sigma >= ratio else self.transformer_2

    def start_condition(self, image, count: int, height: int, width: int, like: torch.Tensor, device, dtype):
        """(the start picture's condition [1, 4 + C, F, h, w], its CLIP states or None) as WanImageToVideoPipeline
        makes them for ``image`` (a PIL picture) at the take's size and ``count`` frames (4k + 1); (None, None) with
        no picture."""
        if image is None:
            return None, None
        if not hasattr(self, "prepare_latents") or getattr(self, "video_processor", None) is None:
            raise ValueError("a start picture is read by a Wan image-to-video model's pipeline")
        tr = self.transformer if self.transformer is not None else self.transformer_2
        states = self.encode_image(image, device).to(dtype) if tr.config.get("image_dim") else None
        pix = self.video_processor.preprocess(image, height=height, width=width).to(device, torch.float32)
        _, condition = self.prepare_latents(pix, 1, like.shape[1], height, width, count, torch.float32, device, None,
                                            like)[:2]
        return condition, states

    def _prompts(self, prompt, negative, scale, device, dtype, max_len):
        from ..own_pipeline import prompt_states
        return prompt_states(self, prompt, negative, scale != 1.0, None, None, max_len, device, dtype)

    @torch.no_grad()
    def __call__(self, video: torch.Tensor, prompt: str | None = None, negative_prompt: str | None = None,
                 source_prompt: str | None = None, source_negative_prompt: str | None = None,
                 num_frames: int | None = None, height: int | None = None, width: int | None = None,
                 num_inference_steps: int = 25, guidance_scale: float = 6.0, source_guidance_scale: float = 6.0,
                 skip_steps: int = 4, drift_steps: int = 0, shift: float = 5.0, drift_shift: float = 3.0,
                 n_avg: int = 1, image=None, generator: torch.Generator | None = None, max_sequence_length: int = 512,
                 callback_on_step_end=None, callback_on_step_end_tensor_inputs=("latents",),
                 output_type: str = "pt", take=None):
        """``video``: the source clip [1, 3, T, H, W] in [-1, 1] (H, W multiples of 16; ``height``, ``width`` and
        ``num_frames``, where given, are said of it); ``image``: the start picture an image-to-video model reads
        (a PIL picture; its condition and CLIP states given both predictions, as the wrapper's). Returns the edited
        frames [1, 3, T, H, W] in [-1, 1]: made as 4k + 1 (the clip's last frame repeated) and cut back; with ``take`` (../own_take.py) they go into the take's
        buffer and its output is returned. ``callback_on_step_end(pipe, step, t, {"latents": ...})`` after each step
        taken (the skipped ones are not)."""
        from ..own_take import one_take_returned
        if take is not None:
            take.begin()
        if output_type == "latent":
            raise ValueError("WanFlowEditPipeline decodes its take: no 'latent' output")
        count = int(video.shape[2])
        if (num_frames or count) != count or (height or video.shape[-2]) != video.shape[-2] or \
                (width or video.shape[-1]) != video.shape[-1]:
            raise ValueError(f"the clip is {video.shape[-1]}x{video.shape[-2]}, {count} frames; the call asks "
                             f"{width}x{height}, {num_frames} frames")
        tr = self.transformer if self.transformer is not None else self.transformer_2
        device, dtype = self._execution_device, tr.dtype
        tar = self._prompts(prompt, negative_prompt, float(guidance_scale), device, dtype, max_sequence_length)
        src = self._prompts(source_prompt, source_negative_prompt, float(source_guidance_scale), device, dtype,
                            max_sequence_length)
        made = take.load(0) if take is not None else None  # an earlier run's, kept: not sampled again
        if made is None:
            x_src = self.encode(padded(video, padded_length(count))).float().to(device)
            condition, states = self.start_condition(image, padded_length(count), int(video.shape[-2]),
                                                     int(video.shape[-1]), x_src, device, dtype)
            sig = edit.with_drift(edit.sigmas(int(num_inference_steps), float(shift)), int(drift_steps),
                                  float(drift_shift))
            seed = int(torch.randint(0, 2 ** 62, (1,), generator=generator, device=generator.device)) \
                if generator is not None else 0  # (once: the call's seed, read on the host)
            g = torch.Generator(device=device).manual_seed(seed)  # drawn on the latents' device: no host round trip
            steps = [float(s) for s in sig]
            stamps = (sig[:-1] * 1000.0).to(device, torch.float32)  # each step's timestep, on the device once

            def velocity(z, i, which):
                cond, uncond = src if which == edit.SOURCE else tar
                scale = float(source_guidance_scale if which == edit.SOURCE else guidance_scale)
                return guided(self.expert(steps[i]), z, stamps[i:i + 1], cond, uncond, scale, condition, states)

            def noise(i):
                return torch.randn(x_src.shape, generator=g, device=device, dtype=torch.float32)

            def step_done(i, latents):
                if callback_on_step_end is None:
                    return None
                got = callback_on_step_end(self, i, stamps[i], {"latents": latents})
                return got.get("latents", latents)
            out = edit.flow_edit(x_src, sig, int(skip_steps), int(drift_steps), velocity, noise, int(n_avg),
                                 step_done)
            made = self.decode(out)[:, :, :count].float().cpu()
            if take is not None:
                take.keep(0, made)
        return one_take_returned(self, made, take)
