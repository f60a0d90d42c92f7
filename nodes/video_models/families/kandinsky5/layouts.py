"""Kandinsky 5's single DiT files as diffusers' ``Kandinsky5Transformer3DModel`` reads them. The
release's names (ai-forever/Kandinsky-5, kandinsky/models/dit.py and nn.py) are diffusers' own, so
a file saved by ComfyUI differs only by its prefix; diffusers has no single-file converter for the
class, so this is Studio's (the signature of diffusers' ``checkpoint_mapping_fn``; shapes only or real
tensors, nothing copied)."""
from __future__ import annotations

PREFIXES = ("model.diffusion_model.", "diffusion_model.", "model.")  # ComfyUI's, as it saves a model


def convert_transformer(checkpoint: dict, **kwargs) -> dict:
    names = list(checkpoint)
    n = next((len(p) for p in PREFIXES if names and all(k.startswith(p) for k in names)), 0)
    return {k[n:]: v for k, v in checkpoint.items()} if n else dict(checkpoint)


CONVERTERS = {"Kandinsky5Transformer3DModel": convert_transformer}
