"""LTX-Video's configs read from its weights' shapes (diffusers' names: original layouts renamed
first): the transformer (``LTXVideoTransformer3DModel``) and the VAE (``AutoencoderKLLTXVideo``, in
the structures of the 0.9.0, 0.9.1 and 0.9.5+ releases: widths, layer counts, up- and down-sampling
read from the tensors), and the scheduler of the LTX-Video releases as Studio ships it. What shapes
cannot tell is Studio's data for the released models, said in ``ASSUMED``.

Plain data and stdlib: no torch, no diffusers."""
from __future__ import annotations

from ...base.errors import ModelError
from ...files.part_configs import count, shape_dim as _dim

LTX_HEADS = 32  # every released LTX-Video transformer: 2B 32 x 64, 13B 32 x 128 (diffusers' conversion presets)

# The scheduler of the LTX-Video releases (diffusers' LTX conversion: FlowMatchEulerDiscreteScheduler with
# dynamic shifting between these sequence lengths, sigmas stretched to end at 0.1)
LTX_SCHEDULER = {
    "_class_name": "FlowMatchEulerDiscreteScheduler", "num_train_timesteps": 1000, "shift": 1.0,
    "use_dynamic_shifting": True, "base_shift": 0.95, "max_shift": 2.05, "base_image_seq_len": 1024,
    "max_image_seq_len": 4096, "invert_sigmas": False, "shift_terminal": 0.1, "use_karras_sigmas": False,
    "use_exponential_sigmas": False, "use_beta_sigmas": False, "time_shift_type": "exponential"}

ASSUMED = (f"{LTX_HEADS} attention heads and patches of 1 (every released LTX-Video), the VAE's causal encoder and "
           "non-causal decoder with residual up-sampling where it halves its channels, and the releases' flow-match "
           "Euler scheduler (dynamic shift 0.95-2.05)")

LICENCE = ("LTX-Video's weights come under Lightricks' licence for the release (not Studio's): its terms are on "
           "the model card")



def ltx_transformer(shapes: dict, path: str) -> tuple[str, dict]:
    """(class name, config) of an LTX-Video transformer in diffusers' names."""
    inner, in_ch = (_dim(shapes, "proj_in.weight", i, "width", path) for i in (0, 1))
    if inner % LTX_HEADS:
        raise ModelError(f"'{path}' is an LTX-Video transformer {inner} wide, which is not {LTX_HEADS} whole heads as "
                         "in every released LTX-Video: give its diffusers folder as 'base'")
    b = "transformer_blocks.0."
    return "LTXVideoTransformer3DModel", {
        "in_channels": in_ch, "out_channels": _dim(shapes, "proj_out.weight", 0, "output channels", path),
        "patch_size": 1, "patch_size_t": 1, "num_attention_heads": LTX_HEADS, "attention_head_dim": inner // LTX_HEADS,
        "cross_attention_dim": _dim(shapes, b + "attn2.to_k.weight", 1, "cross-attention width", path),
        "num_layers": count(shapes, "transformer_blocks."), "activation_fn": "gelu-approximate",
        "qk_norm": "rms_norm_across_heads", "norm_elementwise_affine": False, "norm_eps": 1e-6,
        "caption_channels": _dim(shapes, "caption_projection.linear_1.weight", 1, "text width", path),
        "attention_bias": b + "attn1.to_q.bias" in shapes, "attention_out_bias": b + "attn1.to_out.0.bias" in shapes}


def _width_in(shapes: dict, prefix: str, path: str) -> int:
    """The channels a VAE block takes: its first residual block's, else its first layer's."""
    for name in ("resnets.0.conv1.conv.weight", "conv_in.conv1.conv.weight", "downsamplers.0.conv.conv.weight",
                 "downsamplers.0.conv.weight", "conv_out.conv1.conv.weight"):
        if prefix + name in shapes:
            return int(shapes[prefix + name][1])
    raise ModelError(f"'{path}': the VAE block '{prefix[:-1]}' holds no layer Studio knows to read its width from")


