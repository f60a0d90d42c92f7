"""ModelScope text to video (Alibaba DAMO's damo-vilab/text-to-video-ms-1.7b, and the zeroscope fine-tunes
in its layout), diffusers' ``TextToVideoSDPipeline`` and ``VideoToVideoSDPipeline``
(pipelines/deprecated/text_to_video_synthesis in diffusers 0.42.1): a UNet3DConditionModel over Stable
Diffusion's image VAE (AutoencoderKL) and CLIP text encoder. Text to video by the generic Text to Video, video
to video (the clip noised by 'strength', denoised toward the prompt) by the generic Video to Video; their
calls take no step callback, so Studio's per-step work runs after each scheduler step
(sampling/call_adapters.py). Read as a diffusers folder: ComfyUI has no ModelScope nodes."""
from __future__ import annotations

from ...base.capabilities import Cost
from ...base.capabilities import PreviewLayout, SingleFile, folder_image_vae_lacks
from ...base.family import Family

T2V, V2V = "TextToVideoSDPipeline", "VideoToVideoSDPipeline"
IMAGE_VAE = "its VAE is Stable Diffusion's image VAE (frames decoded one by one)"
FOLDER = ("ModelScope text to video is read as a diffusers folder (ComfyUI has no ModelScope nodes, so no single "
          "files of it to read)")

FAMILY = Family(
    "modelscope_t2v", "ModelScope T2V", (T2V, V2V), t2v=T2V, v2v=V2V, denoiser="unet", frames=16, size_multiple=8,
    fps=8.0, key_rank=200, part_titles=(("CLIP-H text", "CLIP-H text (ModelScope T2V)"),),
    has=(SingleFile(refusal=FOLDER), PreviewLayout(video_vae=False),
         Cost(frame_vaes=("AutoencoderKL",))),  # an image VAE: a latent frame a frame
    lacks=folder_image_vae_lacks(FOLDER, "Stable Diffusion's CLIP", IMAGE_VAE),
    not_built=(("image to video", "ModelScope's release has no image-to-video pipeline in diffusers 0.42.1"),),
    variants=(("ModelScope", lambda idx, cfg: True),))
