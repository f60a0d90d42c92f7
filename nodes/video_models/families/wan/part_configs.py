"""Wan's configs from shapes, as ComfyUI infers them (``comfy/model_detection.py``): its denoiser's
(``WanTransformer3DModel``, with VACE blocks ``WanVACETransformer3DModel``) and its VAE's
(``AutoencoderKLWan``, Wan 2.1's and 2.2's) from a file's shapes under diffusers' names, and what
shapes cannot tell, Studio's data for the released models: the heads of a block, the scheduler, Wan
2.2's boundaries and latent statistics, the I2V image processor. Read by Wan's part reader and the
families built on Wan's files (S2V, SCAIL-2, Animate 2). The shape helpers every family shares are
files/part_configs.py's.

Plain data and stdlib: no torch, no diffusers."""
from __future__ import annotations

from ...base.errors import ModelError
from ...files.part_configs import count, shape_dim

WAN_HEAD_DIM = 128  # every released Wan model (1.3B: 12 heads, 5B: 24, 14B: 40), as ComfyUI assumes

# The scheduler of the Wan 2.1 diffusers repositories (480p's flow shift; the generators' 'shift' changes it)
WAN_SCHEDULER = {
    "_class_name": "UniPCMultistepScheduler", "beta_end": 0.02, "beta_schedule": "linear", "beta_start": 0.0001,
    "disable_corrector": [], "dynamic_thresholding_ratio": 0.995, "final_sigmas_type": "zero", "flow_shift": 3.0,
    "lower_order_final": True, "num_train_timesteps": 1000, "predict_x0": True, "prediction_type": "flow_prediction",
    "rescale_betas_zero_snr": False, "sample_max_value": 1.0, "solver_order": 2, "solver_p": None,
    "solver_type": "bh2", "steps_offset": 0, "thresholding": False, "timestep_spacing": "linspace",
    "trained_betas": None, "use_beta_sigmas": False, "use_exponential_sigmas": False, "use_flow_sigmas": True,
    "use_karras_sigmas": False}

# Wan I2V / FLF2V's image processor (the diffusers repositories' image_processor/preprocessor_config.json)
CLIP_IMAGE_PROCESSOR = {
    "crop_size": {"height": 224, "width": 224}, "do_center_crop": True, "do_convert_rgb": True, "do_normalize": True,
    "do_rescale": True, "do_resize": True, "image_mean": [0.48145466, 0.4578275, 0.40821073],
    "image_std": [0.26862954, 0.26130258, 0.27577711], "resample": 3, "rescale_factor": 0.00392156862745098,
    "size": {"shortest_edge": 224}}

ASSUMED = {"wan": f"attention heads of {WAN_HEAD_DIM} values each, and Wan 2.1's UniPC scheduler "
                  f"(flow shift {WAN_SCHEDULER['flow_shift']})"}

# Wan 2.2, from the released diffusers repositories: A14B's boundary_ratio (model_index.json: T2V and
# VACE-Fun 0.875, I2V 0.9); TI2V-5B's flow shift 5.0 and timesteps per latent frame (expand_timesteps);
# the 2.2 VAE's latent statistics (vae/config.json), 48 channels
WAN22_BOUNDARY = {"t2v": 0.875, "i2v": 0.9, "vace": 0.875}
TI2V_FLOW_SHIFT = 5.0
WAN22_LATENTS_MEAN = [
    -0.2289, -0.0052, -0.1323, -0.2339, -0.2799, 0.0174, 0.1838, 0.1557, -0.1382, 0.0542, 0.2813, 0.0891, 0.1570,
    -0.0098, 0.0375, -0.1825, -0.2246, -0.1207, -0.0698, 0.5109, 0.2665, -0.2108, -0.2158, 0.2502, -0.2055, -0.0322,
    0.1109, 0.1567, -0.0729, 0.0899, -0.2799, -0.1230, -0.0313, -0.1649, 0.0117, 0.0723, -0.2839, -0.2083, -0.0520,
    0.3748, 0.0152, 0.1957, 0.1433, -0.2944, 0.3573, -0.0548, -0.1681, -0.0667]
