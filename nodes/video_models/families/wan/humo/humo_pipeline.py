"""HuMo's sampling as a diffusers pipeline: WanPipeline's components (T5, VAE, scheduler, the Wan
denoiser of a HuMo file) and its prompt encoding, latents and decode, with the release's
conditioning and guidance (Phantom-video/HuMo@17094e9 ``humo/generate.py``, ``Generator.inference``,
``forward_tia``, ``forward_ta``, ``load_image_latent_ref_id``):

- the reference image fitted into the frame (aspect kept, LANCZOS, white margins), encoded by the VAE
  and put as one latent frame after the take's; its 20 condition channels (humo.condition) beside the
  noise, the take's frames holding the latents of a blank video (the release loads them encoded, as
  ``zero_vae_*.pt``; here the VAE encodes the blank of the take's length);
- each latent frame's window of the voice's features (humo.audio_windows), a window of zeros for the
  reference's frame; "no audio" is the windows all zero, as the release passes them;
- per step, the predictions humo.passes names, combined by humo.guided (text scale 5.0, audio 5.5, step
  change at timestep 980: the release's generate.yaml); 'off': one prediction with text, image and audio
  (for distilled LoRAs run at cfg 1, as ComfyUI's HuMo template runs them);
- the last latent frame (the reference's) dropped before the decode;
- a take to rework (``video``, ``strength`` below 1: Studio's, for a refine pass of another model's take, as
  ComfyUI workflows sample HuMo on a take's encoded frames): its frames encoded and noised to the step the last
  ``int(steps * strength)`` steps start from (HumoPipeline.reworked).

The release's negative prompt (humo_node.NEGATIVE) is the node's default; the pipeline takes what it is given."""
from __future__ import annotations

import numpy as np
import torch
from PIL import Image, ImageOps

from . import humo
from ..latents import denormalised, normalised
from ..wrapped import WrappedPipeline

GUIDANCE = ("release", "off")


