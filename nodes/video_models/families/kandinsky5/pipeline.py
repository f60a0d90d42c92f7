"""Kandinsky 5 from ComfyUI's part files, with no diffusers folder (the family module, as
hunyuan15/pipeline.py is HunyuanVideo 1.5's): the DiT file (``diffusion_models/kandinsky5lite_*``,
diffusers' names under ComfyUI's prefix: layouts.py), the Qwen2.5-VL text encoder, the CLIP-L text
encoder (``text_encoder_2``) and HunyuanVideo's VAE, each recognised and checked against the DiT
before the first is loaded (``check_parts``; with a base folder too), loaded lean. With no folder
(``build_pipeline``) the DiT's config comes from its shapes and the scheduler from the release's data
(parts.py); the tokenizers are in none of ComfyUI's files (ComfyUI ships them in its code): Qwen's
comes from a tokenizer/ folder beside its file, CLIP's from a tokenizer_2/ folder beside its file (the
names of a diffusers Kandinsky 5 folder's), else the load is refused saying what to give. The DiT's
file name says the task (i2v: Kandinsky5I2VPipeline, else Kandinsky5T2VPipeline, as a diffusers
folder of that task loads). diffusers and transformers are imported inside functions."""
from __future__ import annotations

from ...base.errors import ModelError
from ...base.family import Family
from . import parts as pk
from ...files.parts import PART_TITLES, WAITS, Part, check_shapes, fitting_tokenizer, load_part, read_part
from ...files.qwen_parts import QWEN_ASSUMED
from ..hunyuan.part_configs import HUNYUAN_VAE_ASSUMED
from ...files.gguf_load import check_quantisations
from ...files.single_file import load_with_config
from ...files.weight_formats import WeightFile

DENOISER = "Kandinsky5Transformer3DModel"
FILES = "Qwen2.5-VL 7B, CLIP-L text, HunyuanVideo VAE"


def set_components(diffusers, den, tokenizer_pair, parts: dict[str, Part], waiting, torch_dtype, info,
                   shift: float = pk.SHIFT) -> dict:
    """The components a set of ComfyUI files makes with no folder, as Kandinsky 5 and 6 load them alike: the
    DiT, the Qwen2.5-VL and CLIP tokenizers, the flow-matching scheduler at ``shift``, and each part
    file's module (None for those in ``waiting``: loaded when a prompt needs them), each said."""
    tokenizer, tokenizer_2 = tokenizer_pair
    comps = {"transformer": den, "tokenizer": tokenizer, "tokenizer_2": tokenizer_2,
             "scheduler": diffusers.FlowMatchEulerDiscreteScheduler(shift=shift)}
    for c, part in parts.items():
        comps[c] = None if c in waiting else load_part(part, torch_dtype)
        info(f"{PART_TITLES[c]}: {part.words}" + (", tokenizer from beside the file" if c.startswith("text") else "")
             + (WAITS if c in waiting else ""))
    return comps


def check_parts(fam: Family, den_cfg: dict, den_path: str, files: dict[str, str], diffusers,
                refuse=None) -> dict[str, Part]:
    """Each part's file recognised, put under diffusers' / transformers' names and checked against
    the DiT's config ``den_cfg`` (text and pooled widths, latent channels), then its config built on
    the meta device against every tensor of the file: headers only, nothing allocated. ``fam``: Kandinsky 5
    or 6 (the same three parts); ``refuse(component, path, recognised)``: the family's own refusals first."""
    parts = {}
    for c, p in files.items():
        wf, r = read_part(c, p)
        if refuse is not None:
            refuse(c, p, r)
        parts[c] = Part(c, *pk.part_spec(c, wf, r, den_cfg, den_path, fam.key))
    for part in parts.values():
        check_shapes(part, diffusers)
    return parts


def denoiser_config(diffusers, fam: Family, wf: WeightFile) -> tuple[str, dict, WeightFile]:
    """(class name, config, the file) of a DiT file with no folder: the config from its shapes
    (ComfyUI's prefix removed; nothing is read)."""
    from .layouts import convert_transformer
    if wf.kind == "gguf":
        check_quantisations(wf)  # a quantisation diffusers cannot read is named before the parts are looked at
    shapes = {k: tuple(v.shape) for k, v in convert_transformer(dict(wf.tensors)).items()}
    return DENOISER, pk.transformer_config(shapes, wf.path), wf


def _no_tokenizer(path: str, what: str, files: str, folder: str, title: str):
    return lambda beside: (f"the {what} '{path}' carries no tokenizer (ComfyUI keeps it in its code) and none was "
                           f"found: Studio looked in the file, in '{beside}', and in 'base' (empty). Put {files} in "
                           f"that folder ({folder}/, as a diffusers {title} folder names it), or set 'base' to a "
                           f"diffusers {title} folder")


def tokenizers(parts: dict[str, Part], title: str = "Kandinsky 5") -> tuple:
    """(Qwen's tokenizer from tokenizer/ beside its file, CLIP's from tokenizer_2/ beside its file),
    each refused when absent or larger than its encoder's vocabulary (``title``: the family the refusal
    names; Kandinsky 6 reads the same two)."""
    qwen, clip = parts["text_encoder"], parts["text_encoder_2"]
    return (fitting_tokenizer(qwen, None, _no_tokenizer(qwen.wf.path, "text encoder", "Qwen2.5-VL-7B-Instruct's "
                                                        "tokenizer files (tokenizer.json, tokenizer_config.json)",
                                                        "tokenizer", title)),
            fitting_tokenizer(clip, None, _no_tokenizer(clip.wf.path, "second text encoder", "CLIP ViT-L/14's "
                                                        "tokenizer files (vocab.json, merges.txt, "
                                                        "tokenizer_config.json)", "tokenizer_2", title), "tokenizer_2"))


def build_pipeline(diffusers, fam: Family, wf: WeightFile, files: dict[str, str], torch_dtype, info,
                   waiting: tuple = ()):
    """(pipeline, weights in words, model_index-like dict, checked parts), as parts.build_pipeline;
    a component in ``waiting`` (Qwen2.5-VL, while the prompt-embedding cache is on) left on disk."""
    missing = [PART_TITLES[c] for c in ("text_encoder", "text_encoder_2", "vae") if c not in files]
    if missing:
        raise ModelError(f"'{wf.path}' is a single Kandinsky 5 DiT: set the {', the '.join(missing)} file(s) ({FILES}, "
                         "as ComfyUI's DualCLIPLoader and VAELoader take them), or 'base' to a diffusers Kandinsky 5 "
                         "folder")
    _, cfg, _ = denoiser_config(diffusers, fam, wf)
    parts = check_parts(fam, cfg, wf.path, files, diffusers)
    tokenizer, tokenizer_2 = tokenizers(parts)
    task = pk.task_of(wf.path)
    pipe_cls = fam.i2v if task == "i2v" else fam.t2v
    [(den, weights, how)], index = load_with_config(diffusers, fam, pipe_cls, DENOISER, cfg, [wf], torch_dtype)
    attention = "NABLA sparse attention (10 s)" if pk.ten_seconds(wf.path) else "full attention"
    info(f"weights: {how}; config from the file's shapes ({pk.ASSUMED}; {task.upper()} by its name, {attention}; "
         f"{QWEN_ASSUMED}; {HUNYUAN_VAE_ASSUMED})")
    comps = set_components(diffusers, den, (tokenizer, tokenizer_2), parts, waiting, torch_dtype, info)
    index["_class_name"] = pipe_cls
    return getattr(diffusers, pipe_cls)(**comps), weights, index, parts
