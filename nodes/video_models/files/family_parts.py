"""Which family's code reads ComfyUI's separate part files (a denoiser file + text-encoder, VAE and
CLIP-vision files): Wan's (parts.py), LTX-Video's, LTX-2's and HunyuanVideo 1.5's (layouts/); SVD's
one checkpoint (svd/pipeline.py). Another family's denoiser with part files is refused here, saying
what to give instead (a diffusers folder as 'base')."""
from __future__ import annotations

from ..loading.checks import ModelError
from ..loading.families import FAMILIES
from . import parts
from ..layouts import hunyuan15_pipeline, parts_ltx, parts_ltx2
from ..layouts.wan22 import one_denoiser
from ..svd import pipeline as svd_pipeline

# family key -> the module reading its part files (SVD's: its one checkpoint)
_BY_FAMILY = {"wan": parts, "ltx": parts_ltx, "ltx2": parts_ltx2, "hunyuan15": hunyuan15_pipeline,
              "svd": svd_pipeline}

def _read_for() -> str:
    titles = [FAMILIES[k].title for k in _BY_FAMILY]
    return ", ".join(titles[:-1]) + " and " + titles[-1] if len(titles) > 1 else titles[0]


def check_parts(fam, den_cfg: dict, den_path: str, files: dict[str, str], diffusers):
    """The family's check of its part files against the denoiser's config (headers only)."""
    if fam.key not in _BY_FAMILY:
        raise ModelError(f"separate text-encoder, VAE and CLIP-vision files are read for {_read_for()} so far: for "
                         f"this {fam.title} denoiser set 'base' to a diffusers {fam.title} folder and leave them empty")
    return _BY_FAMILY[fam.key].check_parts(fam, den_cfg, den_path, files, diffusers)


def denoiser_config(diffusers, fam, wf):
    """(class name, config, the file under diffusers' names) of a denoiser file with no folder."""
    if fam.key not in _BY_FAMILY:
        raise ModelError(f"'{wf.path}' is a single {fam.title} {fam.denoiser} file: set 'base' to a diffusers "
                         f"{fam.title} folder (its VAE, text encoder and scheduler are used with this file); "
                         f"separate text-encoder and VAE files are read for {_read_for()} so far")
    return _BY_FAMILY[fam.key].denoiser_config(diffusers, fam, wf)


def build_pipeline(diffusers, fam, wf, files: dict[str, str], torch_dtype, info, second: str | None = None):
    """(pipeline, weights in words, model_index-like dict, parts) from a denoiser file and its parts' files
    (``second``: Wan 2.2 A14B's other expert; a second file for another family is refused, wan22.py)."""
    if fam.key not in _BY_FAMILY:
        denoiser_config(diffusers, fam, wf)  # refused, saying what to give
    if second:
        one_denoiser(fam, wf.path, second)
        return parts.build_pipeline(diffusers, fam, wf, files, torch_dtype, info, second)
    return _BY_FAMILY[fam.key].build_pipeline(diffusers, fam, wf, files, torch_dtype, info)


def denoiser_tensors(fam, wf):
    """The denoiser's own tensors of a single file read against a base folder: an LTX-2 all-in-one
    checkpoint's transformer (its connectors, VAEs and vocoder left to the folder's); another file as it is."""
    return parts_ltx2.transformer_file(wf) if fam.key == "ltx2" else wf
