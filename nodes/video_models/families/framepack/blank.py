"""Framepack's text to video as FramePack's T2V ComfyUI nodes make it (left25; heldout114 04): dorpxam's
ComfyUI-FramePack-F1-T2V (nodes/framepack_sampler_node.py at 8d563da, Apache-2.0, read for behaviour; from tdrussell's
T2V change to kijai's ComfyUI-FramePackWrapper) samples with no start picture: its start latent is zeros (``T2V empty
latent``: one latent frame of zeros, the history's first and every section's first clean latent) and the packed
transformer is given no image embedding (``image_embeddings=None``: no image tokens before the text's). diffusers'
HunyuanVideoFramepackPipeline (0.42.1) takes an image always: it encodes it with its VAE (``prepare_image_latents``)
and SigLIP (``encode_image``). For a call with no image both are answered here for the call: the start latent zeros,
the image embedding none (zero tokens: its transformer's image projection then adds none, as the packed model without
one), so the picture the call is handed (black) is read by nothing. Nothing of the pack is copied: two of the
pipeline's own seams, as timed.py uses them."""
from __future__ import annotations


def install(pipe):
    """The pipeline's start latent and image embedding for calls with no start picture (FramePack's T2V); a function
    taking them off."""
    import torch

    def latents(image, dtype=None, device=None, generator=None, latents=None):
        s = pipe.vae_scale_factor_spatial
        shape = (image.shape[0], pipe.transformer.config.in_channels, 1, image.shape[-2] // s, image.shape[-1] // s)
        return torch.zeros(shape, dtype=dtype or torch.float32, device=device or pipe.transformer.device)

    def embeds(image, device=None, dtype=None):
        width = pipe.transformer.config.image_proj_dim  # (the SigLIP width its projection takes)
        return torch.zeros((image.shape[0], 0, width), dtype=dtype or pipe.transformer.dtype,
                           device=device or pipe.transformer.device)
    pipe.prepare_image_latents, pipe.encode_image = latents, embeds
    return lambda: [pipe.__dict__.pop(k, None) for k in ("prepare_image_latents", "encode_image")]
