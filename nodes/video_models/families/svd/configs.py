"""SVD's configs from the checkpoint's shapes (under diffusers' names, convert.py), and what shapes
cannot tell as Studio's data: the released models' scheduler, image processor, VAE scaling, 64-value
attention heads (Stability's num_head_channels) and frame count (SVD 14, SVD-XT 25: from the file's
name, as ComfyUI's checkpoints are named). Each config is then built on the meta device and every
tensor compared (``misfit``): a file whose tensors do not make one model is refused naming the first
that differs, before anything is allocated. diffusers / transformers imported inside functions."""
from __future__ import annotations

import os
import re

from ...files.part_configs import count as _count, shape_dim as _dim
from ...base.errors import ModelError

HEAD_DIM = 64  # SVD's UNet: 320 / 640 / 1280 channels in 5 / 10 / 20 heads
CLIP_HEADS = 16  # OpenCLIP ViT-H/14: 1280 wide, 16 heads of 80
FRAMES = {"svd": 14, "svd_xt": 25}
SAMPLE_SIZE = 96  # the released UNet's sample_size (the pipeline's default height 96 x 8 = 768)
VAE_DATA = {"scaling_factor": 0.18215, "force_upcast": True, "sample_size": 768}

# stabilityai/stable-video-diffusion-img2vid(-xt): scheduler/scheduler_config.json
SCHEDULER = {"_class_name": "EulerDiscreteScheduler", "beta_end": 0.012, "beta_schedule": "scaled_linear",
             "beta_start": 0.00085, "interpolation_type": "linear", "num_train_timesteps": 1000,
             "prediction_type": "v_prediction", "sigma_max": 700.0, "sigma_min": 0.002, "steps_offset": 1,
             "timestep_spacing": "leading", "timestep_type": "continuous", "trained_betas": None,
             "use_karras_sigmas": True}
# ... feature_extractor/preprocessor_config.json (OpenAI CLIP's normalisation, 224 pixels)
IMAGE_PROCESSOR = {"crop_size": {"height": 224, "width": 224}, "do_center_crop": True, "do_convert_rgb": True,
                   "do_normalize": True, "do_rescale": True, "do_resize": True,
                   "image_mean": [0.48145466, 0.4578275, 0.40821073],
                   "image_std": [0.26862954, 0.26130258, 0.27577711], "resample": 3,
                   "rescale_factor": 0.00392156862745098, "size": {"shortest_edge": 224}}
LICENCE = "licence: Stability AI's for SVD (see the stabilityai/stable-video-diffusion model card)"


def frames_of(path: str) -> tuple[int, str]:
    """(UNet num_frames, in words) from the file's name: 25 for an XT file (svd_xt*.safetensors), else 14."""
    xt = re.search(r"(^|[_\-.])xt([_\-.]|$)", os.path.basename(path).lower()) is not None
    return (FRAMES["svd_xt"], "SVD-XT's 25 frames (the file's name says xt)") if xt else \
        (FRAMES["svd"], "SVD's 14 frames (the file's name does not say xt)")



