"""The denoiser file of a family built on Wan's files with modules of its own (SteadyDancer, ReCamMaster, SCAIL):
read under diffusers' Wan names with the family's own tensors kept as its release names them, and checked to fill
the model its shapes describe before anything is allocated. One reading for them all (own_pipeline.py says what such
a family is)."""
from __future__ import annotations

from ...base.errors import ModelError


def renamed_keeping_own(diffusers, wf, own):
    """``wf`` (prefixes stripped) under diffusers' Wan names, the tensors ``own(name)`` picks (the family's modules)
    kept as they are (diffusers' converter, run on shapes, would rename them as if they were Wan's); refused when its
    Wan tensors do not read as Wan 2.1's original layout."""
    from ...files.single_file import renamed
    from ...files.weight_formats import WeightFile
    core = WeightFile(wf.path, wf.kind, {k: v for k, v in wf.tensors.items() if not own(k)},
                      {w: s for w, s in wf.scales.items() if not own(w)}, wf.data_start, wf.aside)
    named = renamed(diffusers.WanTransformer3DModel, {}, core)
    if named is None:
        raise ModelError(f"'{wf.path}': its Wan tensors do not read as Wan 2.1's original layout")
    named.tensors.update({k: v for k, v in wf.tensors.items() if own(k)})
    named.scales.update({w: s for w, s in wf.scales.items() if own(w)})
    return named


def check_fills(cls, cfg: dict, named, path: str, title: str) -> None:
    """Refused unless the file's tensors (under diffusers' names) fill the model ``cls(**cfg)`` (a ``title``
    denoiser), each of its shape: the model built on the meta device (nothing allocated)."""
    from accelerate import init_empty_weights
    with init_empty_weights():
        want = {k: tuple(v.shape) for k, v in cls(**cfg).state_dict().items()}
    have = {k: tuple(v.shape) for k, v in named.tensors.items()}
    missing, extra = sorted(set(want) - set(have)), sorted(set(have) - set(want))
    bad = [k for k in want if k in have and want[k] != have[k]]
    if missing or extra or bad:
        what = (f"{len(missing)} missing (first '{missing[0]}')" if missing else
                f"{len(extra)} not in the model (first '{extra[0]}')" if extra else f"'{bad[0]}' of another shape")
        raise ModelError(f"'{path}' does not fill a {title} denoiser of its own shapes: {what}")
