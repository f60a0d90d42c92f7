"""Kandinsky 6's DiT files as diffusers' ``Kandinsky6Transformer3DModel`` reads them. Two layouts are
saved: diffusers' own names, and the release's native ones that ComfyUI loads (comfy/ldm/kandinsky6:
``visual_blocks.N.videoT`` / ``audioT``, ``audio_outLayer``, the time embeddings' ``in_layer`` /
``out_layer``, feed-forwards' ``in_layer`` / ``out_layer``, the text blocks' ``self_attention``), under
ComfyUI's ``model.diffusion_model.`` prefix or bare. The two hold the same tensors at the same shapes,
so reading a native file is a renaming of its keys, written here from the two sets of names (diffusers
has no single-file converter for the class). The signature is diffusers' ``checkpoint_mapping_fn``'s;
shapes only or real tensors, nothing copied."""
from __future__ import annotations

from ..kandinsky5.layouts import convert_transformer as strip_prefix

# native top-level names -> diffusers' (the rest of the top names are the same in both)
TOPS = (("visual_blocks.", "visual_transformer_blocks."), ("audio_outLayer.", "audio_out_layer."))
# names inside a block, native -> diffusers'
BLOCKS = ((".videoT.", ".video_dec_block."), (".audioT.", ".audio_dec_block."),
          (".feed_forward.in_layer.", ".feed_forward.net.0.proj."), (".feed_forward.out_layer.", ".feed_forward.net.2."))
TIME = (("in_layer.", "timestep_embedder.linear_1."), ("out_layer.", "timestep_embedder.linear_2."))


def diffusers_name(key: str) -> str:
    """One native key under diffusers' name; a key already in diffusers' names comes back as it was."""
    for native, theirs in TOPS:
        if key.startswith(native):
            key = theirs + key[len(native):]
            break
    top, _, rest = key.partition(".")
    if top.endswith("time_embeddings"):  # video_, audio_ (the picture-and-sound DiT), bare (the SR DiT)
        for native, theirs in TIME:
            if rest.startswith(native):
                return f"{top}.{theirs}{rest[len(native):]}"
        return key
    for native, theirs in BLOCKS:
        key = key.replace(native, theirs)
    if top.endswith("text_transformer_blocks"):  # the text blocks' attention is 'attn' in diffusers
        key = key.replace(".self_attention.", ".attn.")
    return key


def is_native(keys) -> bool:
    """Whether a file's keys (its prefix removed) are the native layout's."""
    return any(k.startswith(TOPS[0][0]) or k.startswith(TOPS[1][0]) for k in keys)


def convert_transformer(checkpoint: dict, **kwargs) -> dict:
    """ComfyUI's prefix removed, then a native file's keys under diffusers' names."""
    state = strip_prefix(checkpoint)
    return {diffusers_name(k): v for k, v in state.items()} if is_native(state) else state
