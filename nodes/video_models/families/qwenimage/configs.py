"""Qwen-Image's configs read from its files' shapes, with the release's values where no shape says them.

The DiT (diffusers' QwenImageTransformer2DModel, whose names ComfyUI's file keeps): its patches' input from the
picture embedder, its output, layers, heads' width from the query norm, heads, the text width from the text
projection, guidance embedding where the file has one; the release's (Qwen/Qwen-Image transformer/config.json):
patches of 2 x 2, rotary axes of an eighth and seven sixteenths twice of a head (16, 56, 56 of 128). The scheduler:
the release's scheduler_config.json, flow-matching Euler with a dynamic, exponential time shift (base 0.5, max 0.9,
from 256 to 8192 tokens) ending at 0.02.

The VAE (ComfyUI's qwen_image_vae.safetensors): a Wan 2.1-shaped video VAE in the Wan repository's names, renamed by
diffusers' Wan VAE converter (AutoencoderKLQwenImage has AutoencoderKLWan's tensor names and shapes), its widths read
as Wan's (families/wan/part_configs.wan_vae), its latents' statistics Qwen-Image's own (the class's defaults, the
release's). The text encoder is Qwen2.5-VL 7B, read as HunyuanVideo 1.5 and Kandinsky 5 read it
(files/qwen_parts.py). Plain Python."""
from __future__ import annotations

from ...base.errors import ModelError
from ...files.part_configs import count

PATCH = 2
SCHEDULER = {"num_train_timesteps": 1000, "shift": 1.0, "use_dynamic_shifting": True, "base_shift": 0.5,
             "max_shift": 0.9, "base_image_seq_len": 256, "max_image_seq_len": 8192, "shift_terminal": 0.02,
             "time_shift_type": "exponential"}
ASSUMED = ("patches of 2 x 2, rotary axes 1/8, 7/16, 7/16 of a head, the release's flow-matching scheduler (a dynamic "
           "exponential shift, 0.5 to 0.9, ending at 0.02), Qwen-Image's latent statistics")
GIVE_DIT = "give a Qwen-Image DiT as ComfyUI loads it (diffusion_models/qwen_image_*.safetensors)"
GIVE_VAE = "give Qwen-Image's VAE as ComfyUI loads it (vae/qwen_image_vae.safetensors)"
VAE_KEYS = ("base_dim", "z_dim", "dim_mult", "num_res_blocks", "attn_scales", "temperal_downsample", "dropout")


def _need(shapes: dict, name: str, path: str) -> tuple:
    if name not in shapes:
        raise ModelError(f"'{path}' has no '{name}': {GIVE_DIT}")
    return tuple(shapes[name])


def transformer(shapes: dict, path: str) -> dict:
    """QwenImageTransformer2DModel's config from its shapes (diffusers' names)."""
    width, into = _need(shapes, "img_in.weight", path)
    head = _need(shapes, "transformer_blocks.0.attn.norm_q.weight", path)[0]
    out = _need(shapes, "proj_out.weight", path)[0]
    if head % 16 or width % head or out % (PATCH * PATCH):
        raise ModelError(f"'{path}' is a Qwen-Image DiT {width} wide with heads of {head} values and an output of "
                         f"{out}: not in the release's patches of {PATCH} x {PATCH} and rotary split: {GIVE_DIT}")
    return {"patch_size": PATCH, "in_channels": into, "out_channels": out // (PATCH * PATCH),
            "num_layers": count(shapes, "transformer_blocks.", path), "attention_head_dim": head,
            "num_attention_heads": width // head, "joint_attention_dim": _need(shapes, "txt_in.weight", path)[1],
            "guidance_embeds": any(k.startswith("time_text_embed.guidance_embedder.") for k in shapes),
            "axes_dims_rope": (head // 8, 7 * head // 16, 7 * head // 16)}


def vae(wan_cfg: dict, path: str) -> dict:
    """AutoencoderKLQwenImage's config from the Wan-shaped VAE's (wan/part_configs.wan_vae's), its statistics the
    class's own (Qwen-Image's)."""
    if wan_cfg.get("is_residual") or wan_cfg.get("z_dim") != 16:
        raise ModelError(f"'{path}' is not a Wan 2.1-shaped VAE of 16 latent channels (a Wan 2.2 VAE?): {GIVE_VAE}")
    return {k: wan_cfg[k] for k in VAE_KEYS}
