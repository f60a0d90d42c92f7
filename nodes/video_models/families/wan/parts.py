"""Wan's part files as ComfyUI's three loaders take them: a denoiser file, a UMT5-XXL text-encoder
file, a Wan VAE file (and, for Wan 2.1 I2V / FLF2V, a CLIP-vision file), each recognised and checked
against the denoiser before anything is allocated; Wan 2.2 A14B's second expert (wan22.py).
diffusers and transformers are imported inside functions."""
from __future__ import annotations

import os

from ...base.errors import ModelError
from ...base.family import Family
from ...base.registry import FAMILIES
from ...files import part_configs as pc
from . import part_configs as wpc
from ...files.parts import PART_TITLES, WAITS, Part, check_shapes, load_part, looks, read_part, shapes_of, strip_prefix, tokenizer_for
from ...files.weight_formats import WeightFile
from . import wan22

CHECKPOINT_PARTS = ("text_encoder", "vae")  # read from an all-in-one checkpoint where not given (files/checkpoint_parts.py)


def check_parts(fam: Family, den_cfg: dict, den_path: str, files: dict[str, str], diffusers,
                reads: tuple[str, ...] = (), hints: dict | None = None) -> dict[str, Part]:
    """Each part's file of a Wan denoiser (loading/family_parts.py asks each family for its own reader) recognised and checked against the denoiser (its config ``den_cfg``, in diffusers' names): the family, the text states' width, the latent channels, the image tokens'
    width. Headers only: nothing is allocated. ``reads``: other families whose parts ``fam``'s denoiser reads
    (Wan Animate 2: Wan's), ``hints``: component -> the file to give there, said with a part of another family."""
    if "text_encoder_2" in files:
        raise ModelError(f"a second text-encoder file '{files['text_encoder_2']}' was given, but a {fam.title} denoiser "
                         "reads one text encoder (HunyuanVideo 1.5 takes its byT5 glyph encoder there): leave it empty")
    parts: dict[str, Part] = {}
    for component, path in files.items():
        wf, r = read_part(component, path)
        title = PART_TITLES[component]
        if r.family and r.family != fam.key and r.family not in reads:
            raise ModelError(f"the {title} '{path}' is {r.variant}, made for {FAMILIES[r.family].title}, but the "
                             f"denoiser '{os.path.basename(den_path)}' is {fam.title}'s"
                             + (f" (it reads {FAMILIES[reads[0]].title}'s: {hints[component]})"
                                if reads and hints and component in hints else ""))
        if component == "text_encoder":
            wf = strip_prefix(wf, ("text_encoders.umt5xxl.transformer.", "umt5xxl.transformer.", "transformer."))
            cls_name, cfg, umt5 = pc.t5_encoder(shapes_of(wf), path)
            if not umt5:
                raise ModelError(f"the text encoder '{path}' is {r.variant} (T5: only its first block has a position "
                                 f"bias), but Wan's denoiser reads UMT5-XXL's text states: give umt5_xxl")
            if cfg["d_model"] != den_cfg["text_dim"]:
                raise ModelError(f"the text encoder '{path}' ({r.variant}) gives text states {cfg['d_model']} wide, but "
                                 f"the denoiser '{os.path.basename(den_path)}' reads {den_cfg['text_dim']} (its "
                                 f"text_embedding): they do not fit")
        elif component == "vae":
            wf = strip_prefix(wf, ("vae.", "first_stage_model."))
            if "decoder.conv_in.weight" not in wf.tensors:  # Wan's original names: diffusers' converter renames
                wf = wan22.vae22_renamed(wf) if "2.2" in r.variant else _renamed(diffusers, "AutoencoderKLWan", wf, path)
            cls_name, cfg = wpc.wan_vae(shapes_of(wf), path)
            if cfg["z_dim"] != den_cfg["out_channels"]:
                raise ModelError(f"the VAE '{path}' ({r.variant}) makes latents of {cfg['z_dim']} channels, but the "
                                 f"denoiser '{os.path.basename(den_path)}' makes {den_cfg['out_channels']}")
        else:
            cls_name, cfg = pc.clip_vision(shapes_of(wf), path)
            if "image_dim" not in den_cfg:
                raise ModelError(f"a CLIP-vision file '{path}' was given, but the denoiser "
                                 f"'{os.path.basename(den_path)}' takes no image tokens (Wan 2.1 I2V and FLF2V do)")
            if cfg["hidden_size"] != den_cfg["image_dim"]:
                raise ModelError(f"the CLIP vision '{path}' ({r.variant}) is {cfg['hidden_size']} wide, but the "
                                 f"denoiser reads image tokens {den_cfg['image_dim']} wide")
        part = parts[component] = Part(component, wf, r.variant, cls_name, cfg)
        check_shapes(part, diffusers)
    return parts


def _renamed(diffusers, cls_name: str, wf: WeightFile, path: str) -> WeightFile:
    from ...files.single_file import renamed
    out = renamed(getattr(diffusers, cls_name), {}, wf)
    if out is None:
        raise ModelError(f"'{path}' is not in a layout of a {cls_name} Studio can rename (diffusers' converter does "
                         f"more than rename it); it holds {looks(wf)}")
    return out