def _encoder(shapes: dict, path: str) -> dict:
    n = count(shapes, "encoder.down_blocks.")
    if not n:
        raise ModelError(f"'{path}': the LTX-Video VAE holds no encoder.down_blocks")
    v095 = [f"encoder.down_blocks.{i}.downsamplers.0.conv.conv.weight" in shapes for i in range(n)]
    widths = [_width_in(shapes, f"encoder.down_blocks.{i}.", path) for i in range(n)]
    mid = _dim(shapes, "encoder.conv_out.conv.weight", 1, "encoder width", path)
    down, types = [], []
    for i in range(n):
        has = any(k.startswith(f"encoder.down_blocks.{i}.downsamplers.0.") for k in shapes)
        down.append(has)
        if not v095[-1]:
            types.append("conv")
            continue
        after = widths[i + 1] if i + 1 < n else mid
        pooled = after // int(shapes[f"encoder.down_blocks.{i}.downsamplers.0.conv.conv.weight"][0]) if has else 8
        types.append({8: "spatiotemporal", 4: "spatial", 2: "temporal"}.get(pooled, ""))
        if not types[-1]:
            raise ModelError(f"'{path}': the VAE's down-sampler {i} folds {pooled} values into one, which is not "
                             "LTX-Video's (2, 4 or 8)")
    return {"block_out_channels": widths + ([mid] if v095[-1] else []),
            "down_block_types": ["LTXVideo095DownBlock3D" if v else "LTXVideoDownBlock3D" for v in v095],
            "layers_per_block": [count(shapes, f"encoder.down_blocks.{i}.resnets.") for i in range(n)]
            + [count(shapes, "encoder.mid_block.resnets.")],
            "spatio_temporal_scaling": down, "downsample_type": types}


def _decoder(shapes: dict, path: str) -> dict:
    n = count(shapes, "decoder.up_blocks.")
    widths, factors, up = [], [], []
    noise = ["decoder.mid_block.resnets.0.per_channel_scale1" in shapes]
    for i in range(n):
        p = f"decoder.up_blocks.{i}."
        w = _dim(shapes, p + "resnets.0.conv1.conv.weight", 0, "decoder width", path)
        has = p + "upsamplers.0.conv.conv.weight" in shapes
        f = int(shapes[p + "upsamplers.0.conv.conv.weight"][1]) // w if has else 1
        widths.append(w * f)
        factors.append(f)
        up.append(has)
        noise.append(p + "resnets.0.per_channel_scale1" in shapes)
    layers = [count(shapes, "decoder.mid_block.resnets.")] + [count(shapes, f"decoder.up_blocks.{i}.resnets.")
                                                               for i in range(n)]
    return {"decoder_block_out_channels": widths[::-1], "decoder_layers_per_block": layers[::-1],
            "decoder_spatio_temporal_scaling": up[::-1], "decoder_inject_noise": noise[::-1],
            "upsample_factor": factors[::-1], "upsample_residual": [f > 1 for f in factors[::-1]],
            "timestep_conditioning": "decoder.timestep_scale_multiplier" in shapes
            or "decoder.time_embedder.timestep_embedder.linear_1.weight" in shapes}


def ltx_vae(shapes: dict, path: str) -> tuple[str, dict]:
    """(class, config) of an LTX-Video VAE in diffusers' names (``AutoencoderKLLTXVideo``): the
    0.9.0 / 0.9.1 / 0.9.5+ structures, their sizes from the shapes."""
    latent = _dim(shapes, "decoder.conv_in.conv.weight", 1, "latent channels", path)
    patch = round((_dim(shapes, "encoder.conv_in.conv.weight", 1, "input channels", path) / 3) ** 0.5)
    cfg = {"in_channels": 3, "out_channels": 3, "latent_channels": latent, "patch_size": patch, "patch_size_t": 1,
           **_encoder(shapes, path), **_decoder(shapes, path), "resnet_norm_eps": 1e-6, "scaling_factor": 1.0,
           "encoder_causal": True, "decoder_causal": False}
    folds = {"conv": (2, 2), "spatiotemporal": (2, 2), "spatial": (2, 1), "temporal": (1, 2)}
    spatial = temporal = 1
    for t, on in zip(cfg["downsample_type"], cfg["spatio_temporal_scaling"]):
        if on:
            spatial, temporal = spatial * folds[t][0], temporal * folds[t][1]
    cfg["spatial_compression_ratio"], cfg["temporal_compression_ratio"] = patch * spatial, temporal
    return "AutoencoderKLLTXVideo", cfg
