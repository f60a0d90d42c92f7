"""Kandinsky 6 from ComfyUI's part files with no diffusers folder (its PartReader capability): the DiT
file (diffusers' names or the release's native ones, ComfyUI's prefix or none: layouts.py), the Qwen2.5-VL
text encoder, the CLIP-L text encoder (``text_encoder_2``) and HunyuanVideo's VAE, which are Kandinsky 5's
three parts and are read as that family reads them (kandinsky5/parts.py, its tokenizers from tokenizer/ and
tokenizer_2/ beside their files: ComfyUI keeps them in its code), and the audio VAE with its vocoder in one
file (audio_file.py), found beside the VAE or the DiT (Studio's load node has one VAE slot, the picture's,
as for LTX-2.5's audio VAE). Each part is checked against the DiT before the first is loaded; with no audio
file the pipeline has no sound (the picture nodes run; Kandinsky 6 Video + Sound says what is missing).
With a diffusers folder as 'base' the given part files replace its text encoders and VAE (check_parts).
diffusers and transformers are imported inside functions."""
from __future__ import annotations

import os

from ...base.errors import ModelError
from ...base.family import Family
from ...files.gguf_load import check_quantisations
from ...files.parts import PART_TITLES, Part
from ...files.qwen_parts import QWEN_ASSUMED
from ...files.single_file import load_with_config
from ...files.weight_formats import WeightFile, read_weight_file
from ..hunyuan.part_configs import HUNYUAN_VAE_ASSUMED
from ..kandinsky5.pipeline import check_parts as k5_check_parts
from ..kandinsky5.pipeline import set_components, tokenizers
from . import audio_file as af
from . import parts as pk

DENOISER, PIPELINE, TITLE = "Kandinsky6Transformer3DModel", "Kandinsky6TI2VAPipeline", "Kandinsky 6"
FILES = "Qwen2.5-VL 7B, CLIP-L text, HunyuanVideo VAE"


def _audio_in_vae_slot(component: str, path: str, r) -> None:
    if component == "vae" and r.family == "kandinsky6":
        raise ModelError(f"the VAE '{path}' is {r.variant}, but 'vae' takes the picture's VAE (HunyuanVideo's: "
                         "hunyuan_video_vae_bf16); the audio VAE file is read from beside it with no folder (with "
                         "a folder as 'base', the folder's)")


def check_parts(fam: Family, den_cfg: dict, den_path: str, files: dict[str, str], diffusers) -> dict[str, Part]:
    """Kandinsky 5's three parts, read and checked as that family does (kandinsky5/pipeline.check_parts) against
    the DiT's config ``den_cfg``, its audio VAE file refused in the picture's VAE slot: headers only."""
    return k5_check_parts(fam, den_cfg, den_path, files, diffusers, refuse=_audio_in_vae_slot)


def denoiser_config(diffusers, fam: Family, wf: WeightFile) -> tuple[str, dict, WeightFile]:
    """(class name, config, the file) of a DiT file with no folder: the config from its shapes (ComfyUI's
    prefix removed, the native names renamed; nothing is read)."""
    from .layouts import convert_transformer
    if wf.kind == "gguf":
        check_quantisations(wf)
    shapes = {k: tuple(v.shape) for k, v in convert_transformer(dict(wf.tensors)).items()}
    return DENOISER, pk.transformer_config(shapes, wf.path), wf


def _audio(path: str | None, den_cfg: dict, den: str) -> dict | None:
    """The audio VAE file's two parts (audio_file.read), checked against the DiT's sound latents."""
    if path is None:
        return None
    read = af.read(read_weight_file(path))
    latent = read["audio_vae"][1]["latent_channels"]
    if latent != den_cfg["in_audio_dim"]:
        raise ModelError(f"the audio VAE '{path}' makes sound latents of {latent} channels, but the DiT '{den}' reads "
                         f"{den_cfg['in_audio_dim']}: they are not one model's")
    return read


def build_pipeline(diffusers, fam: Family, wf: WeightFile, files: dict[str, str], torch_dtype, info,
                   waiting: tuple = ()):
    """(Kandinsky6TI2VAPipeline, weights in words, model_index-like dict, checked parts) from the DiT file
    and its parts' files; a component in ``waiting`` left on disk (none: its prompts are not cached)."""
    missing = [PART_TITLES[c] for c in ("text_encoder", "text_encoder_2", "vae") if c not in files]
    if missing:
        raise ModelError(f"'{wf.path}' is a single {TITLE} DiT: set the {', the '.join(missing)} file(s) ({FILES}, as "
                         "ComfyUI's DualCLIPLoader and VAELoader take them; its audio VAE beside the VAE), or 'base' "
                         f"to a diffusers {TITLE} folder")
    _, cfg, _ = denoiser_config(diffusers, fam, wf)
    parts = check_parts(fam, cfg, wf.path, files, diffusers)
    sound_path = pk.audio_file(files.get("vae"), wf.path)
    sound = _audio(sound_path, cfg, os.path.basename(wf.path))
    tokenizer, tokenizer_2 = tokenizers(parts, TITLE)
    [(den, weights, how)], index = load_with_config(diffusers, fam, PIPELINE, DENOISER, cfg, [wf], torch_dtype)
    heard = f"; the audio VAE's rate and scale the release's, {af.ASSUMED} where its header does not say" if sound else ""
    info(f"weights: {how}; config from the file's shapes ({pk.ASSUMED}; {QWEN_ASSUMED}; {HUNYUAN_VAE_ASSUMED}{heard})")
    comps = set_components(diffusers, den, (tokenizer, tokenizer_2), parts, waiting, torch_dtype, info, pk.SHIFT)
    if sound is not None:
        comps.update(af.load(sound, torch_dtype))
        where = "VAE" if os.path.dirname(sound_path) == os.path.dirname(files["vae"]) else "DiT"
        info(f"audio VAE and vocoder: {af.words(sound)} (found beside the {where})")
    else:
        info(f"audio VAE: none beside the VAE or the DiT ({af.FILES}): the picture only, no sound")
    index.update({"_class_name": PIPELINE, "audio_vae": ["diffusers", "MMAudioVAE"] if sound else [None, None],
                  "vocoder": ["diffusers", "MMAudioVocoder"] if sound else [None, None]})
    return getattr(diffusers, PIPELINE)(**comps), weights, index, parts
