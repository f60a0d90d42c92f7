"""Stable Video Diffusion from ComfyUI's one checkpoint (the family module, as parts.py is Wan's):
the UNet, the temporal VAE and the OpenCLIP image encoder read from Stability's sgm layout
(convert.py), their configs from the file's shapes and Studio's data (configs.py), every tensor
checked against its model built on the meta device before the first is loaded, then each loaded
lean (a meta skeleton, the weights read straight into it, in the format the file stores: bf16 /
fp16 / fp32, fp8 and scaled fp8 as single_file.lean_load reads them). The scheduler and image
processor are Studio's data for the released models; nothing is downloaded. Its image encoder sees the centre
square of the picture, as ComfyUI's SVD_img2vid_Conditioning gives it (clip_square.py; a diffusers folder is run as
diffusers runs it: the whole picture squashed).

SVD takes no separate part files (its checkpoint holds them): given ones are refused, saying so."""
from __future__ import annotations

import os

from ...files.parts import PART_TITLES, Part
from ...files.single_file import lean_load
from ...files.tensor_reads import read_tensor
from ...files.weight_formats import WeightFile, describe
from ...base.errors import ModelError
from ...base.family import Family
from . import configs, convert, image_decoder

DENOISER = "UNetSpatioTemporalConditionModel"
GIVE = ("give the whole checkpoint (ComfyUI's checkpoints/svd.safetensors or svd_xt.safetensors, as "
        "Stability released it), or set 'base' to a diffusers Stable Video Diffusion folder")


def _shapes(wf: WeightFile) -> dict:
    return {k: tuple(v.shape) for k, v in wf.tensors.items()}


def check_parts(fam: Family, den_cfg: dict, den_path: str, files: dict[str, str], diffusers) -> dict[str, Part]:
    """SVD reads no separate part files: its VAE and image encoder are in its checkpoint (or its folder)."""
    if files:
        c, path = next(iter(files.items()))
        raise ModelError(f"a {PART_TITLES[c]} file '{path}' was given, but Stable Video Diffusion takes its VAE and "
                         "image encoder from its checkpoint (or its diffusers folder): leave the part files empty")
    return {}


def denoiser_config(diffusers, fam: Family, wf: WeightFile) -> tuple[str, dict, WeightFile]:
    """(class name, config, the UNet's tensors under diffusers' names) of a checkpoint in Stability's
    layout: the config from the shapes, checked on the meta device (nothing is read)."""
    if wf.kind != "safetensors":
        raise ModelError(f"'{wf.path}': Stable Video Diffusion is read from a .safetensors checkpoint (bf16, fp16, fp32 "
                         "or fp8) with no folder; GGUF SVD files are not read")
    if not any(k.startswith(convert.UNET) for k in wf.tensors):
        raise ModelError(f"'{wf.path}' is a Stable Video Diffusion UNet in diffusers' names, which holds no VAE or image "
                         "encoder: set 'base' to a diffusers Stable Video Diffusion folder")
    unet = convert.unet(wf)
    cfg = configs.unet(_shapes(unet.wf), wf.path)
    model = configs.skeleton("unet", cfg)
    configs.misfit(model, _shapes(unet.wf), unet.source, (), "UNet", wf.path)
    return DENOISER, cfg, unet.wf


def _identity_quant(channels: int, torch_dtype) -> dict:
    """sgm's AutoencodingEngine has no quant_conv; diffusers' class has one: the identity."""
    import torch
    return {"quant_conv.weight": torch.eye(channels, dtype=torch_dtype).reshape(channels, channels, 1, 1),
            "quant_conv.bias": torch.zeros(channels, dtype=torch_dtype)}


def _projection(wf: WeightFile):
    """OpenCLIP's ``proj`` (width, projection) read and turned into the Linear's weight (projection,
    width); a scaled-fp8 one with its scale applied."""
    import torch
    name = convert.CLIP + "proj"
    with open(wf.path, "rb", buffering=0) as f:
        t = read_tensor(f, wf, name)
        scale = float(read_tensor(f, wf, wf.scales[name]).float()) if name in wf.scales else None
    t = t.to(torch.float32) * scale if scale is not None else t.to(torch.float32) if t.dtype.itemsize == 1 else t
    return {"visual_projection.weight": t.t().contiguous()}


def _checked_parts(wf: WeightFile) -> tuple[dict, dict]:
    """The VAE's and image encoder's converted tensors and configs, checked on the meta device:
    ({'vae': Converted, 'image_encoder': Converted}, their configs). A part not in the file is named."""
    src = convert.vae_sources(wf)
    missing = [w for w, absent in (("the temporal VAE (first_stage_model.decoder.*)", src is None),
                                   ("the image encoder (conditioner.embedders.0.open_clip.model.visual.*)",
                                    f"{convert.CLIP}proj" not in wf.tensors)) if absent]
    if missing:
        raise ModelError(f"'{wf.path}' holds Stable Video Diffusion's UNet but not {' nor '.join(missing)}: {GIVE}")
    vae, enc = convert.vae(wf), convert.clip(wf)
    proj = wf.tensors[f"{convert.CLIP}proj"].shape
    shapes = {"vae": _shapes(vae.wf), "image_encoder": {**_shapes(enc.wf), "visual_projection.weight": proj[::-1]}}
    cfgs = {"vae": configs.vae(shapes["vae"], wf.path), "image_encoder": configs.clip(shapes["image_encoder"], wf.path)}
    for c, conv in (("vae", vae), ("image_encoder", enc)):
        made = ("quant_conv.weight", "quant_conv.bias") if c == "vae" and "quant_conv.weight" not in vae.wf.tensors \
            else ()
        model = configs.skeleton(c, cfgs[c])
        made += image_decoder.made_names(model, shapes[c]) if c == "vae" else ()  # (an image decoder's first stage)
        source = {**conv.source, "visual_projection.weight": f"{convert.CLIP}proj"}
        configs.misfit(model, shapes[c], source, made, {"vae": "temporal VAE", "image_encoder": "image encoder"}[c],
                       wf.path)
    return {"vae": vae, "image_encoder": enc}, cfgs


