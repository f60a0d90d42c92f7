"""PhantomPipeline: Phantom-Wan's subject-to-video sampling on a Wan 2.1 text-to-video model's own components
(diffusers' WanPipeline: UMT5, AutoencoderKLWan, WanTransformer3DModel, its flow scheduler), its ``__call__``
Studio's own.

After Phantom-video/Phantom (Apache-2.0), ``phantom_wan/subject2video.py`` (``Phantom_Wan_S2V.generate``,
``get_vae_latents``) and ``generate.py`` (``load_ref_images``, the defaults), read as kept at
kungfuai/CVlization@53998fdaaccc37f0f91bab33a1eb50d3457717a5
(examples/generative/video_generation/phantom/; the release's own repository snapshot here holds only its
project page):

- the weights are a Wan 2.1 T2V model's (the release builds its plain ``WanModel`` and loads the Phantom
  checkpoint into it: no module of its own), so diffusers' WanTransformer3DModel runs them as they are;
- each reference picture (fitted inside the take's size, padded white: node.py) is VAE-encoded alone, one
  latent frame each, and the references' latent frames follow the video's: the noise has F + R latent frames;
- at every step the last R frames of what the denoiser reads are the references' clean latents (not noised),
  at the same timestep as the video's frames;
- three predictions: prompt + references, negative prompt + references, negative prompt + references of
  zeros; ``neg + image_guidance x (refs - neg) + guidance x (prompt_refs - refs)`` (the release's
  ``guide_scale_img`` 5 and ``guide_scale_text`` 7.5; kijai's WanVideoWrapper names the first
  ``phantom_cfg_scale``). The formula is a sum of the three with weights ``1 - gi``, ``gi - gt`` and ``gt``: a pass
  whose weight is 0 is not made (guidance 1 and image guidance 1: the one prompt + references pass);
- the scheduler steps all F + R frames; the R reference frames are cut off before the decode.

Why not diffusers' WanPipeline's own call: it has no frames that stay clean beside the noised ones and one
classifier-free guidance, not Phantom's three-way guidance."""
from __future__ import annotations

import functools

import torch

from ..latents import decoded, encoded, padded_length

TEMPORAL = 4  # pixel frames a latent frame holds (Wan's VAE), the first alone


@functools.cache
def pipeline_class():
    """PhantomPipeline: :class:`PhantomSampling`'s methods on diffusers' WanPipeline (its components, its
    encode_prompt, its LoRA loading), made when first asked for (diffusers imported then)."""
    from ..own_pipeline import t2v_pipeline_class
    return t2v_pipeline_class("PhantomPipeline", PhantomSampling, __name__)


def __getattr__(name: str):
    if name == "PhantomPipeline":
        return pipeline_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def weights(guidance: float, image_guidance: float) -> tuple[float, float, float]:
    """The weights of (prompt + references, negative prompt + references, negative prompt + zero references) in
    the release's ``neg + gi (refs - neg) + gt (prompt_refs - refs)``."""
    return guidance, image_guidance - guidance, 1.0 - image_guidance


class PhantomSampling:
    """Subject to video: a prompt and 1-4 reference pictures of its subjects, by Phantom-Wan (the methods of
    PhantomPipeline, :func:`pipeline_class`)."""

    def encode_references(self, references: list[torch.Tensor]) -> torch.Tensor:
        """Each [1, 3, H, W] picture in [-1, 1] encoded alone (the VAE's mean, normalised): [1, C, R, h, w]."""
        return torch.cat([encoded(self.vae, ref[:, :, None]) for ref in references], dim=2)

    def decode(self, latents: torch.Tensor) -> torch.Tensor:
        return decoded(self.vae, latents)

    def steps_in_call(self, kwargs: dict) -> int:
        return int(kwargs.get("num_inference_steps") or 50)

    def frames_per_decode(self, kwargs: dict) -> int:
        return padded_length(int(kwargs.get("num_frames") or 81))

    @torch.no_grad()
    def __call__(self, references: list[torch.Tensor], prompt: str | None = None, negative_prompt: str | None = None,
                 num_frames: int = 81, height: int | None = None, width: int | None = None,
                 num_inference_steps: int = 50, guidance_scale: float = 7.5, image_guidance_scale: float = 5.0,
                 generator: torch.Generator | None = None, prompt_embeds=None, negative_prompt_embeds=None,
                 max_sequence_length: int = 512, callback_on_step_end=None,
                 callback_on_step_end_tensor_inputs=("latents",), output_type: str = "pt", take=None):
        """``references``: 1-4 pictures [1, 3, H, W] in [-1, 1], each of the take's size (H, W multiples of 16;
        ``height`` and ``width``, where given, are said of them). Returns the frames [1, 3, num_frames, H, W] in
        [-1, 1]: made as 4k + 1 and cut back; with ``take`` (../own_take.py: the Sampler's call) they go into the
        take's buffer and its output is returned. ``callback_on_step_end(pipe, step, t, {"latents": ...})`` after
        each step, the latents the video's frames only."""
        from ..own_pipeline import prompt_states
        from ..own_take import one_take_returned
        if take is not None:
            take.begin()
        if output_type == "latent":
            raise ValueError("PhantomPipeline decodes its take: no 'latent' output")
        if not references:
            raise ValueError("Phantom needs at least one reference picture")
        hgt, wid = references[0].shape[-2:]
        if any(tuple(r.shape[-2:]) != (hgt, wid) for r in references) or (height or hgt) != hgt \
                or (width or wid) != wid:
            raise ValueError(f"the reference pictures must all be {width or wid}x{height or hgt}, the take's size")
        tr = self.transformer
        device = self._execution_device
        count = int(num_frames)
        n = padded_length(count)
        w_pr, w_r, w_0 = weights(float(guidance_scale), float(image_guidance_scale))
        need_neg = w_r != 0.0 or w_0 != 0.0
        dtype = tr.dtype
        cond, uncond = prompt_states(self, prompt, negative_prompt, need_neg, prompt_embeds, negative_prompt_embeds,
                                     max_sequence_length, device, dtype)
        made = take.load(0) if take is not None else None  # an earlier run's, kept: not sampled again
        if made is None:
            refs = self.encode_references(references).to(device, torch.float32)
            r = refs.shape[2]
            zeros = torch.zeros_like(refs)
            f = (n - 1) // TEMPORAL + 1
            latents = torch.randn((1, tr.config.out_channels, f + r, *refs.shape[-2:]), generator=generator,
                                  device=torch.device("cpu"), dtype=torch.float32).to(device)
            self.scheduler.set_timesteps(num_inference_steps, device=device)
            for i, t in enumerate(self.scheduler.timesteps):
                ts = t.expand(1).to(device)
                video = latents[:, :, :f]

                def pred(with_refs, text):
                    x = torch.cat([video, with_refs], dim=2).to(dtype)
                    return tr(x, ts, text, return_dict=False)[0].float()
                out = w_pr * pred(refs, cond)
                if w_r != 0.0:
                    out = out + w_r * pred(refs, uncond)
                if w_0 != 0.0:
                    out = out + w_0 * pred(zeros, uncond)
                latents = self.scheduler.step(out, t, latents, return_dict=False)[0]
                if callback_on_step_end is not None:
                    got = callback_on_step_end(self, i, t, {"latents": latents[:, :, :f]})
                    if "latents" in got:
                        latents = torch.cat([got["latents"].to(latents), latents[:, :, f:]], dim=2)
            made = self.decode(latents[:, :, :f])[:, :, :count].float().cpu()
            if take is not None:
                take.keep(0, made)
        return one_take_returned(self, made, take)
