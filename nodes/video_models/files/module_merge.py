"""A module file merged beside its base denoiser file, as ComfyUI's Wan loaders take a Wan VACE module
(kijai's WanVideoWrapper 'vace_model', KJNodes' extra state dict: the module's tensors added to the base
model's state dict, ComfyUI's 'model.diffusion_model.' prefix set aside): the two files' headers made one
WeightFile whose module tensors are read from the module's own file (TensorInfo.source), so the config is
read from the shapes of both (VACE blocks: a WanVACETransformer3DModel) and diffusers' converter renames
both as one. Safetensors beside safetensors, or GGUF beside GGUF (gguf_state: both files' tensors read as
diffusers' GGUF loader takes them, its quantiser keeping each block's quantised bytes as a whole GGUF model's);
headers read, never unpickled; nothing is copied to disk."""
from __future__ import annotations

import dataclasses
import os

from ..base.errors import ModelError
from .weight_formats import INT8, MXFP8, NVFP4, WeightFile, check_single_file, read_weight_file

COMFY_PREFIX = "model.diffusion_model."
KINDS = ("safetensors", "gguf")  # a module is merged beside a model file of its own kind


def _prefix(names) -> str:
    return COMFY_PREFIX if names and all(n.startswith(COMFY_PREFIX) for n in names) else ""


def _bare(name: str) -> str:
    return name[len(COMFY_PREFIX):] if name.startswith(COMFY_PREFIX) else name


def merged(base: WeightFile, module_path: str, what: str = "VACE module") -> WeightFile:
    """``base`` with the tensors of the module file at ``module_path`` (under the base's prefix), each
    read from the module's file. Refused: a module that is neither .safetensors nor GGUF, or not of the base's
    kind, a module holding no tensor or a tensor the base holds already (a model that includes its module)."""
    name = os.path.basename(module_path)
    kind = next((k for k in KINDS if module_path.lower().endswith(f".{k}")), None)
    if kind is None:
        raise ModelError(f"{what} '{name}': Studio reads a {what} from a .safetensors or .gguf file only (its "
                         "headers, never unpickled)")
    if base.kind != kind:
        raise ModelError(f"{what} '{name}' is {kind.upper()}, but '{os.path.basename(base.path)}' is "
                         f"{base.kind.upper()}: a module is merged beside a model file of its own kind (a GGUF module "
                         "beside a GGUF model, a .safetensors one beside a .safetensors model)")
    mod = read_weight_file(module_path)
    packed = [k for k, v in mod.tensors.items() if v.dtype in (NVFP4, INT8, MXFP8)]
    if packed:
        raise ModelError(f"{what} '{name}' holds ComfyUI's packed NVFP4, MXFP8 or int8 layers ('{packed[0]}'): Studio merges "
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


def gguf_state(wf: WeightFile) -> dict:
    """A GGUF model file's tensors as diffusers' GGUF loader takes them (tensor_reads.read_gguf_state), with those
    of each module merged beside it read from its own file, under the names the merge gave them."""
    from .tensor_reads import read_gguf_state
    state = read_gguf_state(wf.path)
    pre = _prefix(list(state))
    for path in dict.fromkeys(t.source[0] for t in wf.tensors.values() if t.source is not None):
        state.update({pre + _bare(k): v for k, v in read_gguf_state(path).items()})
    return state


def has_merged(wf: WeightFile) -> bool:
    """Whether ``wf`` holds a merged module's tensors (read from another file than ``wf.path``)."""
    return any(t.source is not None for t in wf.tensors.values())


VACE_MODULE = "vace_module"  # Load Video Model's 'vace_module' (its parts key): a Wan VACE module file
VACE_MODULE_2 = "vace_module_2"  # and 'vace_module_2': the second expert's (Wan 2.2 A14B's 'model_2')
MODULES = (VACE_MODULE, VACE_MODULE_2)


def with_vace_module(fam, single: WeightFile | None, module: str, info) -> WeightFile:
    """The model file ``single`` with a Wan VACE module's tensors merged, for a family with a VACE pipeline and a
    single model file only; said through ``info``."""
    name = os.path.basename(module)
    if not getattr(fam, "vace", None):
        raise ModelError(f"a VACE module ('vace_module': '{name}') goes beside a Wan model file, but the model is "
                         f"{fam.title}'s: leave it empty")
    if single is None:
        raise ModelError(f"a VACE module ('vace_module': '{name}') is merged beside a single model file, but the "
                         "model is a diffusers folder (a VACE folder holds its blocks already)")
    wf = merged(single, module)
    info(f"VACE module '{name}' merged beside '{os.path.basename(single.path)}' "
         f"({len(wf.tensors) - len(single.tensors)} tensors)")
    return wf


def with_vace_modules(fam, single: WeightFile | None, given: dict, info):
    """(the model file, the second expert) with their VACE modules merged: 'vace_module' beside 'model', and for
    Wan 2.2 A14B's two experts 'vace_module_2' beside 'model_2' (each expert has its own module: ComfyUI's
    Wan2_2_Fun_VACE_module_A14B_HIGH / _LOW files), the second then a WeightFile (wan22.check_experts reads it);
    a module for one expert alone, or a second module without a second expert, refused before anything is read."""
    second, module, module_2 = given.get("transformer_2"), given.get(VACE_MODULE), given.get(VACE_MODULE_2)
    if not (module or module_2):
        return single, second
    if module_2 and not second:
        raise ModelError(f"a second VACE module ('vace_module_2': '{os.path.basename(module_2)}') goes beside the "
                         "second expert ('model_2'), which is empty: leave it empty, or give Wan 2.2 A14B's two experts")
    if second and not (module and module_2):
        one, other = (("model", "model_2 ('vace_module_2')") if module else ("model_2", "model ('vace_module')"))
        raise ModelError(f"a VACE module is given for '{one}' alone: Wan 2.2 A14B's two experts each take their own "
                         f"module (..._HIGH_... and ..._LOW_...), so give the one for {other} too, or leave both "
                         "empty")
    single = with_vace_module(fam, single, module, info)
    if not second:
        return single, None
    _, low = check_single_file(second)
    wf2 = merged(low, module_2)
    info(f"VACE module '{os.path.basename(module_2)}' merged beside '{os.path.basename(second)}' "
         f"({len(wf2.tensors) - len(low.tensors)} tensors)")
    return single, wf2


def vace_checked(fam, pipe, module: str | None) -> None:
    """A model loaded with a VACE module that is no VACE pipeline (the module's tensors read as no VACE blocks)
    refused, naming the module."""
    if module and type(pipe).__name__ != fam.vace:
        raise ModelError(f"VACE module '{os.path.basename(module)}': the model read with it is a "
                         f"{type(pipe).__name__}, not a {fam.vace}: it is not a Wan VACE module")
