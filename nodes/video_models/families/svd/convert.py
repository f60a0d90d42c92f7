"""Stability's sgm layout of SVD (ComfyUI's checkpoints/svd.safetensors, svd_xt.safetensors) under
diffusers' and transformers' names, from the header alone: each part of the one file (the UNet under
``model.diffusion_model.``, the temporal VAE's decoder under ``first_stage_model.``, its encoder under
``conditioner.embedders.3.encoder.`` or ``first_stage_model.``, the OpenCLIP ViT-H image tower under
``conditioner.embedders.0.open_clip.model.visual.``) becomes a WeightFile whose entries point into the
file's bytes: renamed, a 1x1 attention conv reshaped to its Linear (the same bytes), OpenCLIP's joined
q/k/v projection split into three row ranges. Nothing is read here; the loader reads each entry
straight into its place (single_file.lean_load). The one tensor that is more than a view, OpenCLIP's
``proj`` (the projection transposed), is named in TRANSPOSED for the loader to read and turn.

The renames follow diffusers' scripts/convert_svd_to_diffusers.py and ComfyUI's layout of the file;
names are mapped one by one (no name is guessed), and a name in a part's prefix this map does not
know is refused with the name. Plain stdlib."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ...files.weight_formats import TensorInfo, WeightFile
from ...base.errors import ModelError

UNET = "model.diffusion_model."
DECODER = "first_stage_model."  # the temporal decoder (and, in some files, an encoder)
COND_VAE = "conditioner.embedders.3.encoder."  # the encoder sgm encodes the still with (+ its quant_conv)
CLIP = "conditioner.embedders.0.open_clip.model.visual."
TRANSPOSED = {"visual_projection.weight": "proj"}  # diffusers name -> OpenCLIP name: stored (width, projection)


@dataclass(frozen=True)
class Converted:
    """A part's tensors under the target's names (``wf``), and each target name's name in the file."""
    wf: WeightFile
    source: dict[str, str]  # target name -> the file's name (its prefix included)


def _subset(wf: WeightFile, prefix: str) -> dict[str, TensorInfo]:
    n = len(prefix)
    return {k[n:]: v for k, v in wf.tensors.items() if k.startswith(prefix)}


def _build(wf: WeightFile, renamed: dict[str, tuple[str, TensorInfo]]) -> Converted:
    """A WeightFile of ``renamed`` (target -> (the file's full name, its entry)), scales carried along."""
    tensors = {new: info for new, (_, info) in renamed.items()}
    source = {new: old for new, (old, _) in renamed.items()}
    scales = {new: wf.scales[old] for new, old in source.items() if old in wf.scales}
    return Converted(WeightFile(wf.path, wf.kind, tensors, scales, wf.data_start, wf.aside), source)


# ------------------------------------------------------------------------------------------------ UNet

_RES = (("in_layers.0.", "norm1."), ("in_layers.2.", "conv1."), ("emb_layers.1.", "time_emb_proj."),
        ("out_layers.0.", "norm2."), ("out_layers.3.", "conv2."), ("skip_connection.", "conv_shortcut."))


def _res_inner(rest: str) -> str | None:
    for a, b in _RES:
        if rest.startswith(a):
            return b + rest[len(a):]
    return None


def _resnet(rest: str) -> str | None:
    """A VideoResBlock's names -> SpatioTemporalResBlock's."""
    if rest == "time_mixer.mix_factor":
        return rest
    if rest.startswith("time_stack."):
        inner = _res_inner(rest[len("time_stack."):])
        return None if inner is None else "temporal_res_block." + inner
    inner = _res_inner(rest)
    return None if inner is None else "spatial_res_block." + inner


def _attention(rest: str) -> str:
    """A SpatialVideoTransformer's names -> TransformerSpatioTemporalModel's (the blocks inside keep theirs)."""
    if rest.startswith("time_stack."):
        return "temporal_transformer_blocks." + rest[len("time_stack."):]
    for a, b in (("time_pos_embed.0.", "time_pos_embed.linear_1."), ("time_pos_embed.2.", "time_pos_embed.linear_2.")):
        if rest.startswith(a):
            return b + rest[len(a):]
    return rest


