"""LTX-Video from ComfyUI's files with no diffusers folder: an all-in-one checkpoint (the transformer
under ``model.diffusion_model.``, the VAE under ``vae.``, Lightricks' own names) or a transformer
file and a VAE file, with a T5 v1.1 XXL text-encoder file (``t5xxl_fp16``, ``t5xxl_fp8_e4m3fn``,
scaled or not). Each part is recognised from its tensors, renamed by diffusers' single-file
converters (run on shapes: nothing is read), checked against the transformer (the text states'
width, the latent channels) before anything is allocated, and loaded lean as Wan's parts are
(parts.py). The configs come from the shapes (part_configs_ltx.py), the scheduler from Studio's data.

ComfyUI's T5 files carry no tokenizer (ComfyUI ships T5's itself): the tokenizer is the file's
``spiece_model`` when it has one, else a tokenizer/ folder beside the file, else 'base''s."""
from __future__ import annotations

import os

from ...base.errors import ModelError
from ...base.registry import FAMILIES
from ...base.family import Family
from ...files import part_configs as pc
from . import part_configs as pcl
from ...files.parts import PART_TITLES, WAITS, SPIECE, Part, check_shapes, fitting_tokenizer, load_part, read_part, strip_prefix
from ...files.single_file import load_with_config, renamed
from ...files.weight_formats import WeightFile

T5_PREFIXES = ("text_encoders.t5xxl.transformer.", "t5xxl.transformer.", "transformer.")
T5_FILES = "t5xxl_fp16 or t5xxl_fp8_e4m3fn (ComfyUI's text_encoders)"
VAE_PREFIX = "vae."  # an all-in-one checkpoint's VAE, and the names diffusers' LTX VAE converter reads
CHECKPOINT_PARTS = ("text_encoder",)  # a checkpoint's T5 read where not given (files/checkpoint_parts.py; its VAE: below)


def _shapes(wf: WeightFile) -> dict:
    return {k: tuple(v.shape) for k, v in wf.tensors.items()}


def _first(wf: WeightFile, n: int = 4) -> str:
    return ", ".join(f"{k} {list(v.shape)}" for k, v in list(sorted(wf.tensors.items()))[:n])


def _prefixed(wf: WeightFile, prefix: str) -> WeightFile:
    """``wf`` with ``prefix`` before every name (its scales too)."""
    aside = {(prefix + n if n in wf.scales.values() else n): v for n, v in (wf.aside or {}).items()}
    return WeightFile(wf.path, wf.kind, {prefix + k: v for k, v in wf.tensors.items()},
                      {prefix + w: prefix + n for w, n in wf.scales.items()}, wf.data_start, aside)


def checkpoint_vae(wf: WeightFile) -> WeightFile | None:
    """The ``vae.`` tensors of an all-in-one checkpoint (None: it holds no VAE)."""
    tensors = {k: v for k, v in wf.tensors.items() if k.startswith(VAE_PREFIX)}
    if not tensors:
        return None
    return WeightFile(wf.path, wf.kind, tensors, {w: n for w, n in wf.scales.items() if w in tensors},
                      wf.data_start, wf.aside)


def _named_vae(diffusers, wf: WeightFile, path: str) -> WeightFile:
    """The VAE's tensors under diffusers' names: Lightricks' names (a checkpoint's ``vae.``
    tensors, or a VAE file) renamed by diffusers' converter; a file in diffusers' layout as it is."""
    if any(k.startswith(("decoder.mid_block.", "latents_mean")) for k in wf.tensors):
        return wf
    if not all(k.startswith(VAE_PREFIX) for k in wf.tensors):
        wf = _prefixed(wf, VAE_PREFIX)
    out = renamed(diffusers.AutoencoderKLLTXVideo, {}, wf)
    if out is None:
        raise ModelError(f"'{path}' is not an LTX-Video VAE in a layout diffusers' converter renames; it holds "
                         f"{_first(wf)}")
    return out