def unet(shapes: dict, path: str) -> dict:
    """UNetSpatioTemporalConditionModel's config from its tensors' shapes (diffusers' names)."""
    levels = _count(shapes, "down_blocks.")
    if not levels:
        raise ModelError(f"'{path}': its UNet has no down blocks")
    chans = [_dim(shapes, f"down_blocks.{b}.resnets.0.spatial_res_block.conv1.weight", 0, "UNet width", path)
             for b in range(levels)]
    odd = [c for c in chans if c % HEAD_DIM]
    if odd:
        raise ModelError(f"'{path}': a UNet level {odd[0]} wide is not a whole number of SVD's {HEAD_DIM}-value "
                         "attention heads: give its diffusers folder as 'base'")
    cross = [b for b in range(levels) if f"down_blocks.{b}.attentions.0.proj_in.weight" in shapes]
    up_cross = [u for u in range(levels) if f"up_blocks.{u}.attentions.0.proj_in.weight" in shapes]
    if not cross:
        raise ModelError(f"'{path}': its UNet has no attention blocks, as no SVD UNet is")
    first = f"down_blocks.{cross[0]}.attentions.0."
    depth = {_count(shapes, f"down_blocks.{b}.attentions.0.transformer_blocks.") for b in cross}
    add_in = _dim(shapes, "add_embedding.linear_1.weight", 1, "added-time width", path)
    if add_in % 3:
        raise ModelError(f"'{path}': the UNet's added-time embedding reads {add_in} values, not three equal ones "
                         "(fps, motion bucket, noise augmentation)")
    frames, _ = frames_of(path)
    return {"sample_size": SAMPLE_SIZE,
            "in_channels": _dim(shapes, "conv_in.weight", 1, "input channels", path),
            "out_channels": _dim(shapes, "conv_out.weight", 0, "output channels", path),
            "down_block_types": ["CrossAttnDownBlockSpatioTemporal" if b in cross else "DownBlockSpatioTemporal"
                                 for b in range(levels)],
            "up_block_types": ["CrossAttnUpBlockSpatioTemporal" if u in up_cross else "UpBlockSpatioTemporal"
                               for u in range(levels)],
            "block_out_channels": chans, "addition_time_embed_dim": add_in // 3,
            "projection_class_embeddings_input_dim": add_in,
            "layers_per_block": _count(shapes, "down_blocks.0.resnets."),
            "cross_attention_dim": _dim(shapes, first + "transformer_blocks.0.attn2.to_k.weight", 1,
                                        "image-token width", path),
            "transformer_layers_per_block": depth.pop() if len(depth) == 1 else 1,
            "num_attention_heads": [c // HEAD_DIM for c in chans], "num_frames": frames}


def vae(shapes: dict, path: str) -> dict:
    """AutoencoderKLTemporalDecoder's config from its tensors' shapes (diffusers' names)."""
    levels = _count(shapes, "encoder.down_blocks.")
    if not levels:
        raise ModelError(f"'{path}': its VAE holds no encoder (no first_stage_model.encoder nor "
                         "conditioner.embedders.3.encoder.encoder tensors): Stable Video Diffusion encodes the still "
                         "with it. Give the whole checkpoint, or set 'base' to a diffusers SVD folder")
    return {"in_channels": _dim(shapes, "encoder.conv_in.weight", 1, "VAE input channels", path),
            "out_channels": _dim(shapes, "decoder.conv_out.weight", 0, "VAE output channels", path),
            "down_block_types": ["DownEncoderBlock2D"] * levels,
            "block_out_channels": [_dim(shapes, f"encoder.down_blocks.{b}.resnets.0.conv1.weight", 0, "VAE width", path)
                                   for b in range(levels)],
            "layers_per_block": _count(shapes, "encoder.down_blocks.0.resnets."),
            "latent_channels": _dim(shapes, "decoder.conv_in.weight", 1, "latent channels", path), **VAE_DATA}


def clip(shapes: dict, path: str) -> dict:
    """CLIPVisionConfig's values for the image tower (transformers' names; the projection from
    OpenCLIP's ``proj``, given as ``visual_projection.weight`` already turned)."""
    hidden = _dim(shapes, "vision_model.embeddings.class_embedding", 0, "image-encoder width", path)
    patch = _dim(shapes, "vision_model.embeddings.patch_embedding.weight", 2, "image-encoder patch", path)
    positions = _dim(shapes, "vision_model.embeddings.position_embedding.weight", 0, "image-encoder positions", path)
    side = round((positions - 1) ** 0.5)
    if side * side != positions - 1 or hidden % CLIP_HEADS:
        raise ModelError(f"'{path}': {positions} positions and a width of {hidden} are not a square CLIP vision tower "
                         f"of {CLIP_HEADS} heads")
    return {"hidden_size": hidden, "intermediate_size": _dim(shapes, "vision_model.encoder.layers.0.mlp.fc1.weight", 0,
                                                            "image-encoder feed-forward width", path),
            "num_hidden_layers": _count(shapes, "vision_model.encoder.layers."), "num_attention_heads": CLIP_HEADS,
            "patch_size": patch, "image_size": side * patch, "hidden_act": "gelu", "layer_norm_eps": 1e-5,
            "projection_dim": _dim(shapes, "visual_projection.weight", 0, "image-encoder projection", path)}


def model_class(what: str, cfg: dict):
    """(class, config as the class takes it) of 'unet', 'vae' or 'image_encoder'."""
    if what == "image_encoder":
        from transformers import CLIPVisionConfig, CLIPVisionModelWithProjection
        return CLIPVisionModelWithProjection, CLIPVisionConfig(**cfg)
    import diffusers
    return (diffusers.UNetSpatioTemporalConditionModel if what == "unet" else diffusers.AutoencoderKLTemporalDecoder,
            cfg)


def skeleton(what: str, cfg: dict):
    """The model of ``what`` built on the meta device (nothing allocated)."""
    from accelerate import init_empty_weights
    cls, conf = model_class(what, cfg)
    with init_empty_weights():
        return cls(conf) if what == "image_encoder" else cls.from_config(conf)


def misfit(model, have: dict, source: dict, made: tuple[str, ...], title: str, path: str) -> None:
    """Every tensor of ``model`` (meta) against the file's ``have`` (diffusers' names -> shapes;
    ``source``: their names in the file; ``made``: names the loader makes itself): the first that
    differs or is missing named, in the file's name."""
    own = {k: tuple(v.shape) for k, v in model.state_dict().items()}
    bad = [k for k in own if k in have and own[k] != tuple(have[k])]
    missing = [k for k in own if k not in have and k not in made]
    extra = [k for k in have if k not in own]
    if bad or missing or extra:
        k = (bad or missing or extra)[0]
        what = (f"'{source.get(k, k)}' is {list(have[k])} there, but the other tensors' shapes make it {list(own[k])}"
                if bad else f"'{source.get(k, k)}' has no place in it" if not missing else
                f"it holds no tensor for '{k}'")
        raise ModelError(f"'{path}': the {title} does not make one SVD {type(model).__name__}: {what} ({len(bad)} "
                         f"tensors differ, {len(missing)} missing, {len(extra)} left over)")