def denoiser_config(diffusers, fam: Family, wf: WeightFile) -> tuple[str, dict, WeightFile]:
    """(class name, config, the file under diffusers' names) of a Wan denoiser with no folder:
    renamed by diffusers' converter (on shapes), the config read from the shapes."""
    from ...files.single_file import renamed
    named = wf
    if "condition_embedder.time_proj.weight" not in wf.tensors:
        named = renamed(diffusers.WanTransformer3DModel, {}, wf, shapes_only=True)
        if named is None:
            raise ModelError(f"'{wf.path}' is a Wan denoiser in a layout diffusers' converter does more than rename: "
                             "set 'base' to a diffusers Wan folder")
    cls_name, cfg = wpc.wan_transformer(shapes_of(named), wf.path)
    return cls_name, cfg, named


def build_pipeline(diffusers, fam: Family, wf: WeightFile, files: dict[str, str], torch_dtype, info,
                   second: str | None = None, waiting: tuple = ()):
    """(pipeline, weights in words, model_index-like dict) from a denoiser file and its parts' files
    (``second``: Wan 2.2 A14B's other expert, wan22.py), with no folder: every part checked before
    the first is loaded. A component in ``waiting`` (the text encoder, while the prompt-embedding
    cache is on) is left on disk: the loader reads it when a prompt is not cached."""
    missing = [PART_TITLES[c] for c in ("text_encoder", "vae") if c not in files]
    cls_name, cfg, named = denoiser_config(diffusers, fam, wf)
    experts = wan22.check_experts(diffusers, fam, wf, second, cfg)
    wf = experts.high if experts else wf
    inside = [PART_TITLES[c] for c in ("text_encoder", "vae") if files.get(c) == wf.path]
    if missing and inside:  # an all-in-one checkpoint holding one of them (loading/family_parts.checkpoint_parts)
        raise ModelError(f"'{wf.path}' holds a {fam.title} denoiser and its {' and '.join(inside)} but no "
                         f"{' and no '.join(missing)}: set the {' and the '.join(missing)} file (as ComfyUI's loaders "
                         f"take it), or 'base' to a diffusers {fam.title} folder")
    if missing:
        raise ModelError(f"'{wf.path}' is a single {fam.title} denoiser: set the {' and the '.join(missing)} file"
                         f"{'s' if len(missing) > 1 else ''} (as ComfyUI's loaders take them), or 'base' to a diffusers "
                         f"{fam.title} folder")
    if "image_dim" in cfg and "image_encoder" not in files:
        raise ModelError(f"'{wf.path}' is a Wan 2.1 image-to-video denoiser (it reads CLIP image tokens): set the "
                         "CLIP vision file (clip_vision_h)")
    parts = check_parts(fam, cfg, wf.path, files, diffusers)
    tokenizer = tokenizer_for(parts["text_encoder"], None)
    from ...files.single_file import load_with_config
    loaded, index = load_with_config(diffusers, fam, "WanPipeline", cls_name, cfg,
                                     [wf, experts.low] if experts else [wf], torch_dtype)
    den, weights, how = loaded[0]
    scheduler, own, assumed = wpc.wan_pipeline(cfg)
    info(f"weights: {how}; config from the file's shapes ({assumed})")
    if experts:  # the low-noise expert: the same config (check_experts compared every shape)
        den2, _, how2 = loaded[1]
        own = {**own, "transformer_2": den2, "boundary_ratio": experts.ratio}
        info(f"{experts.words}; low-noise weights: {how2}")
        weights = f"{weights}; {experts.short}"
    comps = {"transformer": den, "tokenizer": tokenizer,
             "scheduler": getattr(diffusers, scheduler["_class_name"]).from_config(scheduler)}
    for c, part in parts.items():
        comps[c] = None if c in waiting else load_part(part, torch_dtype)
        info(f"{PART_TITLES[c]}: {part.words}" + (", tokenizer from the file" if c == "text_encoder" else "")
             + (WAITS if c in waiting else ""))
    if cls_name == "WanVACETransformer3DModel":
        pipe_cls = "WanVACEPipeline"
    elif cfg["in_channels"] != cfg["out_channels"]:  # image to video: Wan 2.1's (CLIP vision) or Wan 2.2 A14B's
        pipe_cls = "WanImageToVideoPipeline"
        if "image_encoder" in parts:
            from transformers import CLIPImageProcessor
            comps["image_processor"] = CLIPImageProcessor(**wpc.CLIP_IMAGE_PROCESSOR)
    else:
        pipe_cls = "WanPipeline"
    pipe = getattr(diffusers, pipe_cls)(**comps, **own)
    index.update({"_class_name": pipe_cls, **{k: v for k, v in own.items() if k != "transformer_2"}})
    if experts:
        index["transformer_2"] = ["diffusers", cls_name]
    return pipe, weights, index, parts
