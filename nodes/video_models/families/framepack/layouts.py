"""Framepack's single DiT file as diffusers' ``HunyuanVideoFramepackTransformer3DModel`` reads it. The
released weights (lllyasviel's FramePackI2V_HY) are in diffusers' names, and kijai's
ComfyUI-FramePackWrapper saves them as one file in the same names (FramePackI2V_HY_bf16,
_fp8_e4m3fn); diffusers 0.42.1 has no single-file converter for the class, so this is Studio's: a
ComfyUI prefix, where a file carries one, removed (the signature of diffusers' ``checkpoint_mapping_fn``;
shapes only or real tensors, nothing copied)."""
from __future__ import annotations

PREFIXES = ("model.diffusion_model.", "diffusion_model.")  # ComfyUI's, as it saves a model


def convert_transformer(checkpoint: dict, **kwargs) -> dict:
    names = list(checkpoint)
    n = next((len(p) for p in PREFIXES if names and all(k.startswith(p) for k in names)), 0)
    return {k[n:]: v for k, v in checkpoint.items()} if n else dict(checkpoint)


CONVERTERS = {"HunyuanVideoFramepackTransformer3DModel": convert_transformer}
