"""Wan S2V's files as ComfyUI's loaders take them: the S2V denoiser file (original layout), Wan's
UMT5-XXL text-encoder file and Wan 2.1 VAE file (read and checked by Wan's own part reader,
families/wan/parts.py), built into a ``WanS2VPipeline``. Every part is checked before the first
is loaded."""
from __future__ import annotations

from ...base.errors import ModelError
from ...base.family import Family
from ...files.parts import tokenizer_for
from ..wan.own_pipeline import assembled, check_wan_parts, one_t2v_denoiser

S2V_SHIFT = 3.0  # wan/configs/wan_s2v_14B.py sample_shift


def _s2v_config(wf) -> dict:
    from .convert import S2V_MARK, config_from_shapes, strip
    shapes = {strip(k): v.shape for k, v in wf.tensors.items()}
    if S2V_MARK not in shapes:
        raise ModelError(f"'{wf.path}' is not a Wan S2V denoiser (it has no causal audio encoder)")
    return config_from_shapes(shapes, wf.path)


def denoiser_config(diffusers, fam: Family, wf):
    """(class name, config in diffusers' names, the file) of an S2V denoiser with no folder."""
    return "WanS2VTransformer3DModel", _s2v_config(wf), wf


def check_parts(fam: Family, den_cfg: dict, den_path: str, files: dict[str, str], diffusers):
    """Wan's check of the text-encoder and VAE files against the S2V denoiser (it reads no CLIP vision)."""
    if files.get("image_encoder"):
        raise ModelError(f"a CLIP-vision file '{files['image_encoder']}' was given, but the Wan S2V denoiser reads no "
                         "image tokens (its reference image is encoded by the VAE): leave it empty")
    return check_wan_parts(fam, den_cfg, den_path, files, diffusers)


def build_pipeline(diffusers, fam: Family, wf, files: dict[str, str], torch_dtype, info, second=None,
                   waiting: tuple = ()):
    """(WanS2VPipeline, weights in words, model_index-like dict, parts) from the S2V file and Wan's
    text-encoder and VAE files."""
    one_t2v_denoiser("Wan S2V", wf.path, files, second)
    cfg = _s2v_config(wf)
    parts = check_parts(fam, cfg, wf.path, files, diffusers)
    from ..wan import part_configs as pc
    from .convert import load_s2v
    from .pipeline import WanS2VPipeline
    den, cfg = load_s2v(wf.path, torch_dtype, wf)
    info(f"weights: {wf.fmt}, the original layout renamed; config from the file's shapes (attention heads of "
         f"128 values, audio injected after blocks {', '.join(map(str, cfg['audio_inject_layers']))})")
    comps = {"transformer": den, "tokenizer": tokenizer_for(parts["text_encoder"], None),
             "scheduler": diffusers.UniPCMultistepScheduler.from_config({**pc.WAN_SCHEDULER, "flow_shift": S2V_SHIFT})}
    pipe, index = assembled(WanS2VPipeline, comps, parts, torch_dtype, info, "WanS2VTransformer3DModel")
    return pipe, wf.fmt, index, parts
