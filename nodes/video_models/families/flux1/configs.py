"""FLUX.1's configs read from its files' shapes (Black Forest Labs' names), with the release's own values where no
shape says them: patches of 1 (the pipeline packs 2 x 2 latent pixels itself), the rotary split of a 128-value head
into 16, 56 and 56 (an eighth and seven sixteenths each, kept for other head sizes), feed-forward layers four times
the width (diffusers' FluxTransformerBlock's), a timestep embedding of 256 values; the VAE's latent scaling 0.3611
and shift 0.1159 (black-forest-labs/FLUX.1-dev vae/config.json); the flow-matching scheduler of each release's
scheduler_config.json (dev: resolution-dependent shift 0.5 to 1.15; schnell: shift 1, none). Plain stdlib."""
from __future__ import annotations

from ...base.errors import ModelError
from ...files import part_configs as pc

TIME_CHANNELS = 256  # diffusers' Timesteps(256) before the timestep and guidance embedders (the release's too)
MLP_RATIO = 4  # diffusers' FluxTransformer2DModel builds its blocks at this ratio
VAE_SCALING, VAE_SHIFT, VAE_GROUPS = 0.3611, 0.1159, 32
DEV_SCHEDULER = dict(num_train_timesteps=1000, shift=3.0, use_dynamic_shifting=True, base_shift=0.5, max_shift=1.15,
                     base_image_seq_len=256, max_image_seq_len=4096)
SCHNELL_SCHEDULER = dict(num_train_timesteps=1000, shift=1.0, use_dynamic_shifting=False, base_shift=0.5,
                         max_shift=1.15, base_image_seq_len=256, max_image_seq_len=4096)
GIVE = ("give FLUX.1's diffusion model as ComfyUI loads it (diffusion_models/flux1-dev or flux1-schnell "
        ".safetensors, Black Forest Labs' layout)")


def axes(head: int, path: str) -> tuple[int, int, int]:
    """The rotary split of a head (the release's 16, 56, 56 of 128: an eighth and seven sixteenths each)."""
    split = (head // 8, 7 * head // 16, 7 * head // 16)
    if sum(split) != head or any(a % 2 for a in split):
        raise ModelError(f"'{path}': heads of {head} values do not split into FLUX.1's rotary axes (an eighth and "
                         f"seven sixteenths each, even): {GIVE}")
    return split


def transformer(s: dict, path: str) -> dict:
    """FluxTransformer2DModel's config from the shapes of a FLUX.1 model in Black Forest Labs' names (no prefix)."""
    def dim(name, i, what):
        return pc.shape_dim(s, name, i, what, path)
    inner, latent_in = dim("img_in.weight", 0, "width"), dim("img_in.weight", 1, "input channels")
    head = dim("double_blocks.0.img_attn.norm.query_norm.scale", 0, "head size")
    if inner % head:
        raise ModelError(f"'{path}': a width of {inner} is not a whole number of its {head}-value heads: {GIVE}")
    mlp = dim("double_blocks.0.img_mlp.0.weight", 0, "feed-forward width")
    if mlp != MLP_RATIO * inner or dim("time_in.in_layer.weight", 1, "timestep channels") != TIME_CHANNELS:
        raise ModelError(f"'{path}': feed-forward layers {mlp} wide and timestep channels "
                         f"{dim('time_in.in_layer.weight', 1, 'timestep channels')} are not FLUX.1's (four times the "
                         f"width {inner}, {TIME_CHANNELS}): {GIVE}")
    out = dim("final_layer.linear.weight", 0, "output channels")
    return {"patch_size": 1, "in_channels": latent_in, "out_channels": None if out == latent_in else out,
            "num_layers": pc.count(s, "double_blocks.", path), "num_single_layers": pc.count(s, "single_blocks.", path),
            "attention_head_dim": head, "num_attention_heads": inner // head,
            "joint_attention_dim": dim("txt_in.weight", 1, "text width"),
            "pooled_projection_dim": dim("vector_in.in_layer.weight", 1, "pooled text width"),
            "guidance_embeds": "guidance_in.in_layer.weight" in s, "axes_dims_rope": axes(head, path)}


def vae(v: dict, path: str) -> dict:
    """AutoencoderKL's config from an ldm-layout image VAE's shapes (ae.safetensors: 16 latent channels, no
    quant_conv), with FLUX.1's scaling and shift."""
    levels = pc.count(v, "encoder.down.", path)
    if not levels or "decoder.conv_in.weight" not in v:
        raise ModelError(f"'{path}' holds no image VAE in the ldm layout (encoder.down.*, decoder.conv_in): give "
                         "FLUX.1's VAE, ae.safetensors")
    def dim(name, i, what):
        return pc.shape_dim(v, name, i, what, path)
    return {"in_channels": dim("encoder.conv_in.weight", 1, "input channels"),
            "out_channels": dim("decoder.conv_out.weight", 0, "output channels"),
            "block_out_channels": tuple(dim(f"encoder.down.{i}.block.0.conv2.weight", 0, "width")
                                        for i in range(levels)),
            "layers_per_block": pc.count(v, "encoder.down.0.block.", path),
            "down_block_types": ("DownEncoderBlock2D",) * levels, "up_block_types": ("UpDecoderBlock2D",) * levels,
            "latent_channels": dim("decoder.conv_in.weight", 1, "latent channels"), "norm_num_groups": VAE_GROUPS,
            "use_quant_conv": "quant_conv.weight" in v, "use_post_quant_conv": "post_quant_conv.weight" in v,
            "mid_block_add_attention": "encoder.mid.attn_1.q.weight" in v, "scaling_factor": VAE_SCALING,
            "shift_factor": VAE_SHIFT, "force_upcast": True, "sample_size": 1024}


def scheduler(cfg: dict) -> dict:
    """The release's scheduler: dev's (guidance-distilled) or schnell's."""
    return DEV_SCHEDULER if cfg["guidance_embeds"] else SCHNELL_SCHEDULER
