"""A tiny Stable Video Diffusion pipeline (64-value attention heads as the released UNet's, a
16-head CLIP tower as OpenCLIP ViT-H's, SVD's scheduler and image processor as Studio ships them)
and a writer of its weights as ComfyUI's one checkpoint in Stability's sgm layout. The writer's
map (diffusers -> sgm) is written here on its own, from the sgm modules' names (VideoUNet,
VideoDecoder, OpenCLIP's VisionTransformer), not by inverting Studio's converter, so a wrong name
there is not mirrored here."""
from __future__ import annotations

import re

LPB = 2  # resnets per UNet level (the released UNet's)


def build(path: str, frames: int = 25) -> str:
    """The tiny SVD diffusers folder at ``path``."""
    import torch
    from diffusers import (AutoencoderKLTemporalDecoder, EulerDiscreteScheduler, StableVideoDiffusionPipeline,
                           UNetSpatioTemporalConditionModel)
    from transformers import CLIPImageProcessor, CLIPVisionConfig, CLIPVisionModelWithProjection

    from nodes.video_models.families.svd.configs import IMAGE_PROCESSOR, SCHEDULER
    torch.manual_seed(0)
    unet = UNetSpatioTemporalConditionModel(
        block_out_channels=(64, 128), layers_per_block=LPB, sample_size=96, in_channels=8, out_channels=4,
        down_block_types=("CrossAttnDownBlockSpatioTemporal", "DownBlockSpatioTemporal"),
        up_block_types=("UpBlockSpatioTemporal", "CrossAttnUpBlockSpatioTemporal"),
        cross_attention_dim=32, num_attention_heads=(1, 2), projection_class_embeddings_input_dim=96,
        addition_time_embed_dim=32, num_frames=frames)
    torch.manual_seed(0)
    vae = AutoencoderKLTemporalDecoder(block_out_channels=[32, 64], in_channels=3, out_channels=3,
                                       down_block_types=["DownEncoderBlock2D", "DownEncoderBlock2D"],
                                       latent_channels=4, scaling_factor=0.18215, force_upcast=True, sample_size=768)
    torch.manual_seed(0)
    enc = CLIPVisionModelWithProjection(CLIPVisionConfig(
        hidden_size=32, projection_dim=32, num_hidden_layers=2, num_attention_heads=16, image_size=224,
        intermediate_size=37, patch_size=32, hidden_act="gelu", layer_norm_eps=1e-5))
    with torch.no_grad():  # random norms, mixers and biases too: a swapped name shows in the frames
        for m in (unet, vae, enc):
            for p in m.parameters():
                p.add_(torch.randn_like(p) * 0.02)
    pipe = StableVideoDiffusionPipeline(vae=vae, image_encoder=enc, unet=unet,
                                        scheduler=EulerDiscreteScheduler.from_config(SCHEDULER),
                                        feature_extractor=CLIPImageProcessor(**IMAGE_PROCESSOR))
    pipe.save_pretrained(path, safe_serialization=True)
    return path


# --------------------------------------------------------------------------------------- UNet (VideoUNet)
_RES = [("spatial_res_block.norm1", "in_layers.0"), ("spatial_res_block.conv1", "in_layers.2"),
        ("spatial_res_block.time_emb_proj", "emb_layers.1"), ("spatial_res_block.norm2", "out_layers.0"),
        ("spatial_res_block.conv2", "out_layers.3"), ("spatial_res_block.conv_shortcut", "skip_connection"),
        ("temporal_res_block.norm1", "time_stack.in_layers.0"), ("temporal_res_block.conv1", "time_stack.in_layers.2"),
        ("temporal_res_block.time_emb_proj", "time_stack.emb_layers.1"),
        ("temporal_res_block.norm2", "time_stack.out_layers.0"), ("temporal_res_block.conv2", "time_stack.out_layers.3"),
        ("time_mixer.mix_factor", "time_mixer.mix_factor")]
_ATT = [("temporal_transformer_blocks.", "time_stack."), ("time_pos_embed.linear_1.", "time_pos_embed.0."),
        ("time_pos_embed.linear_2.", "time_pos_embed.2.")]
_TOP = [("time_embedding.linear_1.", "time_embed.0."), ("time_embedding.linear_2.", "time_embed.2."),
        ("add_embedding.linear_1.", "label_emb.0.0."), ("add_embedding.linear_2.", "label_emb.0.2."),
        ("conv_in.", "input_blocks.0.0."), ("conv_norm_out.", "out.0."), ("conv_out.", "out.2.")]


