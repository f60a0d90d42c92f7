"""Wan Dancer's sampling as a diffusers pipeline: WanImageToVideoPipeline's components (T5, CLIP, VAE,
scheduler, the Wan denoiser of a Wan Dancer file) and its prompt and image encoding, with the release's
conditioning (modelscope/DiffSynth-Studio@fed7b18 ``diffsynth/pipelines/wan_video.py``:
``WanVideoUnit_WanToDance_ImageKeyframesEmbedder``, ``..._RefImageEmbedder``, ``model_fn_wan_video``):

- the keyframes as one video (black, -1 after scaling, where no keyframe is) encoded by the VAE, beside
  four mask channels: 1 at the keyframes' frames, the first frame's repeated four times, four frames a
  latent frame (:func:`keyframe_mask`); the first keyframe's CLIP tokens with the text, the reference
  image's CLIP tokens (both images resized to the take's size first, then squashed to CLIP's square as the
  release does: :func:`clip_tokens`) as the image tokens;
- the music's features (dancer.music_features) through the model's music encoder into each step
  (dancer_hooks.dancer_applied), the same for both calls; guidance ``uncond + g (cond - uncond)``
  (cfg_scale), the negative call of the global model (a frame rate other than 30) without block 9;
- the global model's take decoded one latent frame at a time (``framewise_decoding``): its latent
  frames are keyframes, not a continuous clip.

The caller gives what the release reads from files as arrays (keyframes, the reference, the music's
features). Not a subclass: diffusers is imported only when a model runs (node discovery imports this)."""
from __future__ import annotations

import contextlib

import numpy as np
import torch

from . import dancer
from .dancer_hooks import dancer_applied, skipping
from ..latents import denormalised, normalised
from ..wrapped import WrappedPipeline


