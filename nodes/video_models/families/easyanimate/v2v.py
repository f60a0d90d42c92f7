"""EasyAnimate's Video to Video: diffusers' EasyAnimateInpaintPipeline (0.42.1, pipelines/easyanimate/
pipeline_easyanimate_inpaint.py) takes a clip (``video``: [B, C, F, H, W] in [0, 1], as its
``get_image_to_video_latent`` makes one) and a ``strength``: with no ``mask_video`` it encodes the clip with its VAE,
noises the latents to the first timestep it keeps (``get_timesteps``: the last ``int(steps * strength)``; its
flow-matching scheduler's ``scale_noise``) and denoises the rest, its InP transformer reading zeros for the mask and
the masked clip (the pipeline's own "no mask" inputs). That is the release's video to video (its predict_v2v: an InP
model, the clip, a denoise strength), so the family's ``pipeline_call`` only gives the generic node's frames as that
tensor; its strength is the pipeline's own. Strength 1: pure noise, the clip ignored.

An InP folder only: the same pipeline given a text-to-video transformer (latent channels in) keeps the encoded clip
at each step by its mask, and with the default flow-matching scheduler fails noising it (``torch.tensor([t], noise)``
in 0.42.1): that folder is refused in words (family.py's refuse_pipeline)."""
from __future__ import annotations


def clip_tensor(frames: list, height: int, width: int):
    """The frames (PIL) as the InP pipeline's ``video``: each resized to ``height`` x ``width`` by diffusers'
    ``preprocess_image`` (in [0, 1]), stacked [1, 3, F, H, W]."""
    import torch
    from diffusers.pipelines.easyanimate.pipeline_easyanimate_inpaint import preprocess_image
    if not frames:
        raise ValueError("Video to Video was given a clip of no frames")
    return torch.stack([preprocess_image(f.convert("RGB"), (height, width)) for f in frames], dim=1).unsqueeze(0)
