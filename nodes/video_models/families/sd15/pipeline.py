"""Stable Diffusion 1.5 from ComfyUI's one checkpoint, with no folder (the family's part reader, base/capabilities.py
PartReader): its UNet, VAE and CLIP ViT-L text encoder in Stability's ldm layout, read as AnimateDiff reads the
checkpoint it animates (animatediff/parts.py: configs from the shapes, diffusers' converters renaming them, every
tensor checked against its model built on the meta device before any is read, the CLIP tokenizer found beside the
checkpoint, in ComfyUI's folder or the Hugging Face cache), then diffusers' StableDiffusionPipeline made of them
with no safety checker (ComfyUI runs none). The scheduler is SD 1.5's released one's betas (scaled linear
0.00085-0.012, 'leading' spacing) under Euler, as SDXL's still. Nothing is downloaded."""
from __future__ import annotations

import os

from ...base.errors import ModelError
from ...base.family import Family
from ...files.parts import no_part_files
from ...files.weight_formats import WeightFile, describe
from ..animatediff import parts
from .recognise import CLIP, UNET, VAE

SCHEDULER = dict(beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", num_train_timesteps=1000,
                 prediction_type="epsilon", timestep_spacing="leading", steps_offset=1, interpolation_type="linear",
                 use_karras_sigmas=False)
GIVE = "give a Stable Diffusion 1.5 checkpoint as ComfyUI loads it (checkpoints/*.safetensors, Stability's layout)"
WORDS = {"unet": "UNet", "vae": "VAE", "text_encoder": "CLIP ViT-L text encoder"}


def check_parts(fam: Family, den_cfg: dict, den_path: str, files: dict[str, str], diffusers) -> dict:
    """SD 1.5 reads no separate part files: its VAE and text encoder are in its checkpoint."""
    no_part_files(files, "Stable Diffusion 1.5", "VAE and text encoder")
    return {}


def _checked(wf: WeightFile) -> None:
    if wf.kind != "safetensors":
        raise ModelError(f"'{wf.path}': a Stable Diffusion 1.5 checkpoint is read from a .safetensors file")


def _shapes(wf: WeightFile, prefix: str) -> dict:
    return {k[len(prefix):]: tuple(v.shape) for k, v in wf.tensors.items() if k.startswith(prefix)}


def denoiser_config(diffusers, fam: Family, wf: WeightFile) -> tuple[str, dict, WeightFile]:
    """("UNet2DConditionModel", its config from the shapes, the checkpoint)."""
    _checked(wf)
    u = _shapes(wf, UNET)
    if "label_emb.0.0.weight" in u:
        raise ModelError(f"'{wf.path}' is a Stable Diffusion XL checkpoint (its UNet embeds the picture's size), not "
                         f"SD 1.5's: {GIVE}")
    return "UNet2DConditionModel", parts.unet_config(u, wf.path), wf


def build_pipeline(diffusers, fam: Family, wf: WeightFile, files: dict[str, str], torch_dtype, info, waiting=()):
    """(StableDiffusionPipeline, weights in words, model_index-like dict, parts {}) from ComfyUI's SD 1.5 checkpoint:
    every config read and every tensor checked on the meta device before the weights are read."""
    from transformers import CLIPTextConfig, CLIPTextModel

    from ...files.qwen_parts import renamed as by_names
    from ...files.single_file import converted_load, converted_shapes, lean_load, renamed
    check_parts(fam, {}, wf.path, files, diffusers)
    _, ucfg, _ = denoiser_config(diffusers, fam, wf)
    vcfg = parts.vae_config(_shapes(wf, VAE), wf.path)
    tok = parts.tokenizer_for(wf.path)
    ccfg = parts.clip_config({k.removeprefix("text_model."): v for k, v in _shapes(wf, CLIP).items()}, wf.path, tok)
    if tok.model_max_length > ccfg["max_position_embeddings"]:  # vocab.json and merges.txt alone say no length
        tok.model_max_length = ccfg["max_position_embeddings"]
    if ucfg["cross_attention_dim"] != ccfg["hidden_size"]:
        raise ModelError(f"'{wf.path}': its UNet attends to {ucfg['cross_attention_dim']}-value prompts, not its text "
                         f"encoder's {ccfg['hidden_size']}: {GIVE}")
    from accelerate import init_empty_weights

    from studio.engine.meta_device import skip_init_on_meta
    skip_init_on_meta()
    with init_empty_weights():
        skeletons = {"unet": diffusers.UNet2DConditionModel(**ucfg), "vae": diffusers.AutoencoderKL(**vcfg),
                     "text_encoder": CLIPTextModel(CLIPTextConfig(**ccfg))}
    plans = {}
    for c, cls, cfg in (("unet", diffusers.UNet2DConditionModel, ucfg), ("vae", diffusers.AutoencoderKL, vcfg)):
        part = parts.part_of(wf, UNET if c == "unet" else VAE)
        named = renamed(cls, cfg, part)
        shapes = {k: v.shape for k, v in named.tensors.items()} if named is not None else \
            converted_shapes(cls, cfg, part) or {}
        plans[c] = (cls, cfg, named, part, shapes)
    text = by_names(wf, {old: new for new, old in parts.clip_names(
        {k.removeprefix(CLIP): k for k in wf.tensors if k.startswith(CLIP) and not k.endswith("position_ids")},
        set(skeletons["text_encoder"].state_dict())).items()})
    plans["text_encoder"] = (CLIPTextModel, CLIPTextConfig(**ccfg), text, text,
                             {k: v.shape for k, v in text.tensors.items()})
    for c, (*_, shapes) in plans.items():  # names and shapes, before any weight is read
        parts.fitted(skeletons[c], shapes, WORDS[c], wf.path, skip=("position_ids",))
    comps = {c: (lean_load(cls, cfg, named, torch_dtype) if named is not None
                 else converted_load(cls, cfg, part, torch_dtype))
             for c, (cls, cfg, named, part, _) in plans.items()}
    pipe = diffusers.StableDiffusionPipeline(**comps, tokenizer=tok,
                                             scheduler=diffusers.EulerDiscreteScheduler(**SCHEDULER),
                                             safety_checker=None, feature_extractor=None,
                                             requires_safety_checker=False)
    info(f"weights: the Stable Diffusion 1.5 checkpoint {os.path.basename(wf.path)} ({describe(wf)}), renamed by "
         "diffusers' converters; configs from its shapes (SD 1.5's 8 attention heads and 32 norm groups); an Euler "
         "scheduler on SD 1.5's scaled linear betas; no safety checker (ComfyUI runs none); a still picture a run "
         "(a one-frame take)")
    index = {"_class_name": PIPELINE_CLASS, fam.denoiser: ["diffusers", "UNet2DConditionModel"]}
    return pipe, describe(wf), index, {}


PIPELINE_CLASS = "StableDiffusionPipeline"
