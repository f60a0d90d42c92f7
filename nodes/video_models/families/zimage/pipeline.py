"""Z-Image from ComfyUI's three files, with no diffusers folder (the family's part reader, base/capabilities.py
PartReader): the DiT (UNETLoader's z_image_*.safetensors, renamed by diffusers' own single-file converter for
ZImageTransformer2DModel: its joined q/k/v split), the Qwen3 text encoder (CLIPLoader's qwen_3_4b.safetensors,
type 'lumina2': the language model under 'model.', read as transformers' Qwen3Model, the text-encoder reading
Studio shares with HunyuanVideo 1.5 and Kandinsky 5: files/qwen_parts.py's names, files/parts.py's checks and lean
load) and the Flux VAE (VAELoader's ae.safetensors, renamed by diffusers' ldm VAE converter into AutoencoderKL).
Every config is read from the shapes (configs.py) and every part's tensors checked against its model built on the
meta device before any weight is read; then each is loaded lean and diffusers' ZImagePipeline made of them with
the flow-matching Euler scheduler at the release's shift. Qwen3's tokenizer is in none of ComfyUI's files (ComfyUI
keeps it in its code): it comes from a tokenizer/ folder beside the text-encoder file, else the load is refused
saying what to put there. Nothing is downloaded; diffusers and transformers are imported inside functions."""
from __future__ import annotations

import os

from ...base.errors import ModelError
from ...base.family import Family
from ...files.parts import (PART_TITLES, Part, load_part, parts_given, qwen3_text, qwen3_tokenizer, read_part,
                            strip_prefix, text_and_vae)
from ...files.weight_formats import WeightFile, describe
from . import configs

DENOISER, PIPELINE, TEXT = "ZImageTransformer2DModel", "ZImagePipeline", "Qwen3Model"
FILES = "the Qwen3 text encoder (qwen_3_4b) and the Flux VAE (ae.safetensors)"


def _dit_shapes(diffusers, wf: WeightFile) -> dict:
    """The DiT's shapes under diffusers' names (its converter run on shapes alone)."""
    from ...files.single_file import converted_shapes
    shapes = converted_shapes(diffusers.ZImageTransformer2DModel, {}, wf)
    if not shapes:
        raise ModelError(f"'{wf.path}': diffusers' Z-Image converter could not read it: {configs.GIVE_DIT}")
    return shapes


def denoiser_config(diffusers, fam: Family, wf: WeightFile) -> tuple[str, dict, WeightFile]:
    """(class name, its config from the shapes, the file): nothing read."""
    return DENOISER, configs.transformer(_dit_shapes(diffusers, wf), wf.path), wf


def _text_part(path: str, den_cfg: dict, den_path: str) -> Part:
    named, shapes, variant = qwen3_text(path, "Z-Image", configs.GIVE_TEXT)
    cfg = configs.qwen3(shapes, path)
    if cfg["hidden_size"] != den_cfg["cap_feat_dim"]:
        raise ModelError(f"the text encoder '{path}' ({variant}) gives text states {cfg['hidden_size']} wide, but "
                         f"the DiT '{os.path.basename(den_path)}' reads {den_cfg['cap_feat_dim']}: they do not fit")
    return Part("text_encoder", named, variant, TEXT, cfg)


def _vae_plan(diffusers, path: str, den_cfg: dict, den_path: str) -> tuple[WeightFile, dict]:
    """(the VAE file, its config), its renamed tensors checked against AutoencoderKL built on the meta device."""
    from accelerate import init_empty_weights

    from studio.engine.meta_device import skip_init_on_meta

    from ...files.single_file import converted_shapes
    from ..animatediff.parts import fitted
    wf, r = read_part("vae", path)
    wf = strip_prefix(wf, ("vae.", "first_stage_model."))
    cfg = configs.flux_vae({k: tuple(v.shape) for k, v in wf.tensors.items()}, path)
    if cfg["latent_channels"] != den_cfg["in_channels"]:
        raise ModelError(f"the VAE '{path}' makes latents of {cfg['latent_channels']} channels, but the DiT "
                         f"'{os.path.basename(den_path)}' takes {den_cfg['in_channels']}: {configs.GIVE_VAE}")
    shapes = converted_shapes(diffusers.AutoencoderKL, cfg, wf) or {}
    skip_init_on_meta()
    with init_empty_weights():
        fitted(diffusers.AutoencoderKL(**cfg), shapes, "VAE", path)
    return wf, cfg


def check_parts(fam: Family, den_cfg: dict, den_path: str, files: dict[str, str], diffusers) -> dict[str, Part]:
    """The text encoder checked against the DiT's config (its width) and its model built on the meta device; the
    VAE likewise (its latent channels): headers only, nothing allocated. Another part refused in words."""
    return text_and_vae(files, den_cfg, den_path, diffusers, _text_part, _vae_plan,
                        f"Z-Image reads {FILES} beside its DiT")


def build_pipeline(diffusers, fam: Family, wf: WeightFile, files: dict[str, str], torch_dtype, info, waiting=()):
    """(ZImagePipeline, weights in words, model_index-like dict, parts) from the DiT and its two part files: every
    config read and every tensor checked on the meta device before the first weight is read."""
    from ...files.single_file import converted_load, load_with_config
    parts_given(wf.path, "a Z-Image DiT", files, ("text_encoder", "vae"), FILES, "CLIPLoader and VAELoader")
    _, cfg, _ = denoiser_config(diffusers, fam, wf)
    parts = check_parts(fam, cfg, wf.path, files, diffusers)
    text = parts["text_encoder"]
    tok = qwen3_tokenizer(text, "Qwen3-4B", "Z-Image")
    vae_wf, vcfg = _vae_plan(diffusers, files["vae"], cfg, wf.path)
    [(den, weights, how)], index = load_with_config(diffusers, fam, PIPELINE, DENOISER, cfg, [wf], torch_dtype)
    vae = converted_load(diffusers.AutoencoderKL, vcfg, vae_wf, torch_dtype)
    pipe = diffusers.ZImagePipeline(transformer=den, text_encoder=load_part(text, torch_dtype), tokenizer=tok, vae=vae,
                                    scheduler=diffusers.FlowMatchEulerDiscreteScheduler(**configs.SCHEDULER))
    info(f"weights: {how}; config from the file's shapes ({configs.ASSUMED}); {PART_TITLES['text_encoder']}: "
         f"{text.words}, tokenizer from beside the file; VAE: {os.path.basename(vae_wf.path)}, the Flux VAE, "
         f"{describe(vae_wf)}; a still picture a run (a one-frame take)")
    index["_class_name"] = PIPELINE
    return pipe, weights, index, parts