def fitted(image, width: int, height: int) -> np.ndarray:
    """load_image_latent_ref_id's fit: the image scaled to fit (LANCZOS), centred on white; [H, W, 3] in [0, 1]."""
    img = image if isinstance(image, Image.Image) else Image.fromarray(
        (np.clip(np.asarray(image, np.float32)[..., :3], 0, 1) * 255).round().astype(np.uint8))
    img = img.convert("RGB")
    if img.width / img.height > width / height:
        size = (width, int(width / (img.width / img.height)))
    else:
        size = (int(height * (img.width / img.height)), height)
    img = img.resize(size, Image.Resampling.LANCZOS)
    dw, dh = width - img.width, height - img.height
    img = ImageOps.expand(img, (dw // 2, dh // 2, dw - dw // 2, dh - dh // 2), fill=(255, 255, 255))
    return np.asarray(img, np.float32) / 255.0


class HumoPipeline(WrappedPipeline):
    """A WanPipeline (``pipe``: its components, prompt encoding, latents, LoRA loading, offload hooks: every
    attribute not here is the pipeline's) sampled as HuMo samples (see the module's docstring)."""

    def _encoded(self, video: torch.Tensor, device) -> torch.Tensor:
        """[1, 3, T, H, W] in [-1, 1] -> the VAE's normalised latents (the mean, as the release's encode)."""
        from diffusers.pipelines.wan.pipeline_wan_i2v import retrieve_latents
        vae = self.vae
        return normalised(vae, retrieve_latents(vae.encode(video.to(device, vae.dtype)), sample_mode="argmax").float())

    def conditions(self, image, height: int, width: int, num_frames: int, device):
        """(y_c or None, y_null): the condition channels with and without the reference image."""
        blank = torch.zeros(1, 3, num_frames + 4, height, width)  # one latent frame more: the reference's
        zero = self._encoded(blank, device)
        ref = None
        if image is not None:
            px = torch.from_numpy(fitted(image, width, height)).permute(2, 0, 1)[None, :, None] * 2 - 1
            ref = self._encoded(px, device)
        return (humo.condition(zero, ref) if ref is not None else None), humo.condition(zero, None)

    @staticmethod
    def windows(audio_embeds, num_frames: int) -> torch.Tensor:
        """[1, F + 1, 8, 5, C]: the voice's windows a latent frame, zeros for the reference's frame."""
        w = humo.audio_windows(torch.as_tensor(audio_embeds).float(), num_frames)
        return torch.cat([w, torch.zeros_like(w[:1])])[None]

    def reworked(self, video, noise: torch.Tensor, cond: torch.Tensor, strength: float, height: int, width: int,
                 num_frames: int, device) -> tuple[int, torch.Tensor]:
        """A take to rework (video to video): (the first step, the latents it starts from). The last
        ``int(steps * strength)`` steps are run (diffusers' img2img rule); the take's first ``num_frames`` frames,
        scaled to the size, encoded (the mean) with the reference's latent frame of ``cond`` after them, noised to
        that step's sigma as flow matching noises: ``(1 - sigma) x + sigma noise``."""
        n = len(self.scheduler.timesteps)
        begin = n - min(n, max(1, int(n * strength)))
        frames = []
        for f in list(video)[:num_frames]:
            img = Image.fromarray((np.clip(np.asarray(f, np.float32)[..., :3], 0, 1) * 255).round().astype(np.uint8))
            if img.size != (width, height):
                img = img.resize((width, height), Image.Resampling.LANCZOS)
            frames.append(np.asarray(img, np.float32) / 255.0)
        px = torch.from_numpy(np.stack(frames)).permute(3, 0, 1, 2)[None] * 2 - 1
        x = self._encoded(px, device)
        x = torch.cat([x, cond[:, 4:, -1:].to(x)], dim=2)
        sigma = float(self.scheduler.sigmas[begin])
        return begin, (1 - sigma) * x + sigma * noise.to(x)

    @torch.no_grad()
    def __call__(self, prompt=None, negative_prompt=None, image=None, audio_embeds=None, humo_audio=None,
                 height: int = 480, width: int = 832, num_frames: int = 97, num_inference_steps: int = 50,
                 scale_t: float = 5.0, scale_a: float = 5.5, step_change: float = 980.0, guidance: str = "release",
                 generator=None, latents=None, prompt_embeds=None, negative_prompt_embeds=None, output_type="np",
                 return_dict: bool = True, callback_on_step_end=None, callback_on_step_end_tensor_inputs=("latents",),
                 max_sequence_length: int = 512, guidance_scale=None, video=None, strength: float = 1.0):
        device = self._execution_device
        tr = self.transformer
        dtype = tr.dtype
        # what WanPipeline's properties say during a call (the sampler's step callback reads num_timesteps)
        self.guidance_scale = 1.0 if guidance == "off" else scale_t
        self.interrupt, self.attention_kwargs, self.current_timestep = False, None, None
        pos, neg = self.encode_prompt(prompt, negative_prompt, guidance != "off", 1, prompt_embeds,
                                      negative_prompt_embeds, max_sequence_length, device)
        pos = pos.to(dtype)
        neg = neg.to(dtype) if neg is not None else None
        y_c, y_null = self.conditions(image, height, width, num_frames, device)
        audio = self.windows(audio_embeds, num_frames).to(device)
        silent = torch.zeros_like(audio)
        latents = self.prepare_latents(1, self.vae.config.z_dim, height, width, num_frames + 4, torch.float32, device,
                                       generator, latents)
        self.scheduler.set_timesteps(num_inference_steps, device=device)
        timesteps, begin = self.scheduler.timesteps, 0
        if video is not None and strength < 1:  # a take reworked: its frames noised part way, the last steps run
            begin, latents = self.reworked(video, latents, y_c if y_c is not None else y_null, strength, height,
                                           width, num_frames, device)
            timesteps = timesteps[begin:]
        self.num_timesteps = len(timesteps)
        self.scheduler.set_begin_index(begin)
        with humo.audio_applied(tr, humo_audio) as applied:
            for i, t in enumerate(timesteps):
                self.current_timestep = t
                x = latents.to(dtype)
                names = passes(image is not None, float(t), step_change, guidance)
                out = {}
                for name in names:
                    applied.set(audio if "a" in name else silent)
                    y = y_c if "i" in name and y_c is not None else y_null
                    with tr.cache_context(name, step_index=i, sigma=float(self.scheduler.sigmas[begin + i]),
                                          num_inference_steps=len(timesteps)):  # a step cache's calls, as Wan's
                        out[name] = tr(hidden_states=torch.cat([x, y.to(dtype)], dim=1), timestep=t.expand(1),
                                       encoder_hidden_states=pos if "t" in name else neg, return_dict=False)[0]
                noise = out[names[0]] if guidance == "off" else humo.guided(out, scale_t, scale_a, float(t), step_change)
                latents = self.scheduler.step(noise, t, latents, return_dict=False)[0]
                if callback_on_step_end is not None:  # the take's frames (the reference's frame kept apart)
                    got = callback_on_step_end(self, i, t, {"latents": latents[:, :, :-1]})
                    if got.get("latents") is not None:
                        latents = torch.cat([got["latents"], latents[:, :, -1:]], dim=2)
        self.current_timestep = None
        latents = latents[:, :, :-1]
        if output_type == "latent":
            video = latents
        else:
            vae = self.vae
            video = self.video_processor.postprocess_video(vae.decode(denormalised(vae, latents), return_dict=False)[0],
                                                           output_type=output_type)
        self.pipe.maybe_free_model_hooks()
        from diffusers.pipelines.wan.pipeline_output import WanPipelineOutput
        return WanPipelineOutput(frames=video) if return_dict else (video,)


def passes(image: bool, t: float, step_change: float, guidance: str) -> tuple[str, ...]:
    if guidance == "off":
        return ("tia",) if image else ("ta",)
    return humo.passes(image, t, step_change)