def _swap(rest: str, table) -> str:
    for a, b in table:
        if rest.startswith(a):
            return b + rest[len(a):]
    return rest


def sgm_unet_name(k: str, up_attention: set[int]) -> str:
    for a, b in _TOP:
        if k.startswith(a):
            return b + k[len(a):]
    parts = k.split(".")
    if parts[0] == "mid_block":
        kind, idx, rest = parts[1], int(parts[2]), ".".join(parts[3:])
        return (f"middle_block.{2 * idx}.{_swap(rest, _RES)}" if kind == "resnets"
                else f"middle_block.1.{_swap(rest, _ATT)}")
    block, b, kind, idx, rest = parts[0], int(parts[1]), parts[2], int(parts[3]), ".".join(parts[4:])
    if block == "down_blocks":
        if kind == "downsamplers":
            return f"input_blocks.{(b + 1) * (LPB + 1)}.0.op.{rest.removeprefix('conv.')}"
        n = 1 + b * (LPB + 1) + idx
        return f"input_blocks.{n}.0.{_swap(rest, _RES)}" if kind == "resnets" else \
            f"input_blocks.{n}.1.{_swap(rest, _ATT)}"
    if kind == "upsamplers":
        return f"output_blocks.{b * (LPB + 1) + LPB}.{2 if b in up_attention else 1}.{rest}"
    n = b * (LPB + 1) + idx
    return f"output_blocks.{n}.0.{_swap(rest, _RES)}" if kind == "resnets" else \
        f"output_blocks.{n}.1.{_swap(rest, _ATT)}"


def sgm_unet(state: dict) -> dict:
    ups = {int(m[1]) for k in state if (m := re.match(r"up_blocks\.(\d+)\.attentions\.", k))}
    return {"model.diffusion_model." + sgm_unet_name(k, ups): v for k, v in state.items()}


# --------------------------------------------------------------------------------------- VAE
_ENC_RES = [("conv_shortcut", "nin_shortcut")]
_DEC_RES = [("spatial_res_block.conv_shortcut", "nin_shortcut"), ("spatial_res_block.", ""),
            ("temporal_res_block.norm1", "time_stack.in_layers.0"), ("temporal_res_block.conv1", "time_stack.in_layers.2"),
            ("temporal_res_block.norm2", "time_stack.out_layers.0"), ("temporal_res_block.conv2", "time_stack.out_layers.3"),
            ("time_mixer.mix_factor", "mix_factor")]
_VAE_ATT = [("group_norm", "norm"), ("to_q", "q"), ("to_k", "k"), ("to_v", "v"), ("to_out.0", "proj_out")]


def sgm_vae(state: dict, encoder_at: str = "conditioner.embedders.3.encoder.") -> dict:
    """The temporal VAE as Stability's checkpoint holds it: the decoder under first_stage_model., the
    encoder and its quant_conv under ``encoder_at`` (the conditioner's, as released)."""
    levels = 1 + max(int(m[1]) for k in state if (m := re.match(r"decoder\.up_blocks\.(\d+)\.", k)))
    out = {}
    for k, v in state.items():
        side, _, rest = k.partition(".")
        if side == "quant_conv":
            out[encoder_at + k] = v
            continue
        table = _ENC_RES if side == "encoder" else _DEC_RES
        if rest.startswith("mid_block.attentions.0."):
            inner = _swap(rest[len("mid_block.attentions.0."):], _VAE_ATT)
            name = f"mid.attn_1.{inner}"
            if v.dim() == 2:
                v = v[:, :, None, None]  # sgm's attention: 1x1 convs
        elif m := re.match(r"mid_block\.resnets\.(\d)\.(.+)", rest):
            name = f"mid.block_{int(m[1]) + 1}.{_swap(m[2], table)}"
        elif m := re.match(r"down_blocks\.(\d+)\.resnets\.(\d+)\.(.+)", rest):
            name = f"down.{m[1]}.block.{m[2]}.{_swap(m[3], table)}"
        elif m := re.match(r"down_blocks\.(\d+)\.downsamplers\.0\.(.+)", rest):
            name = f"down.{m[1]}.downsample.{m[2]}"
        elif m := re.match(r"up_blocks\.(\d+)\.resnets\.(\d+)\.(.+)", rest):
            name = f"up.{levels - 1 - int(m[1])}.block.{m[2]}.{_swap(m[3], table)}"
        elif m := re.match(r"up_blocks\.(\d+)\.upsamplers\.0\.(.+)", rest):
            name = f"up.{levels - 1 - int(m[1])}.upsample.{m[2]}"
        elif rest.startswith("time_conv_out."):
            name = "conv_out.time_mix_conv." + rest[len("time_conv_out."):]
        else:
            name = rest.replace("conv_norm_out", "norm_out")
        out[(encoder_at if side == "encoder" else "first_stage_model.") + f"{side}.{name}"] = v
    return out


