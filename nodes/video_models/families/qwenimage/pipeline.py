"""Qwen-Image from ComfyUI's three files, with no diffusers folder (the family's part reader, base/capabilities.py
PartReader): the DiT (UNETLoader's qwen_image_*.safetensors, diffusers' names: loaded through Studio's
load_with_config), the Qwen2.5-VL 7B text encoder (CLIPLoader's qwen_2.5_vl_7b*.safetensors, type 'qwen_image': its
language model read as transformers' Qwen2_5_VLTextModel, the reading HunyuanVideo 1.5 and Kandinsky 5 share:
files/qwen_parts.qwen_part) and the VAE (VAELoader's qwen_image_vae.safetensors: a Wan 2.1-shaped VAE renamed by
diffusers' Wan VAE converter into AutoencoderKLQwenImage, whose tensors are AutoencoderKLWan's). Every config is read
from the shapes (configs.py) and every part checked against its model built on the meta device before any weight is
read; then each is loaded lean and diffusers' QwenImagePipeline made of them with the release's scheduler. The
pipeline guides by true CFG (``true_cfg_scale`` with a negative prompt; the released DiT has no guidance embedding):
the generator's guidance is given so (``guidance_as_true_cfg``, sampling/call_adapters.py). Qwen2.5-VL's tokenizer is
in none of ComfyUI's files: a tokenizer/ folder beside the text encoder, else refused saying what to put there.
Nothing is downloaded; diffusers and transformers are imported inside functions."""
from __future__ import annotations

import os

from ...base.errors import ModelError
from ...base.family import Family
from ...files.parts import (PART_TITLES, Part, fitting_tokenizer, load_part, parts_given, read_part, strip_prefix,
                            text_and_vae)
from ...files.qwen_parts import qwen_part
from ...files.weight_formats import WeightFile, describe
from . import configs

DENOISER, PIPELINE = "QwenImageTransformer2DModel", "QwenImagePipeline"
FILES = "the Qwen2.5-VL 7B text encoder (qwen_2.5_vl_7b) and Qwen-Image's VAE (qwen_image_vae)"


def _named(wf: WeightFile) -> WeightFile:
    return strip_prefix(wf, ("model.diffusion_model.",))


def denoiser_config(diffusers, fam: Family, wf: WeightFile) -> tuple[str, dict, WeightFile]:
    """(class name, its config from the shapes, the file under diffusers' names): nothing read."""
    named = _named(wf)
    return DENOISER, configs.transformer({k: tuple(v.shape) for k, v in named.tensors.items()}, wf.path), named


def _text_part(path: str, den_cfg: dict, den_path: str) -> Part:
    wf, r = read_part("text_encoder", path)
    variant = r.variant.split(" (")[0] + " (Qwen-Image)"
    return Part("text_encoder", *qwen_part(wf, variant, den_cfg["joint_attention_dim"], den_path, "Qwen-Image"))


def _vae_plan(diffusers, path: str, den_cfg: dict, den_path: str) -> tuple[WeightFile, dict]:
    """(the VAE under AutoencoderKLQwenImage's names, its config), checked on the meta device."""
    from accelerate import init_empty_weights

    from studio.engine.meta_device import skip_init_on_meta

    from ...files.parts import looks
    from ...files.single_file import renamed
    from ..animatediff.parts import fitted
    from ..wan.part_configs import wan_vae
    wf, r = read_part("vae", path)
    if r.family != "wan":
        raise ModelError(f"the VAE '{path}' is {r.variant}, but Qwen-Image decodes with its Wan 2.1-shaped VAE: "
                         f"{configs.GIVE_VAE}")
    named = renamed(diffusers.AutoencoderKLWan, {}, strip_prefix(wf, ("vae.", "first_stage_model.")))
    if named is None:  # (diffusers' Wan VAE converter renames it, on shapes alone)
        raise ModelError(f"'{path}' is not in the Wan repository's VAE layout diffusers renames; it holds {looks(wf)}: "
                         f"{configs.GIVE_VAE}")
    shapes = {k: tuple(v.shape) for k, v in named.tensors.items()}
    cfg = configs.vae(wan_vae(shapes, path)[1], path)
    if cfg["z_dim"] != den_cfg["out_channels"]:
        raise ModelError(f"the VAE '{path}' makes latents of {cfg['z_dim']} channels, but the DiT "
                         f"'{os.path.basename(den_path)}' makes {den_cfg['out_channels']}: {configs.GIVE_VAE}")
    skip_init_on_meta()
    with init_empty_weights():
        fitted(diffusers.AutoencoderKLQwenImage(**cfg), shapes, "VAE", path)
    return named, cfg


def check_parts(fam: Family, den_cfg: dict, den_path: str, files: dict[str, str], diffusers) -> dict[str, Part]:
    """The text encoder and the VAE checked against the DiT's config and their models built on the meta device:
    headers only, nothing allocated. Another part refused in words."""
    return text_and_vae(files, den_cfg, den_path, diffusers, _text_part, _vae_plan,
                        f"Qwen-Image reads {FILES} beside its DiT")


def _tokenizer(part: Part):
    def nowhere(beside: str) -> str:
        return (f"the text encoder '{part.wf.path}' (Qwen2.5-VL) carries no tokenizer (ComfyUI keeps it in its code) "
                f"and none was found: Studio looked in the file, in '{beside}', and in 'base' (empty). Put "
                "Qwen2.5-VL-7B-Instruct's tokenizer files (tokenizer.json, tokenizer_config.json) in that folder")
    return fitting_tokenizer(part, None, nowhere)


def build_pipeline(diffusers, fam: Family, wf: WeightFile, files: dict[str, str], torch_dtype, info, waiting=()):
    """(QwenImagePipeline, weights in words, model_index-like dict, parts) from the DiT and its two part files: every
    config read and every tensor checked on the meta device before the first weight is read."""
    from ...files.single_file import lean_load, load_with_config
    parts_given(wf.path, "a Qwen-Image DiT", files, ("text_encoder", "vae"), FILES, "CLIPLoader and VAELoader")
    _, cfg, named = denoiser_config(diffusers, fam, wf)
    parts = check_parts(fam, cfg, wf.path, files, diffusers)
    text = parts["text_encoder"]
    tok = _tokenizer(text)
    vae_wf, vcfg = _vae_plan(diffusers, files["vae"], cfg, wf.path)
    [(den, weights, how)], index = load_with_config(diffusers, fam, PIPELINE, DENOISER, cfg, [named], torch_dtype)
    vae = lean_load(diffusers.AutoencoderKLQwenImage, vcfg, vae_wf, torch_dtype)
    pipe = diffusers.QwenImagePipeline(transformer=den, text_encoder=load_part(text, torch_dtype), tokenizer=tok,
                                       vae=vae, scheduler=diffusers.FlowMatchEulerDiscreteScheduler(**configs.SCHEDULER))
    pipe.guidance_as_true_cfg = not cfg["guidance_embeds"]  # (its guidance is true CFG: call_adapters.py)
    info(f"weights: {how}; config from the file's shapes ({configs.ASSUMED}); {PART_TITLES['text_encoder']}: "
         f"{text.words}, tokenizer from beside the file; VAE: {os.path.basename(vae_wf.path)}, {describe(vae_wf)}; "
         "the guidance as true CFG with the negative prompt; a still picture a run (a one-frame take)")
    index["_class_name"] = PIPELINE
    return pipe, weights, index, parts