def _unread_words(wf: WeightFile, used: set) -> str:
    """The prefixes of the tensors not read, with counts: 'conditioner.embedders.3.encoder.decoder. (138)'."""
    from collections import Counter
    heads = Counter(".".join(n.split(".")[:4]) + ("." if n.count(".") > 3 else "") for n in wf.tensors if n not in used)
    return ", ".join(f"{h} ({c})" for h, c in heads.most_common(3)) + (", …" if len(heads) > 3 else "")


def _clip_title(cfg: dict) -> str:
    size = "ViT-H/14" if (cfg["hidden_size"], cfg["num_hidden_layers"]) == (1280, 32) else \
        f"width {cfg['hidden_size']}, {cfg['num_hidden_layers']} layers"
    return f"OpenCLIP image encoder ({size})"


def _how(wf: WeightFile, torch_dtype) -> str:
    compute = str(torch_dtype).replace("torch.", "").replace("bfloat16", "bf16").replace("float32", "fp32") \
        .replace("float16", "fp16")
    return f"stored in 8 bits, computed in {compute}" if wf.fmt.startswith("fp8") else f"loaded as {compute}"


def build_pipeline(diffusers, fam: Family, wf: WeightFile, files: dict[str, str], torch_dtype, info):
    """(pipeline, weights in words, model_index-like dict, parts) from ComfyUI's SVD checkpoint with
    no folder: every part converted and checked (headers only) before the first is loaded."""
    check_parts(fam, {}, wf.path, files, diffusers)
    _, cfg, unet_wf = denoiser_config(diffusers, fam, wf)
    converted, cfgs = _checked_parts(wf)
    _, frames = configs.frames_of(wf.path)
    cls, _ = configs.model_class("unet", cfg)
    unet = lean_load(cls, cfg, unet_wf, torch_dtype)
    weights = describe(wf)
    used = {*converted["vae"].source.values(), *converted["image_encoder"].source.values(), f"{convert.CLIP}proj",
            *(n for n in wf.tensors if n.startswith(convert.UNET))}
    unread = len(set(wf.tensors) - used)
    info(f"weights: {describe(wf, detail=True)} in Stability's layout (renamed by Studio's converter), "
         f"{_how(wf, torch_dtype)}; config from the file's shapes ({configs.HEAD_DIM}-value attention heads, "
         f"{frames}, SVD's Euler scheduler and image processor); {configs.LICENCE}"
         + (f"; {unread} of the file's tensors are not read (what sgm keeps beside the three parts: "
            f"{_unread_words(wf, used)})" if unread else ""))
    vae_wf = converted["vae"].wf
    identity = "quant_conv.weight" not in vae_wf.tensors
    extra = _identity_quant(2 * cfgs["vae"]["latent_channels"], torch_dtype) if identity else {}
    skeleton = configs.skeleton("vae", cfgs["vae"])
    framewise = image_decoder.made_names(skeleton, vae_wf.tensors)  # (the image decoder's checkpoint: each frame alone)
    extra.update(image_decoder.pass_through(skeleton, framewise, torch_dtype))
    comps = {"unet": unet}
    cls, conf = configs.model_class("vae", cfgs["vae"])
    comps["vae"] = lean_load(cls, conf, vae_wf, torch_dtype, extra=extra)
    cls, conf = configs.model_class("image_encoder", cfgs["image_encoder"])
    comps["image_encoder"] = lean_load(cls, conf, converted["image_encoder"].wf, torch_dtype, extra=_projection(wf))
    from transformers import CLIPImageProcessor
    from .clip_square import pipeline_class  # its image encoder given the centre square, as ComfyUI gives it
    pipe = pipeline_class()(
        **comps, scheduler=diffusers.EulerDiscreteScheduler.from_config(configs.SCHEDULER),
        feature_extractor=CLIPImageProcessor(**configs.IMAGE_PROCESSOR))
    name = os.path.basename(wf.path)
    parts = {"vae": Part("vae", vae_wf, "SVD temporal VAE (in the checkpoint)", cls_name="AutoencoderKLTemporalDecoder",
                         cfg=cfgs["vae"]),
             "image_encoder": Part("image_encoder", converted["image_encoder"].wf,
                                   f"{_clip_title(cfgs['image_encoder'])} (in the checkpoint)",
                                   cls_name="CLIPVisionModelWithProjection", cfg=cfgs["image_encoder"])}
    for c, part in parts.items():
        info(f"{PART_TITLES[c]}: {name}: {part.what}, {describe(part.wf)}"
             + (", its quant_conv the identity (the file's first stage has none)" if c == "vae" and identity else "")
             + (", an image decoder (no temporal layers): each frame decoded alone, as ComfyUI decodes it, the temporal "
                "VAE's own layers set to pass the frames through" if c == "vae" and framewise else ""))
    index = {"_class_name": "StableVideoDiffusionPipeline", fam.denoiser: ["diffusers", DENOISER]}
    return pipe, weights, index, parts
