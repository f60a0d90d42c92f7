"""Stable Diffusion XL from ComfyUI's one checkpoint, with no folder (the family's part reader, base/capabilities.py
PartReader): the UNet, the VAE and the two text encoders (CLIP ViT-L, OpenCLIP ViT-bigG) in Stability's sgm layout,
renamed by diffusers' own converters (loaders/single_file_utils.py: convert_ldm_unet_checkpoint,
convert_ldm_vae_checkpoint, convert_ldm_clip_checkpoint's prefix, convert_open_clip_checkpoint), their configs from
the shapes (configs.py), every tensor checked against its model built on the meta device before any is read, then
each loaded lean, and diffusers' StableDiffusionXLPipeline made of them. Both tokenizers are CLIP's BPE vocabulary
(ComfyUI keeps it in its code, not in the checkpoint), found where AnimateDiff's is (a tokenizer/ folder beside the
checkpoint, ComfyUI's comfy/sd1_tokenizer/, the Hugging Face cache's CLIP ViT-L/14); the second pads with '!' as
SDXL's release does. Nothing is downloaded."""
from __future__ import annotations

import os

from ...base.errors import ModelError
from ...base.family import Family
from ...files.parts import no_part_files
from ...files.weight_formats import WeightFile, describe
from ..animatediff.parts import clip_names, part_of, fitted, tokenizer_for
from . import configs
from .recognise import CLIP_G, CLIP_L, UNET, VAE

WORDS = {"unet": "UNet", "vae": "VAE", "text_encoder": "CLIP ViT-L text encoder",
         "text_encoder_2": "OpenCLIP ViT-bigG text encoder"}


def check_parts(fam: Family, den_cfg: dict, den_path: str, files: dict[str, str], diffusers) -> dict:
    """SDXL reads no separate part files: its VAE and text encoders are in its checkpoint."""
    no_part_files(files, "Stable Diffusion XL", "VAE and text encoders")
    return {}


def _checked(wf: WeightFile) -> None:
    if wf.kind != "safetensors":
        raise ModelError(f"'{wf.path}': a Stable Diffusion XL checkpoint is read from a .safetensors file")


def denoiser_config(diffusers, fam: Family, wf: WeightFile) -> tuple[str, dict, WeightFile]:
    """("UNet2DConditionModel", its config from the shapes, the checkpoint)."""
    _checked(wf)
    return "UNet2DConditionModel", configs.unet(configs.shapes_under(wf, UNET), configs.pooled_width(wf), wf.path), wf


def _open_clip(wf: WeightFile, read: bool):
    """OpenCLIP bigG's tensors under CLIPTextModelWithProjection's names by diffusers' converter: on meta tensors
    (shapes alone) or read."""
    import torch
    from diffusers.loaders.single_file_utils import convert_open_clip_checkpoint

    from ...files.tensor_reads import read_tensor, torch_dtype_of
    from studio.core.checked_open import checked_file
    names = [k for k in wf.tensors if k.startswith(CLIP_G)]
    if read:
        with checked_file(wf.path, "model file", buffering=0) as f:
            state = {k: read_tensor(f, wf, k) for k in names}
    else:
        state = {k: torch.empty(wf.tensors[k].shape, dtype=torch_dtype_of(wf.tensors[k].dtype), device="meta")
                 for k in names}
    return convert_open_clip_checkpoint(None, state, prefix=CLIP_G)


def _skeleton(diffusers, c: str, cfg):
    from accelerate import init_empty_weights
    from transformers import CLIPTextModel, CLIPTextModelWithProjection

    from studio.engine.meta_device import skip_init_on_meta
    skip_init_on_meta()
    with init_empty_weights():
        return {"unet": lambda: diffusers.UNet2DConditionModel(**cfg), "vae": lambda: diffusers.AutoencoderKL(**cfg),
                "text_encoder": lambda: CLIPTextModel(cfg), "text_encoder_2": lambda: CLIPTextModelWithProjection(cfg)
                }[c]()


def _tokenizers(path: str):
    """(CLIP ViT-L's tokenizer, OpenCLIP bigG's: the same vocabulary padded with '!')."""
    from transformers import CLIPTokenizer
    tok = tokenizer_for(path)
    place = os.path.dirname(tok.vocab_file) if getattr(tok, "vocab_file", None) else None
    tok_2 = CLIPTokenizer.from_pretrained(place, local_files_only=True, pad_token="!") if place else tok
    return tok, tok_2