def denoiser_config(diffusers, fam: Family, wf: WeightFile) -> tuple[str, dict, WeightFile]:
    """(class name, config, the file under diffusers' names) of an LTX-Video transformer with no
    folder: renamed by diffusers' converter (on shapes; a checkpoint's VAE left out), the config
    read from the shapes."""
    named = wf
    if "proj_in.weight" not in wf.tensors:
        named = renamed(diffusers.LTXVideoTransformer3DModel, {}, wf, shapes_only=True)
        if named is None:
            raise ModelError(f"'{wf.path}' is an LTX-Video transformer in a layout diffusers' converter does more "
                             "than rename: set 'base' to a diffusers LTX-Video folder")
    cls_name, cfg = pcl.ltx_transformer(_shapes(named), wf.path)
    return cls_name, cfg, named


def _text_encoder(wf: WeightFile, variant: str, family: str, path: str, den_cfg: dict, den: str) -> Part:
    wf = strip_prefix(wf, T5_PREFIXES)
    if "encoder.block.0.layer.0.SelfAttention.q.weight" not in wf.tensors:
        raise ModelError(f"the text encoder '{path}' is {variant}, but LTX-Video's transformer reads T5 v1.1 XXL's "
                         f"text states: give {T5_FILES}")
    cls_name, cfg, umt5 = pc.t5_encoder(_shapes(wf), path)
    if umt5:
        raise ModelError(f"the text encoder '{path}' is {variant} (UMT5: every block has its own position bias), but "
                         f"LTX-Video's transformer reads T5 v1.1 XXL's text states: give {T5_FILES}")
    if family and family != "ltx":
        raise ModelError(f"the text encoder '{path}' is {variant}, made for {FAMILIES[family].title}, but the "
                         f"transformer '{den}' is LTX-Video's: give {T5_FILES}")
    if cfg["d_model"] != den_cfg["caption_channels"]:
        raise ModelError(f"the text encoder '{path}' ({variant}) gives text states {cfg['d_model']} wide, but the "
                         f"transformer '{den}' reads {den_cfg['caption_channels']} (its caption_projection): they "
                         "do not fit")
    return Part("text_encoder", wf, variant, cls_name, cfg)


def vae_part(diffusers, wf: WeightFile, variant: str, path: str, den_cfg: dict, den: str) -> Part:
    """An LTX-Video VAE (a file, or a checkpoint's ``vae.`` tensors) renamed, its config read from
    its shapes and its latent channels checked against the transformer's."""
    named = _named_vae(diffusers, wf, path)
    cls_name, cfg = pcl.ltx_vae(_shapes(named), path)
    if cfg["latent_channels"] != den_cfg["in_channels"]:
        raise ModelError(f"the VAE '{path}' ({variant}) makes latents of {cfg['latent_channels']} channels, but the "
                         f"transformer '{den}' takes {den_cfg['in_channels']} (its proj_in): they do not fit")
    return Part("vae", named, variant, cls_name, cfg)


def check_parts(fam: Family, den_cfg: dict, den_path: str, files: dict[str, str], diffusers) -> dict[str, Part]:
    """Each part's file recognised and checked against the transformer (its config ``den_cfg``, in
    diffusers' names): a T5 (not UMT5) as wide as its caption projection reads, a VAE whose latent
    channels it takes. Headers only: nothing is allocated."""
    den = os.path.basename(den_path)
    parts: dict[str, Part] = {}
    for component, path in files.items():
        if component not in ("text_encoder", "vae"):
            why = ("it reads one text encoder, T5-XXL" if component == "text_encoder_2" else
                   "its image conditions go through its VAE")
            raise ModelError(f"a {PART_TITLES[component]} file '{path}' was given, but LTX-Video takes none ({why}): "
                             "leave it empty")
        wf, r = read_part(component, path)
        if component == "text_encoder":
            part = _text_encoder(wf, r.variant, r.family, path, den_cfg, den)
        else:
            if r.family and r.family != "ltx":
                raise ModelError(f"the VAE '{path}' is {r.variant}, made for {FAMILIES[r.family].title}, but the "
                                 f"transformer '{den}' is LTX-Video's")
            part = vae_part(diffusers, wf, r.variant, path, den_cfg, den)
        check_shapes(part, diffusers)
        parts[component] = part
    return parts