WAN22_LATENTS_STD = [
    0.4765, 1.0364, 0.4514, 1.1677, 0.5313, 0.4990, 0.4818, 0.5013, 0.8158, 1.0344, 0.5894, 1.0901, 0.6885, 0.6165,
    0.8454, 0.4978, 0.5759, 0.3523, 0.7135, 0.6804, 0.5833, 1.4146, 0.8986, 0.5659, 0.7069, 0.5338, 0.4889, 0.4917,
    0.4069, 0.4999, 0.6866, 0.4093, 0.5709, 0.6065, 0.6415, 0.4944, 0.5726, 1.2042, 0.5458, 1.6887, 0.3971, 1.0600,
    0.3943, 0.5537, 0.5444, 0.4089, 0.7468, 0.7744]


def wan_pipeline(cfg: dict) -> tuple[dict, dict, str]:
    """(scheduler config, the pipeline's own settings, in words) of a Wan denoiser's config: Wan 2.2
    TI2V-5B (48 latent channels) samples with flow shift 5.0 and a timestep per latent frame; the
    others with Wan 2.1's scheduler."""
    if cfg.get("out_channels") == 48:
        return ({**WAN_SCHEDULER, "flow_shift": TI2V_FLOW_SHIFT}, {"expand_timesteps": True},
                f"attention heads of {WAN_HEAD_DIM} values each, and Wan 2.2 TI2V-5B's UniPC scheduler (flow shift "
                f"{TI2V_FLOW_SHIFT}) with a timestep per latent frame")
    return WAN_SCHEDULER, {}, ASSUMED["wan"]