def build_pipeline(diffusers, fam: Family, wf: WeightFile, files: dict[str, str], torch_dtype, info, waiting=()):
    """(StableDiffusionXLPipeline, weights in words, model_index-like dict, parts {}) from ComfyUI's SDXL checkpoint:
    every config read and every tensor checked on the meta device before the weights are read."""
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection

    from ...files.qwen_parts import renamed as by_names
    from ...files.single_file import converted_load, converted_shapes, lean_load, renamed
    check_parts(fam, {}, wf.path, files, diffusers)
    _, ucfg, _ = denoiser_config(diffusers, fam, wf)
    vcfg = configs.vae(configs.shapes_under(wf, VAE), wf.path)
    tok, tok_2 = _tokenizers(wf.path)
    l_names = {k[len(CLIP_L):]: k for k in wf.tensors if k.startswith(CLIP_L) and not k.endswith("position_ids")}
    g_shapes = {k: tuple(v.shape) for k, v in _open_clip(wf, read=False).items()}
    ccfg = CLIPTextConfig(**configs.text({k.removeprefix("text_model."): tuple(wf.tensors[v].shape)
                                          for k, v in l_names.items()}, wf.path, tok, "quick_gelu"))
    # under the names of the CLIPTextModel built (with or without its 'text_model.' level: transformers' own)
    text_l = by_names(wf, {old: new for new, old in clip_names(l_names, set(_skeleton(
        diffusers, "text_encoder", ccfg).state_dict())).items()})
    gcfg = CLIPTextConfig(**configs.text({k.removeprefix("text_model."): v for k, v in g_shapes.items()}, wf.path,
                                         tok_2, "gelu", configs.pooled_width(wf)))
    for t, cfg in ((tok, ccfg), (tok_2, gcfg)):  # vocab.json and merges.txt alone say no length
        if t.model_max_length > cfg.max_position_embeddings:
            t.model_max_length = cfg.max_position_embeddings
    if ucfg["cross_attention_dim"] != ccfg.hidden_size + gcfg.hidden_size:
        raise ModelError(f"'{wf.path}': its UNet attends to {ucfg['cross_attention_dim']}-value prompts, not its two "
                         f"text encoders' {ccfg.hidden_size} + {gcfg.hidden_size}: {configs.GIVE}")
    plans = {}
    for c, cls, part, cfg in (("unet", diffusers.UNet2DConditionModel, part_of(wf, UNET), ucfg),
                              ("vae", diffusers.AutoencoderKL, part_of(wf, VAE), vcfg)):
        named = renamed(cls, cfg, part)
        shapes = {k: v.shape for k, v in named.tensors.items()} if named is not None else \
            converted_shapes(cls, cfg, part) or {}
        plans[c] = (cls, cfg, named, part, shapes)
    plans["text_encoder"] = (CLIPTextModel, ccfg, text_l, text_l, {k: v.shape for k, v in text_l.tensors.items()})
    plans["text_encoder_2"] = (CLIPTextModelWithProjection, gcfg, None, None, g_shapes)
    for c, (_, cfg, *_, shapes) in plans.items():  # names and shapes, before any weight is read
        fitted(_skeleton(diffusers, c, cfg), shapes, WORDS[c], wf.path, skip=("position_ids",))
    comps = {}
    for c, (cls, cfg, named, part, _) in plans.items():
        if c == "text_encoder_2":
            comps[c] = lean_load(cls, cfg, wf, torch_dtype, state=_open_clip(wf, read=True), scales={})
        else:
            comps[c] = lean_load(cls, cfg, named, torch_dtype) if named is not None else \
                converted_load(cls, cfg, part, torch_dtype)
    pipe = diffusers.StableDiffusionXLPipeline(**comps, tokenizer=tok, tokenizer_2=tok_2,
                                               scheduler=diffusers.EulerDiscreteScheduler(**configs.SCHEDULER))
    info(f"weights: the Stable Diffusion XL checkpoint {os.path.basename(wf.path)} ({describe(wf)}), renamed by "
         "diffusers' converters; configs from its shapes (SDXL's 64-value attention heads and 32 norm groups); "
         "SDXL's Euler scheduler (scaled linear betas); a still picture a run (a one-frame take)")
    index = {"_class_name": "StableDiffusionXLPipeline", fam.denoiser: ["diffusers", "UNet2DConditionModel"]}
    return pipe, describe(wf), index, {}
