"""WanPusaPipeline: Pusa V1's sampling (a Wan text-to-video model with the Pusa LoRA, a timestep for each latent
frame) as diffusers' WanPipeline with a loop of its own, its components the loaded Wan model's (Wan 2.1 T2V 14B;
Wan 2.2 T2V A14B's two experts, split at the pipeline's ``boundary_ratio`` as WanPipeline splits them).

After Yaofang-Liu/Pusa-VidGen at 8a8c4f523a0cadb94ab7c9f1e0620a4847b92991 (Apache-2.0),
``PusaV1/diffsynth/pipelines/wan_video_pusa_multi_frames.py`` and ``wan_video_pusa_v2v.py`` (``__call__``):
conditioning pictures are VAE-encoded (one picture: one latent frame; a clip: its latent frames) and set into the
noise at their latent frames; each step gives the model a timestep per frame (schedule.py), the conditioning
frames' scaled by their noise multipliers (0: kept clean, given the model as clean); the Euler step moves each frame
by its own sigmas. Why a loop of its own: diffusers' WanPipeline gives every frame the same timestep, and its
TI2V path (``expand_timesteps``) keeps only the first frame, clean, for the 5B's 48-channel latents; the denoiser
is diffusers' WanTransformer3DModel as it is (its forward takes a timestep per token, ``timestep.ndim == 2``).

One take, decoded once; the conditioning frames come out as the model made them (near the pictures, not pasted)."""
from __future__ import annotations

import functools

import torch

from ..latents import decoded, encoded, padded_length
from . import schedule


@functools.cache
def pipeline_class():
    """WanPusaPipeline: :class:`PusaSampling`'s ``__call__`` on diffusers' WanPipeline (its components, its
    encode_prompt, its LoRA loading), made when first asked for."""
    from ..own_pipeline import t2v_pipeline_class
    return t2v_pipeline_class("WanPusaPipeline", PusaSampling, __name__)


