"""A module file merged beside its base denoiser file, as ComfyUI's Wan loaders take a Wan VACE module
(kijai's WanVideoWrapper 'vace_model', KJNodes' extra state dict: the module's tensors added to the base
model's state dict, ComfyUI's 'model.diffusion_model.' prefix set aside): the two files' headers made one
WeightFile whose module tensors are read from the module's own file (TensorInfo.source), so the config is
read from the shapes of both (VACE blocks: a WanVACETransformer3DModel) and diffusers' converter renames
both as one. Safetensors only (headers read, never unpickled); nothing is copied to disk."""
from __future__ import annotations

import dataclasses
import os

from ..base.errors import ModelError
from .weight_formats import INT8, NVFP4, WeightFile, read_weight_file

COMFY_PREFIX = "model.diffusion_model."


def _prefix(names) -> str:
    return COMFY_PREFIX if names and all(n.startswith(COMFY_PREFIX) for n in names) else ""


def _bare(name: str) -> str:
    return name[len(COMFY_PREFIX):] if name.startswith(COMFY_PREFIX) else name


def merged(base: WeightFile, module_path: str, what: str = "VACE module") -> WeightFile:
    """``base`` with the tensors of the module file at ``module_path`` (under the base's prefix), each
    read from the module's file. Refused: a module that is not .safetensors, a base that is not, a
    module holding no tensor or a tensor the base holds already (a model that includes its module)."""
    name = os.path.basename(module_path)
    if not module_path.lower().endswith(".safetensors"):
        raise ModelError(f"{what} '{name}': Studio reads a {what} from a .safetensors file only (its headers, "
                         "never unpickled; a GGUF module is not merged)")
    if base.kind != "safetensors":
        raise ModelError(f"{what} '{name}': it is merged beside a .safetensors model file only, but "
                         f"'{os.path.basename(base.path)}' is {base.kind.upper()}")
    mod = read_weight_file(module_path)
    packed = [k for k, v in mod.tensors.items() if v.dtype in (NVFP4, INT8)]
    if packed:
        raise ModelError(f"{what} '{name}' holds ComfyUI's packed NVFP4 or int8 layers ('{packed[0]}'): Studio merges "
                         "a module of bf16, fp16, fp32 or fp8 tensors only")
    if not mod.tensors:
        raise ModelError(f"{what} '{name}' holds no tensors")
    pre = _prefix(list(base.tensors))
    there = {_bare(k) for k in base.tensors}
    both = sorted(_bare(k) for k in mod.tensors if _bare(k) in there)
    if both:
        raise ModelError(f"{what} '{name}': '{os.path.basename(base.path)}' holds its tensors already ('{both[0]}'"
                         f"{f' and {len(both) - 1} more' if len(both) > 1 else ''}): it includes the module, so "
                         f"leave the {what} empty, or give the base model it goes with")
    src = (module_path, mod.data_start)

    def moved(info):
        return dataclasses.replace(info, source=src)
    tensors = {**base.tensors, **{pre + _bare(k): moved(v) for k, v in mod.tensors.items()}}
    aside = {**(base.aside or {}), **{pre + _bare(k): moved(v) for k, v in (mod.aside or {}).items()}}
    scales = {**base.scales, **{pre + _bare(w): pre + _bare(s) for w, s in mod.scales.items()}}
    return dataclasses.replace(base, tensors=tensors, scales=scales, aside=aside or None)


def has_merged(wf: WeightFile) -> bool:
    """Whether ``wf`` holds a merged module's tensors (read from another file than ``wf.path``)."""
    return any(t.source is not None for t in wf.tensors.values())


VACE_MODULE = "vace_module"  # Load Video Model's 'vace_module' (its parts key): a Wan VACE module file


def with_vace_module(fam, single: WeightFile | None, module: str, second: str | None, info) -> WeightFile:
    """The model file ``single`` with a Wan VACE module's tensors merged, for a family with a VACE pipeline, a
    single model file and no second expert only; said through ``info``."""
    name = os.path.basename(module)
    if not getattr(fam, "vace", None):
        raise ModelError(f"a VACE module ('vace_module': '{name}') goes beside a Wan model file, but the model is "
                         f"{fam.title}'s: leave it empty")
    if single is None:
        raise ModelError(f"a VACE module ('vace_module': '{name}') is merged beside a single model file, but the "
                         "model is a diffusers folder (a VACE folder holds its blocks already)")
    if second:
        raise ModelError("a VACE module is merged beside 'model' only: Wan 2.2 A14B's two experts with their two "
                         "modules ('model_2' too) are not read; leave 'model_2' empty or use a VACE model's files")
    wf = merged(single, module)
    info(f"VACE module '{name}' merged beside '{os.path.basename(single.path)}' "
         f"({len(wf.tensors) - len(single.tensors)} tensors)")
    return wf


def vace_checked(fam, pipe, module: str | None) -> None:
    """A model loaded with a VACE module that is no VACE pipeline (the module's tensors read as no VACE blocks)
    refused, naming the module."""
    if module and type(pipe).__name__ != fam.vace:
        raise ModelError(f"VACE module '{os.path.basename(module)}': the model read with it is a "
                         f"{type(pipe).__name__}, not a {fam.vace}: it is not a Wan VACE module")