def tokenizer(part: Part, base: str | None):
    """The T5 tokenizer: the file's ``spiece_model``, a tokenizer/ folder beside it, or (None) the
    base folder's; else refused, saying where Studio looked."""
    return fitting_tokenizer(part, base, lambda beside: (
        f"the text encoder '{part.wf.path}' carries no tokenizer (ComfyUI's t5xxl files have none: ComfyUI ships "
        f"T5's itself) and none was found: Studio looked in the file (no '{SPIECE}' tensor), in '{beside}', and in "
        f"'base' (empty). Put T5 v1.1 XXL's tokenizer in '{beside}' (an LTX-Video diffusers folder's tokenizer/ "
        "folder), or set 'base' to a diffusers LTX-Video folder"))


def build_pipeline(diffusers, fam: Family, wf: WeightFile, files: dict[str, str], torch_dtype, info,
                   waiting: tuple = ()):
    """(pipeline, weights in words, model_index-like dict, parts) from an LTX-Video checkpoint or
    transformer file and its parts' files, with no folder: every part checked before the first is
    loaded; a checkpoint's own VAE used when no VAE file is given. A component in ``waiting`` (the
    text encoder, while the prompt-embedding cache is on) is left on disk (loading/deferred_text.py)."""
    cls_name, cfg, _ = denoiser_config(diffusers, fam, wf)
    inside = checkpoint_vae(wf) if "vae" not in files else None
    missing = [PART_TITLES[c] for c in ("text_encoder", "vae") if c not in files and not (c == "vae" and inside)]
    if missing:
        what = "checkpoint (a transformer and its VAE)" if checkpoint_vae(wf) else "transformer (it holds no VAE)"
        raise ModelError(f"'{wf.path}' is a single {fam.title} {what}: set the {' and the '.join(missing)} file"
                         f"{'s' if len(missing) > 1 else ''} (as ComfyUI's loaders take them), or 'base' to a "
                         f"diffusers {fam.title} folder")
    parts = check_parts(fam, cfg, wf.path, files, diffusers)
    if inside is not None:
        parts["vae"] = vae_part(diffusers, inside, "LTX-Video VAE (in the checkpoint)", wf.path, cfg,
                                os.path.basename(wf.path))
        check_shapes(parts["vae"], diffusers)
    tok = tokenizer(parts["text_encoder"], None)
    [(den, weights, how)], index = load_with_config(diffusers, fam, "LTXPipeline", cls_name, cfg, [wf], torch_dtype)
    info(f"weights: {how}; config from the file's shapes ({pcl.ASSUMED}); {pcl.LICENCE}")
    comps = {"transformer": den, "tokenizer": tok,
             "scheduler": getattr(diffusers, pcl.LTX_SCHEDULER["_class_name"]).from_config(pcl.LTX_SCHEDULER)}
    beside = os.path.join(os.path.dirname(parts["text_encoder"].wf.path), "tokenizer")
    said = {"text_encoder": ", tokenizer from the file" if SPIECE in parts["text_encoder"].wf.tensors else
            f", tokenizer from '{beside}'",
            "vae": " (instead of the checkpoint's own)" if "vae" in files and checkpoint_vae(wf) and
            os.path.abspath(files["vae"]) != os.path.abspath(wf.path) else ""}  # (its own, given as the VAE: no)
    for c, part in parts.items():
        comps[c] = None if c in waiting else load_part(part, torch_dtype)
        info(f"{PART_TITLES[c]}: {part.words}{said[c]}{WAITS if c in waiting else ''}")
    return diffusers.LTXPipeline(**comps), weights, index, parts
