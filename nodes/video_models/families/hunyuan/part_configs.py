"""HunyuanVideo's VAE config from its shapes (``AutoencoderKLHunyuanVideo``), as ComfyUI infers it,
with what the shapes cannot tell from the release: read for Kandinsky 5's ComfyUI VAE file, which is
HunyuanVideo's VAE. Plain data and stdlib: no torch, no diffusers."""
from __future__ import annotations

from ...base.errors import ModelError
from ...files.part_configs import count, shape_dim


# HunyuanVideo's VAE as released (hunyuanvideo-community/HunyuanVideo vae/config.json; Kandinsky 5's folders
# carry the same): what its shapes do not tell. Its spatial and temporal downsamplers have the same shapes (the
# stride differs), so 8 x and 4 x are the released ratios, read for a VAE of three downsamplers only.
HUNYUAN_VAE = {"act_fn": "silu", "norm_num_groups": 32, "scaling_factor": 0.476986, "spatial_compression_ratio": 8,
               "temporal_compression_ratio": 4}
HUNYUAN_VAE_ASSUMED = "HunyuanVideo VAE: 32 norm groups, 8 x spatial and 4 x temporal compression, scaling 0.476986"


def hunyuan_video_vae(shapes: dict, path: str) -> tuple[str, dict]:
    """(diffusers class, config) of HunyuanVideo's VAE in diffusers' names (its release's, which
    the diffusers conversion script keeps: VAE_KEYS_RENAME_DICT is empty)."""
    widths, i = [], 0
    while f"encoder.down_blocks.{i}.resnets.0.conv1.conv.weight" in shapes:
        widths.append(int(shapes[f"encoder.down_blocks.{i}.resnets.0.conv1.conv.weight"][0]))
        i += 1
    downs = sum(1 for k in shapes if k.startswith("encoder.down_blocks.") and k.endswith("downsamplers.0.conv.conv.weight"))
    if not widths or downs != 3:
        raise ModelError(f"'{path}': {len(widths)} encoder levels with {downs} downsamplers: not HunyuanVideo's VAE "
                         "(4 levels, 3 downsamplers: 8 x spatial, 4 x temporal)")
    return "AutoencoderKLHunyuanVideo", {
        **HUNYUAN_VAE, "in_channels": shape_dim(shapes, "encoder.conv_in.conv.weight", 1, "input channels", path),
        "out_channels": shape_dim(shapes, "decoder.conv_out.conv.weight", 0, "output channels", path),
        "latent_channels": shape_dim(shapes, "decoder.conv_in.conv.weight", 1, "latent channels", path),
        "down_block_types": ["HunyuanVideoDownBlock3D"] * len(widths),
        "up_block_types": ["HunyuanVideoUpBlock3D"] * len(widths), "block_out_channels": widths,
        "layers_per_block": count(shapes, "encoder.down_blocks.0.resnets."),
        "mid_block_add_attention": "encoder.mid_block.attentions.0.to_q.weight" in shapes}
