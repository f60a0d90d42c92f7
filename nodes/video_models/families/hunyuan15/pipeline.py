"""HunyuanVideo 1.5 from ComfyUI's part files (the family module, as parts.py is Wan's): the
denoiser (Tencent's names, converted by hunyuan_layouts.py), the Qwen2.5-VL text encoder, the byT5
glyph encoder (``text_encoder_2``) and the VAE, each recognised and checked against the denoiser
before the first is loaded (``check_parts``; with a base folder too), loaded lean. With no folder
(``build_pipeline``) the denoiser's config comes from its shapes, the scheduler and guider from
Studio's data for the released variant its file name says (parts_hunyuan.py); byT5's tokenizer
needs no files (bytes, as ComfyUI's); the Qwen2.5-VL tokenizer comes from a tokenizer/ folder beside
its file, else the load is refused saying what to give (parts.tokenizer_for). Image to video
(the file's name says i2v, as ComfyUI's do) takes the SigLIP file as the CLIP vision part, its
image processor from Studio's data (parts_hunyuan.SIGLIP_IMAGE_PROCESSOR at the tower's own image
size): HunyuanVideo15ImageToVideoPipeline, as a diffusers I2V folder loads. The denoiser may be
bf16 / fp16 / fp32, plain or scaled fp8, or GGUF (single_file.py). diffusers and transformers are
imported inside functions."""
from __future__ import annotations


from ...base.errors import ModelError
from ...base.family import Family
from . import parts as ph
from ...files.parts import PART_TITLES, WAITS, Part, check_shapes, load_part, read_part, tokenizer_for
from ...files.gguf_load import check_quantisations
from ...files.single_file import converted_shapes, load_with_config
from ...files.weight_formats import WeightFile

DENOISER = "HunyuanVideo15Transformer3DModel"


def check_parts(fam: Family, den_cfg: dict, den_path: str, files: dict[str, str], diffusers) -> dict[str, Part]:
    """Each part's file recognised, put under diffusers' / transformers' names and checked against
    the denoiser's config ``den_cfg`` (text and glyph widths, latent channels), then its config built
    on the meta device against every tensor of the file: headers only, nothing allocated."""
    parts = {c: Part(c, *ph.part_spec(c, *read_part(c, p), den_cfg, den_path)) for c, p in files.items()}
    for part in parts.values():
        check_shapes(part, diffusers)
    return parts


def denoiser_config(diffusers, fam: Family, wf: WeightFile) -> tuple[str, dict, WeightFile]:
    """(class name, config, the file) of a denoiser file with no folder (bf16 / fp16 / fp32, plain
    or scaled fp8, GGUF): the config from the shapes its conversion makes (meta tensors: nothing is
    read)."""
    if wf.kind == "gguf":
        check_quantisations(wf)  # a quantisation diffusers cannot read is named before the parts are looked at
    shapes = converted_shapes(diffusers.HunyuanVideo15Transformer3DModel, {}, wf)
    if shapes is None:
        raise ModelError(f"'{wf.path}' is not in a HunyuanVideo 1.5 layout Studio converts: set 'base' to a diffusers "
                         "HunyuanVideo 1.5 folder")
    return DENOISER, ph.transformer_config(shapes, wf.path), wf


def build_pipeline(diffusers, fam: Family, wf: WeightFile, files: dict[str, str], torch_dtype, info,
                   waiting: tuple = ()):
    """(pipeline, weights in words, model_index-like dict, checked parts), as parts.build_pipeline;
    a component in ``waiting`` (Qwen2.5-VL, while the prompt-embedding cache is on) left on disk."""
    missing = [PART_TITLES[c] for c in ("text_encoder", "text_encoder_2", "vae") if c not in files]
    if missing:
        raise ModelError(f"'{wf.path}' is a single HunyuanVideo 1.5 denoiser: set the {', the '.join(missing)} "
                         "file(s) (Qwen2.5-VL 7B, byT5 glyph encoder, VAE, as ComfyUI's loaders take them), or 'base' "
                         "to a diffusers HunyuanVideo 1.5 folder")
    res, task, distilled = ph.variant_of(wf.path)
    if task == "i2v" and "image_encoder" not in files:
        raise ModelError(f"'{wf.path}' is a HunyuanVideo 1.5 image-to-video denoiser (its name says i2v), which reads "
                         "SigLIP image states: set the CLIP vision file (sigclip_vision_patch14_384), or 'base' to a "
                         "diffusers HunyuanVideo 1.5 I2V folder")
    _, cfg, _ = denoiser_config(diffusers, fam, wf)
    parts = check_parts(fam, cfg, wf.path, files, diffusers)
    tokenizer = tokenizer_for(parts["text_encoder"], None)
    [(den, weights, how)], index = load_with_config(diffusers, fam, "HunyuanVideo15Pipeline", DENOISER, cfg, [wf],
                                                    torch_dtype)
    shift, guidance = ph.shift_of(wf.path), 1.0 if distilled else 6.0
    info(f"weights: {how}; config from the file's shapes ({ph.HY15_ASSUMED}: {res} {task.upper()}"
         f"{', distilled' if distilled else ''}, shift {shift}, guidance {guidance})")
    from transformers import ByT5Tokenizer
    comps = {"transformer": den, "tokenizer": tokenizer, "tokenizer_2": ByT5Tokenizer(),
             "scheduler": diffusers.FlowMatchEulerDiscreteScheduler(shift=shift),
             "guider": diffusers.ClassifierFreeGuidance(guidance_scale=guidance)}
    for c, part in parts.items():
        comps[c] = None if c in waiting else load_part(part, torch_dtype)
        info(f"{PART_TITLES[c]}: {part.words}" + (", tokenizer from beside the file" if c == "text_encoder" else "")
             + (WAITS if c in waiting else ""))
    pipe_cls = "HunyuanVideo15ImageToVideoPipeline" if task == "i2v" else "HunyuanVideo15Pipeline"
    if task == "i2v":
        from transformers import SiglipImageProcessor
        side = parts["image_encoder"].cfg["image_size"]
        comps["feature_extractor"] = SiglipImageProcessor(**{**ph.SIGLIP_IMAGE_PROCESSOR,
                                                             "size": {"height": side, "width": side}})
    index["_class_name"] = pipe_cls
    return getattr(diffusers, pipe_cls)(**comps), weights, index, parts