def __getattr__(name: str):
    if name == "WanPusaPipeline":
        return pipeline_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class PusaSampling:
    """Pusa V1: a video from a prompt with pictures kept at latent frames (a start frame, an end frame, a clip's
    last frames to extend), each with its noise multiplier (the methods of WanPusaPipeline, pipeline_class)."""

    def encode(self, pixels: torch.Tensor) -> torch.Tensor:
        """[1, 3, T, H, W] in [-1, 1] -> normalised latents (the VAE's mean)."""
        return encoded(self.vae, pixels)

    def decode(self, latents: torch.Tensor) -> torch.Tensor:
        return decoded(self.vae, latents)

    def steps_in_call(self, kwargs: dict) -> int:
        return int(kwargs.get("num_inference_steps") or 10)

    def frames_per_decode(self, kwargs: dict) -> int:
        return padded_length(int(kwargs.get("num_frames") or 81))

    def expert(self, sigma: float):
        """The denoiser for a step of ``sigma``: Wan 2.2 A14B's high-noise expert at or above the boundary, its
        low-noise one below (WanPipeline's rule), else the one."""
        ratio = getattr(self.config, "boundary_ratio", None)
        if self.transformer_2 is None or ratio is None:
            return self.transformer if self.transformer is not None else self.transformer_2
        return self.transformer if sigma * 1000.0 >= ratio * 1000.0 else self.transformer_2

    @torch.no_grad()
    def __call__(self, prompt: str | None = None, negative_prompt: str | None = None,
                 conditions: list | None = None, num_frames: int = 81, height: int = 480, width: int = 832,
                 num_inference_steps: int = 10, guidance_scale: float = 1.0, guidance_scale_2: float | None = None,
                 shift: float = 5.0,
                 noisy_steps: int = 1, generator: torch.Generator | None = None, prompt_embeds=None,
                 negative_prompt_embeds=None, max_sequence_length: int = 512, callback_on_step_end=None,
                 callback_on_step_end_tensor_inputs=("latents",), output_type: str = "pt", take=None):
        """``conditions``: ``(latent_index, pixels, noise)`` each, ``pixels`` [1, 3, T, H, W] in [-1, 1] (a picture:
        T 1; a clip: its latent frames from ``latent_index`` on), ``noise`` its multiplier or a list, one a latent
        frame (a shorter list's last value repeated). ``guidance_scale_2``: the low-noise expert's (Wan 2.2 A14B; None:
        ``guidance_scale``), as WanPipeline's. ``noisy_steps``: the steps before which a conditioning frame
        with a multiplier above 0 is noised to its sigma (the release's 1; kijai's WanVideoWrapper's -1: every
        step). Returns the frames [1, 3, num_frames, H, W] in [-1, 1]; with ``take`` (families/wan/own_take.py)
        they go into the take's buffer and its output is returned."""
        from ..own_pipeline import prompt_states
        from ..own_take import one_take_returned
        if take is not None:
            take.begin()
        if output_type == "latent":
            raise ValueError("WanPusaPipeline decodes its take: no 'latent' output")
        tr = self.transformer if self.transformer is not None else self.transformer_2
        device = self._execution_device
        n = padded_length(int(num_frames))
        scale_2 = guidance_scale if guidance_scale_2 is None else guidance_scale_2
        do_cfg = guidance_scale > 1.0 or (self.transformer_2 is not None and scale_2 > 1.0)
        dtype = tr.dtype
        cond, uncond = prompt_states(self, prompt, negative_prompt, do_cfg, prompt_embeds, negative_prompt_embeds,
                                     max_sequence_length, device, dtype)
        made = take.load(0) if take is not None else None  # an earlier run's, kept: not sampled again
        if made is None:
            sf = self.vae_scale_factor_spatial
            f, h, w = (n - 1) // self.vae_scale_factor_temporal + 1, height // sf, width // sf
            noise = torch.randn((1, tr.config.in_channels, f, h, w), generator=generator,
                                device=torch.device("cpu"), dtype=torch.float32)
            latents = noise.clone()
            kept: dict[int, float] = {}
            for index, pixels, mult in conditions or ():
                z = self.encode(pixels).float().cpu()
                values = mult if isinstance(mult, (list, tuple)) else [mult]
                for j in range(z.shape[2]):
                    if 0 <= index + j < f:
                        latents[:, :, index + j] = z[:, :, j]
                        kept[index + j] = float(values[min(j, len(values) - 1)]) if values else 0.0
            m = schedule.multipliers(f, kept)
            sig = schedule.sigmas(int(num_inference_steps), float(shift))
            latents = latents.to(device, dtype)
            tokens = h // tr.config.patch_size[1] * (w // tr.config.patch_size[2])
            many = noisy_steps if noisy_steps >= 0 else len(sig) - 1
            for i in range(len(sig) - 1):
                s, s_next = float(sig[i]), float(sig[i + 1])
                if i < many:
                    fresh = noise if i == 0 else torch.randn(noise.shape, generator=generator, dtype=torch.float32)
                    for k, v in kept.items():
                        if v > 0:
                            latents[:, :, k] = schedule.noised(latents[:, :, k], fresh[:, :, k].to(device), s, v)
                ts = schedule.frame_timesteps(s, m).to(device, torch.float32)
                ts = ts.repeat_interleave(tokens)[None]  # [1, frames x tokens a frame]: diffusers' per-token form
                model = self.expert(s)
                scale = guidance_scale if model is self.transformer else scale_2
                pred = model(latents, ts, cond, return_dict=False)[0]
                if scale > 1.0 and uncond is not None:
                    pred_u = model(latents, ts, uncond, return_dict=False)[0]
                    pred = pred_u + scale * (pred - pred_u)
                latents = schedule.step(latents, pred, s, s_next, m)
                if callback_on_step_end is not None:
                    outputs = callback_on_step_end(self, i, torch.tensor(s * 1000.0), {"latents": latents})
                    latents = outputs.pop("latents", latents)
            made = self.decode(latents)[:, :, :int(num_frames)].float().cpu()
            if take is not None:
                take.keep(0, made)
        return one_take_returned(self, made, take)