def wan_transformer(shapes: dict, path: str) -> tuple[str, dict]:
    """(diffusers class name, config) of a Wan denoiser in diffusers' names."""
    dim, in_ch, pt, ph, pw = (shape_dim(shapes, "patch_embedding.weight", i, "width", path) for i in range(5))
    if dim % WAN_HEAD_DIM:
        raise ModelError(f"'{path}' is a Wan denoiser {dim} wide, which is not a whole number of "
                         f"{WAN_HEAD_DIM}-value heads as in every released Wan model: give its diffusers folder as 'base'")
    layers = count(shapes, "blocks.")
    cfg = {"patch_size": [pt, ph, pw], "num_attention_heads": dim // WAN_HEAD_DIM, "attention_head_dim": WAN_HEAD_DIM,
           "in_channels": in_ch, "out_channels": shape_dim(shapes, "proj_out.weight", 0, "output", path) // (pt * ph * pw),
           "text_dim": shape_dim(shapes, "condition_embedder.text_embedder.linear_1.weight", 1, "text width", path),
           "freq_dim": shape_dim(shapes, "condition_embedder.time_embedder.linear_1.weight", 1, "time width", path),
           "ffn_dim": shape_dim(shapes, "blocks.0.ffn.net.0.proj.weight", 0, "feed-forward width", path),
           "num_layers": layers, "cross_attn_norm": "blocks.0.norm2.weight" in shapes,
           "qk_norm": "rms_norm_across_heads" if "blocks.0.attn1.norm_q.weight" in shapes else None,
           "eps": 1e-6, "rope_max_seq_len": 1024}
    if "condition_embedder.image_embedder.norm1.weight" in shapes:  # Wan 2.1 I2V / FLF2V: CLIP image tokens
        cfg["image_dim"] = shape_dim(shapes, "condition_embedder.image_embedder.norm1.weight", 0, "image width", path)
        cfg["added_kv_proj_dim"] = shape_dim(shapes, "blocks.0.attn2.add_k_proj.weight", 1, "image key width", path)
    if "condition_embedder.image_embedder.pos_embed" in shapes:  # FLF2V: two images' tokens
        cfg["pos_embed_seq_len"] = shape_dim(shapes, "condition_embedder.image_embedder.pos_embed", 1, "image tokens", path)
    n = count(shapes, "vace_blocks.")
    if n:
        step = max(1, layers // n)
        cfg["vace_layers"] = list(range(0, step * n, step))
        cfg["vace_in_channels"] = shape_dim(shapes, "vace_patch_embedding.weight", 1, "control channels", path)
        return "WanVACETransformer3DModel", cfg
    return "WanTransformer3DModel", cfg


def wan_vae(shapes: dict, path: str) -> tuple[str, dict]:
    """(class, config) of a Wan VAE in diffusers' names (``AutoencoderKLWan``): Wan 2.1's (16 latent
    channels, its latents' statistics the class's defaults) or Wan 2.2's (48 channels: residual down
    and up blocks, 2x2 pixel patches, a wider decoder, the released statistics)."""
    z = shape_dim(shapes, "post_quant_conv.weight", 0, "latent channels", path)
    stats = {16: {}, 48: {"latents_mean": WAN22_LATENTS_MEAN, "latents_std": WAN22_LATENTS_STD}}.get(z)
    if stats is None:
        raise ModelError(f"'{path}' is a Wan VAE with {z} latent channels: Studio knows the latent statistics of Wan "
                         "2.1's VAE (16) and Wan 2.2's (48); give its diffusers folder as 'base'")
    residual = "encoder.down_blocks.0.resnets.0.conv1.weight" in shapes  # Wan 2.2: WanResidualDownBlock
    base = shape_dim(shapes, "encoder.conv_in.weight", 0, "width", path)
    resnets = count(shapes, "decoder.up_blocks.0.resnets.") - 1
    if resnets < 1:
        raise ModelError(f"'{path}': the VAE's decoder blocks are not Wan's (no decoder.up_blocks.0.resnets)")
    if residual:
        levels = count(shapes, "encoder.down_blocks.")
        chans = [shape_dim(shapes, f"encoder.down_blocks.{lv}.resnets.0.conv1.weight", 0, "width", path)
                 for lv in range(levels)]
        temporal = [f"encoder.down_blocks.{lv}.downsampler.time_conv.weight" in shapes for lv in range(levels - 1)]
        if count(shapes, "encoder.down_blocks.0.resnets.") != resnets:
            raise ModelError(f"'{path}': the VAE's encoder and decoder blocks do not hold {resnets} residual blocks "
                             "a level as Wan 2.2's do")
        mult = [c // base for c in chans]
        pixels = shape_dim(shapes, "encoder.conv_in.weight", 1, "input channels", path)
        patch = round((pixels / 3) ** 0.5)
        if patch * patch * 3 != pixels or mult[0] < 1 or any(c % base for c in chans):
            raise ModelError(f"'{path}': {pixels} input channels and widths {chans} are not a Wan 2.2 VAE's")
        return "AutoencoderKLWan", {
            "base_dim": base, "decoder_base_dim": shape_dim(shapes, "decoder.conv_out.weight", 1, "decoder width", path)
            // mult[0], "z_dim": z, "dim_mult": mult, "num_res_blocks": resnets, "attn_scales": [],
            "temperal_downsample": temporal, "dropout": 0.0, "is_residual": True, "in_channels": pixels,
            "out_channels": pixels, "patch_size": patch, "scale_factor_temporal": 2 ** sum(temporal),
            "scale_factor_spatial": patch * 2 ** (levels - 1), **stats}
    chans, temporal, i = [], [], 0
    while f"encoder.down_blocks.{i}.conv1.weight" in shapes or f"encoder.down_blocks.{i}.resample.1.weight" in shapes:
        if f"encoder.down_blocks.{i}.conv1.weight" in shapes:
            chans.append(int(shapes[f"encoder.down_blocks.{i}.conv1.weight"][0]))
        else:
            temporal.append(f"encoder.down_blocks.{i}.time_conv.weight" in shapes)
        i += 1
    levels = len(chans) // resnets
    if not levels or levels * resnets != len(chans):
        raise ModelError(f"'{path}': the VAE's encoder holds {len(chans)} residual blocks, not {resnets} per level")
    return "AutoencoderKLWan", {"base_dim": base, "z_dim": z, "dim_mult": [chans[lv * resnets] // base for lv in range(levels)],
                                "num_res_blocks": resnets, "attn_scales": [], "temperal_downsample": temporal,
                                "dropout": 0.0, **stats}
