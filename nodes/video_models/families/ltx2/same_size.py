"""LTX-2 Latent Upscale at 'scale' x1: LTX-2.3's same-size middle pass (the three-pass workflows of 2026: a
first pass, a pass sampling the take again at its own size from given sigmas, then the x2 upscale and refine).

No upsampler: each window's frames are encoded by the LTX-2 model's VAE as diffusers' LTX2LatentUpsamplePipeline
encodes them (its ``prepare_latents``: the frames preprocessed to the clip's size, the latent distribution sampled
with the window's generator, left unnormalised) and given to the refine pass (refine.py) as the upsampled latents
are at x2: renoised to the first sigma and denoised at the take's size.

The start picture (the node's 'image'), where given, is put in place again on the first window's first latent
frame before the pass, as ComfyUI's LTXVImgToVideoInplace does (the picture brought to the latent's size, encoded
by the VAE, the latent's first frame replaced; a picture of another shape cut to the latent's shape about its centre
first, as its bilinear 'center' upscale does): the pass then runs in diffusers' LTX2ImageToVideoPipeline, whose
5-D latents path keeps that first latent frame clean (its conditioning mask, "two stages generation"), which is
ComfyUI's noise mask at strength 1. The picture is not compressed (LTXVPreprocess's CRF is not applied here)."""
from __future__ import annotations

import numpy as np


class SameSizeEncode:
    """Stands in for LTX2LatentUpsamplePipeline at x1 (the same call, through ChainSteps.once): a window's frames ->
    its VAE latents ``[1, C, F, h, w]`` (float32, unnormalised), nothing upsampled."""

    def __init__(self, vae):
        from diffusers.video_processor import VideoProcessor
        self.vae = vae
        self.processor = VideoProcessor(vae_scale_factor=vae.spatial_compression_ratio)

    def __call__(self, video, height: int, width: int, generator=None, latents=None, **_unused):
        import torch
        if latents is not None:  # the take's own latents (take_latent.py): nothing encoded
            return (latents.to(torch.float32),)
        from diffusers.pipelines.ltx2.pipeline_ltx2_latent_upsample import retrieve_latents
        clip = self.processor.preprocess_video(video, height=height, width=width)
        clip = clip.to(device=self.vae.device, dtype=self.vae.dtype)
        latents = torch.cat([retrieve_latents(self.vae.encode(v.unsqueeze(0)), generator) for v in clip], dim=0)
        return (latents.to(torch.float32),)

    def picture(self, image, height: int, width: int):
        """The start picture's latent ``[1, C, 1, h, w]`` (unnormalised): cut to the shape of ``width`` x ``height`` about
        its centre and resized to it (LTXVImgToVideoInplace's), encoded, the distribution's mode (diffusers'
        image-to-video pipeline's 'argmax')."""
        import cv2
        import torch
        from diffusers.pipelines.ltx2.pipeline_ltx2_latent_upsample import retrieve_latents
        img = np.asarray(image.frame(0) if hasattr(image, "frame") else image, np.float32)
        img = img[..., None].repeat(3, -1) if img.ndim == 2 else img[..., :3]
        if img.shape[:2] != (height, width):
            img = cv2.resize(centre_cut(img, width / height), (width, height), interpolation=cv2.INTER_LINEAR)
        pic = self.processor.preprocess_video([np.ascontiguousarray(np.clip(img, 0, 1))], height=height, width=width)
        pic = pic.to(device=self.vae.device, dtype=self.vae.dtype)
        return retrieve_latents(self.vae.encode(pic), None, "argmax").to(torch.float32)


def centre_cut(img: np.ndarray, aspect: float) -> np.ndarray:
    """``img`` [h, w, c] cut about its centre to width / height ``aspect``."""
    h, w = img.shape[:2]
    if w / h > aspect:
        keep = max(1, round(h * aspect))
        return img[:, (w - keep) // 2:(w - keep) // 2 + keep]
    keep = max(1, round(w / aspect))
    return img[(h - keep) // 2:(h - keep) // 2 + keep]


def placed(latents, picture):
    """``latents`` with their first latent frame replaced by the start picture's (LTXVImgToVideoInplace)."""
    out = latents.clone()
    out[:, :, :1] = picture.to(device=out.device, dtype=out.dtype)
    return out