_UNET_FIXED = {"time_embed.0.": "time_embedding.linear_1.", "time_embed.2.": "time_embedding.linear_2.",
               "label_emb.0.0.": "add_embedding.linear_1.", "label_emb.0.2.": "add_embedding.linear_2.",
               "input_blocks.0.0.": "conv_in.", "out.0.": "conv_norm_out.", "out.2.": "conv_out."}
_MID = {"0": "mid_block.resnets.0.", "1": "mid_block.attentions.0.", "2": "mid_block.resnets.1."}


def layers_per_block(names) -> int:
    """Resnets per level of the UNet's down path: the input blocks before the first downsampler."""
    ops = sorted(int(m[1]) for k in names if (m := re.match(r"input_blocks\.(\d+)\.0\.op\.weight$", k)))
    if ops:
        return ops[0] - 1
    return max((int(m[1]) for k in names if (m := re.match(r"input_blocks\.(\d+)\.", k))), default=0)


def unet_name(old: str, lpb: int) -> str | None:
    """A VideoUNet tensor's diffusers name (``old`` without ``model.diffusion_model.``), None when unknown."""
    for a, b in _UNET_FIXED.items():
        if old.startswith(a):
            return b + old[len(a):]
    if m := re.match(r"middle_block\.(\d)\.(.+)$", old):
        if m[1] not in _MID:
            return None
        inner = _attention(m[2]) if m[1] == "1" else _resnet(m[2])
        return None if inner is None else _MID[m[1]] + inner
    m = re.match(r"(input|output)_blocks\.(\d+)\.(\d+)\.(.+)$", old)
    if not m:
        return None
    i, k, rest = int(m[2]), int(m[3]), m[4]
    if m[1] == "input":
        level, j = divmod(i - 1, lpb + 1)
        if k == 0 and rest.startswith("op."):
            return f"down_blocks.{level}.downsamplers.0.conv.{rest[3:]}"
        where = f"down_blocks.{level}"
    else:
        level, j = divmod(i, lpb + 1)
        if k > 0 and rest.startswith("conv."):
            return f"up_blocks.{level}.upsamplers.0.{rest}"
        where = f"up_blocks.{level}"
    if k == 0:
        inner = _resnet(rest)
        return None if inner is None else f"{where}.resnets.{j}.{inner}"
    return f"{where}.attentions.{j}.{_attention(rest)}" if k == 1 else None


def unet(wf: WeightFile) -> Converted:
    """The UNet's tensors under UNetSpatioTemporalConditionModel's names."""
    part = _subset(wf, UNET)
    lpb = layers_per_block(part)
    out = {}
    for old, info in part.items():
        new = unet_name(old, lpb)
        if new is None:
            raise ModelError(f"'{wf.path}': the UNet tensor '{UNET}{old}' is not one of Stability's VideoUNet names "
                             "Studio maps to diffusers' UNetSpatioTemporalConditionModel")
        out[new] = (UNET + old, info)
    return _build(wf, out)


def unet_state(checkpoint: dict, **_) -> dict:
    """The UNet's tensors of a checkpoint (a state: meta tensors will do) under diffusers' names, as
    diffusers' single-file converters are called (single_file.renamed: a file with a base folder)."""
    part = {k[len(UNET):]: v for k, v in checkpoint.items() if k.startswith(UNET)}
    lpb = layers_per_block(part)
    out = {}
    for old, t in part.items():
        new = unet_name(old, lpb)
        if new is None:
            raise ValueError(f"'{UNET}{old}' is not a VideoUNet name")
        out[new] = t
    return out


CONVERTERS = {"UNetSpatioTemporalConditionModel": unet_state}  # class -> Studio's converter (single_file.py)


# ------------------------------------------------------------------------------------------------ VAE

_ATTN = {"norm.": "group_norm.", "q.": "to_q.", "k.": "to_k.", "v.": "to_v.", "proj_out.": "to_out.0."}
_VAE_RES = {"norm1.": "norm1.", "conv1.": "conv1.", "norm2.": "norm2.", "conv2.": "conv2.",
            "nin_shortcut.": "conv_shortcut."}


