"""I2VGen-XL (Alibaba DAMO's ali-vilab/i2vgen-xl), diffusers' ``I2VGenXLPipeline``
(pipelines/deprecated/i2vgen_xl in diffusers 0.42.1): an I2VGenXLUNet (a 3D UNet that reads the still's CLIP
image embedding and its VAE latents beside the noise), an image VAE (AutoencoderKL), CLIP text and CLIP vision
encoders, DDIM. Image to video, run by the generic Image to Video: the still, the prompt and its negative, the
size, frames and steps; its call takes no step callback, so Studio's per-step work runs after each scheduler
step (sampling/call_adapters.py). Its frame-rate condition (``target_fps``) is the take's rate: the node's 'fps', 16
(the pipeline's own) when 0. Its CLIP skip (always on) reads transformers 4's CLIPTextModel.text_model: given
under transformers 5 at load (loading/clip_text_compat.py). The pipeline samples the still's latents from
torch's global generator, not the call's: the sampler seeds that generator from the call's seed for the call
(sampling/global_noise.py), so a seed repeats its frames exactly. Read as a diffusers folder: ComfyUI has no
I2VGen-XL nodes."""
from __future__ import annotations

from ...base.capabilities import Cost
from ...base.capabilities import PreviewLayout, SingleFile, folder_image_vae_lacks
from ...base.family import Family

PIPELINE = "I2VGenXLPipeline"
IMAGE_VAE = "its VAE is an image model's (frames decoded in chunks, decode_chunk_size)"
FOLDER = "I2VGen-XL is read as a diffusers folder (ComfyUI has no I2VGen-XL nodes, so no single files of it to read)"

FAMILY = Family(
    "i2vgen_xl", "I2VGen-XL", (PIPELINE,), i2v=PIPELINE, denoiser="unet", frames=16, size_multiple=8, fps=16.0,
    fps_arg="target_fps", key_rank=200, part_titles=(("CLIP-H text", "CLIP-H text (I2VGen-XL)"), ("CLIP ViT-H/14", "CLIP ViT-H/14 (I2VGen-XL)")),
    has=(SingleFile(refusal=FOLDER), PreviewLayout(video_vae=False),
         Cost(frame_vaes=("AutoencoderKL",))),  # an image VAE: a latent frame a frame
    lacks=folder_image_vae_lacks(FOLDER, "CLIP with clip_skip", IMAGE_VAE),
    not_built=(("text to video", "I2VGen-XL needs a start image: it has no text-to-video pipeline"),),
    variants=(("I2VGen-XL", lambda idx, cfg: True),))