# --------------------------------------------------------------------------------------- OpenCLIP visual
def sgm_clip(state: dict) -> dict:
    import torch
    pre = "conditioner.embedders.0.open_clip.model.visual."
    emb = "vision_model.embeddings."
    out = {pre + "class_embedding": state[emb + "class_embedding"],
           pre + "positional_embedding": state[emb + "position_embedding.weight"],
           pre + "conv1.weight": state[emb + "patch_embedding.weight"],
           pre + "proj": state["visual_projection.weight"].T.contiguous()}
    for a, b in (("pre_layrnorm", "ln_pre"), ("post_layernorm", "ln_post")):
        for p in ("weight", "bias"):
            out[f"{pre}{b}.{p}"] = state[f"vision_model.{a}.{p}"]
    layers = {int(m[1]) for k in state if (m := re.match(r"vision_model\.encoder\.layers\.(\d+)\.", k))}
    for i in layers:
        src, dst = f"vision_model.encoder.layers.{i}.", f"{pre}transformer.resblocks.{i}."
        for p in ("weight", "bias"):
            out[f"{dst}attn.in_proj_{p}"] = torch.cat([state[f"{src}self_attn.{q}_proj.{p}"] for q in "qkv"])
            for a, b in (("self_attn.out_proj", "attn.out_proj"), ("layer_norm1", "ln_1"), ("layer_norm2", "ln_2"),
                         ("mlp.fc1", "mlp.c_fc"), ("mlp.fc2", "mlp.c_proj")):
                out[f"{dst}{b}.{p}"] = state[f"{src}{a}.{p}"]
    return out


def write_checkpoint(folder: str, path: str, dtype=None, unet_only: bool = False) -> str:
    """The folder's UNet, VAE and image encoder as one sgm checkpoint (``dtype``: cast, e.g. fp16)."""
    from diffusers import AutoencoderKLTemporalDecoder, UNetSpatioTemporalConditionModel
    from safetensors.torch import save_file
    from transformers import CLIPVisionModelWithProjection
    state = sgm_unet(UNetSpatioTemporalConditionModel.from_pretrained(folder, subfolder="unet").state_dict())
    if not unet_only:
        state.update(sgm_vae(AutoencoderKLTemporalDecoder.from_pretrained(folder, subfolder="vae").state_dict()))
        state.update(sgm_clip(CLIPVisionModelWithProjection.from_pretrained(folder, subfolder="image_encoder")
                              .state_dict()))
    save_file({k: (v.to(dtype) if dtype is not None else v).contiguous() for k, v in state.items()}, path)
    return path


def _fp8able(name: str, t) -> bool:
    """The Linear weights (and the VAE attention's 1x1 convs) a ComfyUI-style fp8 file stores in 8 bits."""
    return name.endswith(".weight") and (t.dim() == 2 or ".mid.attn_1." in name and t.dim() == 4)


def to_fp8(path: str, out: str, scaled: bool) -> str:
    """A checkpoint written by write_checkpoint made fp8 e4m3 (``scaled``: ComfyUI's per-tensor
    ``scale_weight`` beside each weight and the ``scaled_fp8`` marker); the rest fp16."""
    import torch
    from safetensors.torch import load_file, save_file
    fp8 = torch.float8_e4m3fn
    top = torch.finfo(fp8).max
    state = {}
    for k, v in load_file(path).items():
        if not _fp8able(k, v):
            state[k] = v.to(torch.float16)
        elif scaled:
            s = (v.abs().max() / top).clamp(min=1e-12).float()
            state[k] = (v.float() / s).to(fp8)
            state[k[: -len(".weight")] + ".scale_weight"] = s.reshape(())
        else:
            state[k] = v.to(fp8)
    if scaled:
        state["scaled_fp8"] = torch.empty(0, dtype=fp8)
    save_file({k: v.contiguous() for k, v in state.items()}, out)
    return out
