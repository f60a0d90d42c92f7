"""Kandinsky 6's DiT config from its file's shapes, for its part files with no diffusers folder
(pipeline.py), and where its audio VAE file is found.

The shapes (diffusers' names, layouts.py) give the widths of both branches (video and sound), their time,
text and pooled-text widths, feed-forwards, head sizes, block counts, the visual condition and the token
types. What they do not give is the release's data (ComfyUI's comfy/ldm/kandinsky6/core_contract.py
DIT_CONFIG and GENERATION_DEFAULTS; diffusers' Kandinsky6Transformer3DModel docstring: "released
checkpoints set text_token_padding, ca_rope, cross_gates and fix_modulation"): patches of 1 x 2 x 2, each
head's rotary split a quarter and three eighths twice (32, 48, 48 of 128) in both branches, the sound's
rotary frequencies scaled by 0.144, the video positions by 1, 2, 2, and the flow-matching scheduler at
shift 5 (SCHEDULER_DEFAULTS' scheduler_scale)."""
from __future__ import annotations

from ...base.errors import ModelError
from ...files import part_configs as pc

PATCH = (1, 2, 2)
SHIFT = 5.0
RELEASE = {"audio_freqs_scaling": 0.144, "scale_factor": [1.0, 2.0, 2.0], "text_token_padding": True,
           "ca_rope": True, "cross_gates": True, "fix_modulation": True}
ASSUMED = ("patches of 1 x 2 x 2, each head's rotary split a quarter and three eighths twice, the sound's rotary "
           f"frequencies scaled by {RELEASE['audio_freqs_scaling']}, the released blocks' cross gates and fixed "
           f"modulation, the flow-matching scheduler at shift {SHIFT}")


def _split(head: int) -> list[int]:
    return [head // 4, 3 * head // 8, 3 * head // 8]


def transformer_config(shapes: dict, path: str) -> dict:
    """A Kandinsky6Transformer3DModel's config from its shapes (diffusers' names); the rest is the
    release's (RELEASE, ASSUMED)."""
    def dim(name, i, what):
        return pc.shape_dim(shapes, name, i, what, path)
    blk = "visual_transformer_blocks.0."
    model_dim, vis_in = dim("visual_embeddings.in_layer.weight", 0, "width"), dim("visual_embeddings.in_layer.weight",
                                                                                  1, "input")
    out = dim("out_layer.out_layer.weight", 0, "output")
    head = dim("video_text_transformer_blocks.0.attn.query_norm.weight", 0, "head size")
    head_a = dim("audio_text_transformer_blocks.0.attn.query_norm.weight", 0, "sound head size")
    patches = PATCH[0] * PATCH[1] * PATCH[2]
    visual, out = vis_in // patches, out // patches
    cond = visual == 2 * out + 1  # the latents, the condition latents and their mask
    if vis_in % patches or head % 8 or head_a % 8 or model_dim % head or not (cond or visual == out):
        raise ModelError(f"'{path}' is a Kandinsky 6 DiT {model_dim} wide with heads of {head} values, input {vis_in} "
                         f"and output {out * patches}: not the released models' patches (1 x 2 x 2), heads and one "
                         "output a latent (a distilled DiT's several grids are not read from a file alone); set "
                         "'base' to its diffusers folder")
    cfg = {"in_visual_dim": out, "out_visual_dim": out, "patch_size": list(PATCH),
           "in_text_dim": dim("video_text_embeddings.in_layer.weight", 1, "text width"),
           "in_text_dim2": dim("video_pooled_text_embeddings.in_layer.weight", 1, "pooled text width"),
           "time_dim": dim("video_time_embeddings.timestep_embedder.linear_1.weight", 0, "time width"),
           "model_dim": model_dim, "ff_dim": dim(blk + "video_dec_block.feed_forward.net.0.proj.weight", 0,
                                                 "feed-forward width"),
           "num_text_blocks": pc.count(shapes, "video_text_transformer_blocks.", path),
           "num_visual_blocks": pc.count(shapes, "visual_transformer_blocks.", path),
           "axes_dims": _split(head), "visual_cond": cond,
           "in_audio_dim": dim("audio_embeddings.in_layer.weight", 1, "sound input"),
           "out_audio_dim": dim("audio_out_layer.out_layer.weight", 0, "sound output"),
           "model_dim_a": dim("audio_embeddings.in_layer.weight", 0, "sound width"),
           "time_dim_a": dim("audio_time_embeddings.timestep_embedder.linear_1.weight", 0, "sound time width"),
           "ff_dim_a": dim(blk + "audio_dec_block.feed_forward.net.0.proj.weight", 0, "sound feed-forward width"),
           "axes_dims_a": _split(head_a),
           "visual_token_type_num_embeddings": int((shapes.get("visual_token_type_embeddings.weight") or (0,))[0])}
    return {**cfg, **RELEASE}


def audio_file(vae: str | None, den: str) -> str | None:
    """The one Kandinsky 6 audio VAE file (``*audio*vae*.safetensors``, told by its names) beside the
    video VAE, else beside the DiT; None when there is none (the picture is made without sound)."""
    from ...files.headers import safetensors_keys
    from ...files.parts import one_audio_vae_beside
    from .audio_file import is_audio_file
    return one_audio_vae_beside((vae, den), "Kandinsky 6", lambda p: is_audio_file(safetensors_keys(p)))
