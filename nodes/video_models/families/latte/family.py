"""Latte (Vchitect's Latte-1), diffusers' ``LattePipeline`` (pipelines/latte/pipeline_latte.py in diffusers
0.42.1): a LatteTransformer3DModel (spatial and temporal blocks alternating, PixArt-alpha's caption
projection), an image VAE (AutoencoderKL: frames decoded one by one), T5-XXL, a DDIM-like scheduler. Text to
video of exactly its transformer's ``video_length`` frames (16: a temporal position table of that size is
added to every call's tokens), so a call is always 16 frames and the clip is cut to the frames asked (longer
clips in windows of 16). Its call names the frame count ``video_length`` (read by the generic sampler's
filter_kwargs). Read as a diffusers folder: ComfyUI has no Latte nodes."""
from __future__ import annotations

from ...base.capabilities import Cost
from ...base.capabilities import PreviewLayout, SingleFile, folder_image_vae_lacks
from ...base.family import Family

PIPELINE = "LattePipeline"
IMAGE_VAE = "its VAE is an image model's (frames decoded one by one in chunks, decode_chunk_size)"
FOLDER = "Latte is read as a diffusers folder (ComfyUI has no Latte nodes, so no single files of it to read)"

FAMILY = Family(
    "latte", "Latte", (PIPELINE,), t2v=PIPELINE, frames=16, fixed_frames=16, frame_multiple=(16, 0),
    size_multiple=8, fps=8.0, key_rank=200, part_titles=(("T5-XXL", "T5-XXL (Latte)"),),
    has=(SingleFile(refusal=FOLDER), PreviewLayout(video_vae=False),
         Cost(frame_vaes=("AutoencoderKL",))),  # an image VAE: a latent frame a frame
    lacks=folder_image_vae_lacks(FOLDER, "T5 with its attention mask, PixArt-alpha's caption cleaning", IMAGE_VAE),
    not_built=(("image to video", "Latte's release is text to video only (LattePipeline)"),
               ("frame interpolation, video prediction", "trained by Latte's authors (LatteT2V variants) but not in "
                                                         "diffusers 0.42.1")),
    variants=(("Latte", lambda idx, cfg: True),))