def keyframe_mask(mask, height: int, width: int) -> torch.Tensor:
    """[4, (T - 1) / 4 + 1, H/8, W/8]: 1 where a keyframe is (the release's ``msk``)."""
    m = torch.as_tensor(np.asarray(mask, np.float32)).view(1, -1, 1, 1).expand(1, -1, height // 8, width // 8)
    m = torch.cat([m[:, :1].repeat(1, 4, 1, 1), m[:, 1:]], dim=1)
    return m.view(1, m.shape[1] // 4, 4, height // 8, width // 8).transpose(1, 2)[0]


def _pil(img: np.ndarray, width: int, height: int):
    from PIL import Image
    a = (np.clip(np.asarray(img, np.float32)[..., :3], 0, 1) * 255).round().astype(np.uint8)
    return Image.fromarray(a).resize((width, height), Image.Resampling.BICUBIC)


def clip_tokens(pipe, img, device) -> torch.Tensor:
    """The image's CLIP ViT-H tokens as the release makes them (DiffSynth-Studio@fed7b18
    ``diffsynth/models/wan_video_image_encoder.py`` ``WanImageEncoder.encode_image``): the whole frame
    squashed to the encoder's square by bicubic interpolation (no crop: diffusers' CLIPImageProcessor
    crops the short side's square), CLIP's mean and std, the tokens before the last layer (its
    ``use_31_block``: transformers' ``hidden_states[-2]``, as diffusers' Wan ``encode_image``)."""
    import torch.nn.functional as F
    enc = pipe.image_encoder
    side = int(enc.config.image_size)
    x = torch.from_numpy(np.asarray(img, np.float32) / 255.0).permute(2, 0, 1)[None]
    # bicubic weights sum to 1: squashing [0, 1] pixels equals squashing the release's [-1, 1] then x 0.5 + 0.5
    x = F.interpolate(x, size=(side, side), mode="bicubic", align_corners=False)
    proc = getattr(pipe, "image_processor", None)
    mean = torch.tensor(getattr(proc, "image_mean", None) or CLIP_MEAN).view(1, 3, 1, 1)
    std = torch.tensor(getattr(proc, "image_std", None) or CLIP_STD).view(1, 3, 1, 1)
    x = ((x - mean) / std).to(device, enc.dtype)
    return enc(pixel_values=x, output_hidden_states=True).hidden_states[-2]


CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)  # OpenAI CLIP's (the release's transforms)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)


def segment_slots(n_keys: int, seg_len: int, n_segments: int) -> list[list[tuple[int, int]]]:
    """For each segment, (frame in the segment, keyframe index) of the keyframes placed in it: the keyframes
    spread evenly over all the segments' frames (``n_segments x seg_len / n_keys`` apart, each at the ceiling
    of its position), each segment's last frame holding the keyframe the next segment starts with. The
    meaning of ComfyUI's WanDancerPadKeyframes (comfy_extras/nodes_wandancer.py), written from its rule."""
    if n_keys <= 0 or n_segments <= 0:
        return [[] for _ in range(max(n_segments, 0))]
    interval = n_segments * seg_len / n_keys
    last = seg_len - 1
    count = 0
    while count * interval < last - interval:
        count += 1
    out = []
    for s in range(n_segments):
        first = s * count
        slots = [(int(np.ceil(interval * c)), first + c) for c in range(count)] + [(last, first + count)]
        out.append([(p, i) for p, i in slots if i < n_keys and p < seg_len])
    return out


class DancerPipeline(WrappedPipeline):
    """A WanImageToVideoPipeline (``pipe``: every attribute not here is the pipeline's) sampled as Wan Dancer
    samples (the module's docstring)."""

    def condition(self, keyframes: np.ndarray, mask, height: int, width: int, device) -> torch.Tensor:
        """[1, 20, f, H/8, W/8]: the mask channels and the keyframes' video's latents (the VAE's mean)."""
        from diffusers.pipelines.wan.pipeline_wan_i2v import retrieve_latents
        vae = self.vae
        frames = [np.asarray(_pil(k, width, height), np.float32) / 255.0 for k in keyframes]
        video = torch.from_numpy(np.stack(frames)).permute(3, 0, 1, 2)[None] * 2 - 1
        z = retrieve_latents(vae.encode(video.to(device, vae.dtype)), sample_mode="argmax").float()
        return torch.cat([keyframe_mask(mask, height, width)[None].to(z), normalised(vae, z)], dim=1)

    def decode(self, latents: torch.Tensor, framewise: bool) -> torch.Tensor:
        vae = self.vae
        z = denormalised(vae, latents)
        if not framewise:
            return vae.decode(z, return_dict=False)[0]
        return torch.cat([vae.decode(z[:, :, i:i + 1], return_dict=False)[0] for i in range(z.shape[2])], dim=2)

    @torch.no_grad()
    def __call__(self, prompt=None, negative_prompt=None, keyframes=None, keyframes_mask=None, reference=None,
                 music=None, fps: float = 30.0, dancer_parts=None, height: int = 1280, width: int = 720,
                 num_frames: int = 149, num_inference_steps: int = 24, guidance_scale: float = 5.0,
                 framewise: bool = False, generator=None, latents=None, prompt_embeds=None,
                 negative_prompt_embeds=None, output_type="np", return_dict: bool = True, callback_on_step_end=None,
                 callback_on_step_end_tensor_inputs=("latents",), max_sequence_length: int = 512):
        from diffusers.utils.torch_utils import randn_tensor
        device = self._execution_device
        tr = self.transformer
        dtype = tr.dtype
        cfg = guidance_scale > 1.0
        self.guidance_scale = guidance_scale
        self.interrupt, self.attention_kwargs, self.current_timestep = False, None, None
        pos, neg = self.encode_prompt(prompt, negative_prompt, cfg, 1, prompt_embeds, negative_prompt_embeds,
                                      max_sequence_length, device)
        pos, neg = pos.to(dtype), (neg.to(dtype) if neg is not None else None)
        clip_first = clip_tokens(self, _pil(keyframes[0], width, height), device).to(dtype)
        clip_ref = clip_tokens(self, _pil(reference, width, height), device).to(dtype)
        y = self.condition(keyframes, keyframes_mask, height, width, device).to(dtype)
        f = (num_frames - 1) // 4 + 1
        shape = (1, self.vae.config.z_dim, f, height // 8, width // 8)
        latents = randn_tensor(shape, generator=generator, device=device, dtype=torch.float32) if latents is None \
            else latents.to(device, torch.float32)
        self.scheduler.set_timesteps(num_inference_steps, device=device)
        timesteps = self.scheduler.timesteps
        self.num_timesteps = len(timesteps)
        glob = int(fps + 0.5) != dancer.BASE_FPS
        music_t = torch.as_tensor(np.asarray(music, np.float32))[None].to(device)
        with dancer_applied(tr, dancer_parts, music_t, clip_ref, fps):
            for i, t in enumerate(timesteps):
                self.current_timestep = t
                x = torch.cat([latents.to(dtype), y], dim=1)
                noise = tr(hidden_states=x, timestep=t.expand(1), encoder_hidden_states=pos,
                           encoder_hidden_states_image=clip_first, return_dict=False)[0]
                if cfg:
                    with skipping(tr, dancer_parts.skip_block) if glob else contextlib.nullcontext():
                        un = tr(hidden_states=x, timestep=t.expand(1), encoder_hidden_states=neg,
                                encoder_hidden_states_image=clip_first, return_dict=False)[0]
                    noise = un + guidance_scale * (noise - un)
                latents = self.scheduler.step(noise, t, latents, return_dict=False)[0]
                if callback_on_step_end is not None:
                    got = callback_on_step_end(self, i, t, {"latents": latents})
                    latents = got.get("latents", latents)
        self.current_timestep = None
        if output_type == "latent":
            video = latents
        else:
            video = self.video_processor.postprocess_video(self.decode(latents, framewise), output_type=output_type)
        self.pipe.maybe_free_model_hooks()
        from diffusers.pipelines.wan.pipeline_output import WanPipelineOutput
        return WanPipelineOutput(frames=video) if return_dict else (video,)