def _vae_attention(rest: str, info: TensorInfo) -> tuple[str, TensorInfo] | None:
    for a, b in _ATTN.items():
        if rest.startswith(a):
            if rest.endswith(".weight") and a != "norm." and len(info.shape) == 4:
                info = replace(info, shape=info.shape[:2])  # a 1x1 conv's weight is its Linear's: the same bytes
            return b + rest[len(a):], info
    return None


def _vae_res(rest: str, temporal: bool) -> str | None:
    if temporal:
        if rest == "mix_factor":
            return "time_mixer.mix_factor"
        if rest.startswith("time_stack."):
            inner = _res_inner(rest[len("time_stack."):])
            return None if inner is None or inner.startswith(("time_emb", "conv_shortcut")) else \
                "temporal_res_block." + inner
    for a, b in _VAE_RES.items():
        if rest.startswith(a):
            return ("spatial_res_block." if temporal else "") + b + rest[len(a):]
    return None


def vae_name(old: str, info: TensorInfo, levels: int) -> tuple[str, TensorInfo] | None:
    """An sgm encoder / temporal decoder tensor (``encoder.…``, ``decoder.…``, ``quant_conv.…``) under
    AutoencoderKLTemporalDecoder's name, None when unknown."""
    fixed = {"encoder.conv_in.": "encoder.conv_in.", "encoder.conv_out.": "encoder.conv_out.",
             "encoder.norm_out.": "encoder.conv_norm_out.", "decoder.conv_in.": "decoder.conv_in.",
             "decoder.norm_out.": "decoder.conv_norm_out.", "decoder.conv_out.time_mix_conv.": "decoder.time_conv_out.",
             "quant_conv.": "quant_conv."}
    for a, b in fixed.items():
        if old.startswith(a):
            return b + old[len(a):], info
    if m := re.match(r"decoder\.conv_out\.(weight|bias)$", old):
        return f"decoder.conv_out.{m[1]}", info
    if m := re.match(r"(encoder|decoder)\.mid\.attn_1\.(.+)$", old):
        r = _vae_attention(m[2], info)
        return None if r is None else (f"{m[1]}.mid_block.attentions.0.{r[0]}", r[1])
    if m := re.match(r"(encoder|decoder)\.mid\.block_([12])\.(.+)$", old):
        inner = _vae_res(m[3], m[1] == "decoder")
        return None if inner is None else (f"{m[1]}.mid_block.resnets.{int(m[2]) - 1}.{inner}", info)
    if m := re.match(r"encoder\.down\.(\d+)\.(block\.(\d+)\.(.+)|downsample\.conv\.(.+))$", old):
        if m[5]:
            return f"encoder.down_blocks.{m[1]}.downsamplers.0.conv.{m[5]}", info
        inner = _vae_res(m[4], False)
        return None if inner is None else (f"encoder.down_blocks.{m[1]}.resnets.{m[3]}.{inner}", info)
    if m := re.match(r"decoder\.up\.(\d+)\.(block\.(\d+)\.(.+)|upsample\.conv\.(.+))$", old):
        up = levels - 1 - int(m[1])  # sgm counts the decoder's levels from the smallest width
        if m[5]:
            return f"decoder.up_blocks.{up}.upsamplers.0.conv.{m[5]}", info
        inner = _vae_res(m[4], True)
        return None if inner is None else (f"decoder.up_blocks.{up}.resnets.{m[3]}.{inner}", info)
    return None


def vae_sources(wf: WeightFile) -> tuple[str, str, str] | None:
    """(decoder prefix, encoder prefix, quant_conv prefix or '') of the file's VAE; None: no temporal decoder.
    sgm encodes the still with the conditioner's encoder (its quant_conv with it), as diffusers' SVD
    folders hold; a file without it, with the first stage's."""
    if f"{DECODER}decoder.conv_in.weight" not in wf.tensors:
        return None
    if f"{COND_VAE}encoder.conv_in.weight" in wf.tensors:
        return DECODER, COND_VAE, COND_VAE if f"{COND_VAE}quant_conv.weight" in wf.tensors else ""
    if f"{DECODER}encoder.conv_in.weight" in wf.tensors:
        return DECODER, DECODER, DECODER if f"{DECODER}quant_conv.weight" in wf.tensors else ""
    return DECODER, "", ""


def vae(wf: WeightFile) -> Converted:
    """The temporal VAE's tensors (decoder + the encoder vae_sources picks) under diffusers' names. A
    missing quant_conv (sgm's AutoencodingEngine has none) is not in the result: the loader makes it
    the identity."""
    src = vae_sources(wf)
    assert src is not None
    dec, enc, quant = src
    picked: dict[str, str] = {}  # name without prefix -> full name
    for k in wf.tensors:
        if k.startswith(dec + "decoder."):
            picked[k[len(dec):]] = k
        elif enc and k.startswith(enc + "encoder."):
            picked[k[len(enc):]] = k
        elif quant and k.startswith(quant + "quant_conv."):
            picked[k[len(quant):]] = k
    levels = 1 + max((int(m[1]) for k in picked if (m := re.match(r"decoder\.up\.(\d+)\.", k))), default=0)
    out = {}
    for old, full in picked.items():
        r = vae_name(old, wf.tensors[full], levels)
        if r is None:
            raise ModelError(f"'{wf.path}': the VAE tensor '{full}' is not one of Stability's temporal VAE names Studio "
                             "maps to diffusers' AutoencoderKLTemporalDecoder")
        out[r[0]] = (full, r[1])
    return _build(wf, out)


# ------------------------------------------------------------------------------------------------ CLIP

_CLIP_FIXED = {"class_embedding": "vision_model.embeddings.class_embedding",
               "positional_embedding": "vision_model.embeddings.position_embedding.weight",
               "conv1.weight": "vision_model.embeddings.patch_embedding.weight"}
_CLIP_PREFIX = {"ln_pre.": "vision_model.pre_layrnorm.", "ln_post.": "vision_model.post_layernorm."}
_BLOCK = {"ln_1.": "layer_norm1.", "ln_2.": "layer_norm2.", "attn.out_proj.": "self_attn.out_proj.",
          "mlp.c_fc.": "mlp.fc1.", "mlp.c_proj.": "mlp.fc2."}


def _thirds(info: TensorInfo) -> list[TensorInfo]:
    """q, k, v of a joined in_proj tensor: three row ranges of its bytes."""
    rows = info.shape[0] // 3
    step = (info.end - info.start) // 3
    return [TensorInfo((rows,) + tuple(info.shape[1:]), info.dtype, info.start + i * step, info.start + (i + 1) * step)
            for i in range(3)]


def clip(wf: WeightFile) -> Converted:
    """The OpenCLIP image tower's tensors under CLIPVisionModelWithProjection's names; ``proj`` is
    left out (TRANSPOSED: the loader reads it and turns it)."""
    out = {}
    for old, info in _subset(wf, CLIP).items():
        full = CLIP + old
        if old == "proj":
            continue
        if old in _CLIP_FIXED:
            out[_CLIP_FIXED[old]] = (full, info)
            continue
        new = next((b + old[len(a):] for a, b in _CLIP_PREFIX.items() if old.startswith(a)), None)
        m = re.match(r"transformer\.resblocks\.(\d+)\.(.+)$", old)
        if new is None and m:
            layer = f"vision_model.encoder.layers.{m[1]}."
            if m[2] in ("attn.in_proj_weight", "attn.in_proj_bias"):
                if info.shape[0] % 3:
                    raise ModelError(f"'{wf.path}': '{full}' has {info.shape[0]} rows, not three equal q, k, v parts")
                kind = m[2].rsplit("_", 1)[1]
                for proj, piece in zip(("q_proj", "k_proj", "v_proj"), _thirds(info)):
                    out[f"{layer}self_attn.{proj}.{kind}"] = (full, piece)
                continue
            new = next((layer + b + m[2][len(a):] for a, b in _BLOCK.items() if m[2].startswith(a)), None)
        if new is None:
            raise ModelError(f"'{wf.path}': the image-encoder tensor '{full}' is not one of OpenCLIP's vision tower "
                             "names Studio maps to transformers' CLIPVisionModelWithProjection")
        out[new] = (full, info)
    return _build(wf, out)
