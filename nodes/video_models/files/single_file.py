"""A denoiser from one file, lean: its config checked against the file's header, the model built on
the meta device, and the weights read straight into it, so a load's peak host memory is about the
weights themselves (not a full fp32 build of the base's denoiser first).

Formats: bf16 / fp16 / fp32 (converted to the load dtype tensor by tensor); fp8 e4m3fn and e5m2
(kept in 8 bits, each layer cast up to the load dtype while it runs: diffusers' layerwise casting,
as the fp8 memory mode does); ComfyUI's scaled fp8 (the per-tensor ``scale_weight`` applied to
each layer's output, the weights still stored in 8 bits); GGUF (diffusers' GGUFQuantizationConfig:
dequantised on the fly; gguf_load.py for a class Studio converts itself); ComfyUI's newer
mixed-precision files: the per-tensor ``weight_scale`` of their fp8 layers as scaled fp8's, their
NVFP4 layers kept packed and dequantised per layer as they run (comfy_quant.py), their int8 ones
('int8_tensorwise', convrot or not) kept in int8 the same way (comfy_int8.py), their MXFP8 ones
dequantised as read (comfy_mxfp8.py: plain weights from then on). The original
repositories' layouts go through diffusers' single-file converters, or Studio's for the classes
diffusers has none for (HunyuanVideo 1.5's, hunyuan_layouts.py: scaled fp8 scales and GGUF rows
carried through its splits). The reads themselves: tensor_reads.py. Pickles are refused before
this (checks.refuse_pickle)."""
from __future__ import annotations

import os

from studio.core.checked_open import checked_file

from ..base.errors import ModelError
from ..files.headers import read_json
from ..base.config_check import check_config
from ..base.family import Family
from ..base.capabilities import single_file
from ..base.registry import all_families
from .gguf_load import check_quantisations, quantised_load, whole_rows
from .module_merge import gguf_state
from .tensor_reads import all_read, read_gguf_state, read_tensor, torch_dtype_of
from .weight_formats import INT8, MXFP8, NVFP4, SAFETENSORS_DTYPES, WeightFile, describe


def _casting_leaf(model, key: str):
    """The Linear / Conv module whose ``weight`` is ``key``, or None (diffusers' layerwise casting
    hooks those layers)."""
    import torch
    layers = (torch.nn.Linear, torch.nn.Conv1d, torch.nn.Conv2d, torch.nn.Conv3d, torch.nn.ConvTranspose1d,
              torch.nn.ConvTranspose2d, torch.nn.ConvTranspose3d)  # what diffusers' layerwise casting hooks
    if not key.endswith(".weight"):
        return None
    try:
        mod = model.get_submodule(key[: -len(".weight")])
    except AttributeError:
        return None
    return mod if isinstance(mod, layers) else None


def _apply_scale(module, scale: float) -> None:
    """ComfyUI's scaled fp8: the true weight is ``scale`` times the stored one. The layer runs with
    the stored weight (cast up by layerwise casting), and its output is corrected after:
    x·(s·w)ᵀ + b = s·(x·wᵀ + b − b) + b."""
    import torch

    def hook(mod, args, out):
        b = mod.bias
        if b is None:
            return out * scale
        b = b.to(out.dtype)
        if not isinstance(mod, torch.nn.Linear):
            b = b.view(-1, *([1] * (out.dim() - 2)))
        return (out - b) * scale + b
    # Hook: torch's own, not diffusers' registry: it must run after diffusers' layerwise-casting hook on the
    # same layer (a registry hook, whichever is added first), and it stays for the model's life
    module.register_forward_hook(hook)


def _file_tensors(wf: WeightFile, keep=None):
    """(name, tensor, fp8 scale or None) of each of ``wf``'s weights (those in ``keep``: the others
    are not read), in the file's order."""
    with checked_file(wf.path, "model file", buffering=0) as f:  # the file read is the file checked
        for name, _ in sorted(wf.tensors.items(), key=lambda kv: kv[1].start):
            if keep is not None and name not in keep:
                continue
            t = read_tensor(f, wf, name)
            yield name, t, float(read_tensor(f, wf, wf.scales[name]).float()) if name in wf.scales else None


def _has_nvfp4(wf: WeightFile) -> bool:
    """Whether ``wf`` holds ComfyUI's packed layers (NVFP4 or int8: their scales travel inside their
    TensorInfo, so a converter may rename them but not split or join them)."""
    return any(t.dtype in (NVFP4, INT8) for t in wf.tensors.values())


def _state_tensors(state: dict, scales: dict):
    """(name, tensor, fp8 scale or None) of a converted state, each handed out and dropped from ``state``."""
    for name in list(state):
        yield name, state.pop(name), scales.get(name)


def _held_16bit(model, keep: list, dtypes: dict) -> dict:
    """{tensor name: its Linear / Conv layer} of the layers in ``keep`` (fp32 modules) whose weight and bias
    (when it has one) are 16-bit (``dtypes``: name -> torch dtype): each held in its 16 bits and cast up to
    fp32 as it runs (layerwise casting). Exact: a 16-bit value cast up is the fp32 copy diffusers would hold."""
    import torch
    sixteen = (torch.float16, torch.bfloat16)
    out = {}
    for name, dt in dtypes.items():
        if dt not in sixteen or not any(m in name.split(".") for m in keep):
            continue
        leaf = _casting_leaf(model, name)
        if leaf is None:
            continue
        bias = name[: -len("weight")] + "bias"
        if getattr(leaf, "bias", None) is not None and dtypes.get(bias) != dt:
            continue  # an fp32 (or missing) bias would be rounded by the hook's cast: not exact
        out[name] = leaf
        if bias in dtypes:
            out[bias] = leaf
    return out


def lean_load(cls, cfg, wf: WeightFile, torch_dtype, state: dict | None = None, scales: dict | None = None,
              extra: dict | None = None, awq_applied: bool = False, hold_16bit: bool = False):
    """``cls`` built from ``cfg`` with empty (meta) parameters, and the file's tensors read into it
    as they are (assign): floating tensors in ``torch_dtype`` (fp32 for the class's
    _keep_in_fp32_modules, as diffusers loads them), fp8 weights of Linear / Conv layers kept in 8
    bits under layerwise casting (computed in ``torch_dtype``), scaled-fp8 scales applied, NVFP4
    weights (ComfyUI's) kept packed in comfy_quant.NVFP4Linear layers, int8 ones in
    comfy_int8.Int8Linear layers (another kind of layer's int8 weight dequantised now). ``cfg``: a diffusers config
    dict, or a transformers config object (its model's tied weights
    are tied after the load). ``state``: tensors read and converted already (diffusers' converter
    run on them), used instead of reading ``wf``, with ``scales`` (weight name -> its fp8 scale).
    ``extra``: tensors the caller made, loaded beside the file's (SVD's: its VAE's identity
    quant_conv, OpenCLIP's projection turned; svd/). ``awq_applied``: the caller puts the file's AWQ input
    scales (``.pre_quant_scale``) on its layers itself (minimax_h3/text_file.py); otherwise such a file is refused.
    ``hold_16bit``: an fp32 module's Linear / Conv layers stored in 16 bits stay in 16 bits, cast up to fp32 as
    each runs (the same outputs, half their memory; :func:`_held_16bit`) (given with ``state``)."""
    import torch
    from accelerate import init_empty_weights
    from diffusers.hooks.layerwise_casting import apply_layerwise_casting

    from studio.engine.meta_device import skip_init_on_meta

    from . import comfy_int8
    from .comfy_quant import Packed, dequantise, install
    awq = [] if awq_applied else [k for k in (wf.tensors if state is None else state) if k.endswith(".pre_quant_scale")]
    if awq:  # NVFP4-AWQ: its input scales change every output; dropping them would be silent and wrong
        raise ModelError(f"'{wf.path}' holds AWQ input scales ('{awq[0]}' and {len(awq) - 1} more): this loader does "
                         "not apply them (Studio reads NVFP4-AWQ for MiniMax H3's Qwen3-VL text file only, "
                         "families/minimax_h3/text_file.py)")
    skip_init_on_meta()  # the skeleton's weights are read next: torch's init of its meta tensors is skipped
    with init_empty_weights():
        model = cls.from_config(cfg) if isinstance(cfg, dict) else cls(cfg)
    keep = list(getattr(cls, "_keep_in_fp32_modules", None) or [])
    fp8_leaves: dict[str, tuple] = {}
    fp8 = (torch.float8_e4m3fn, torch.float8_e5m2)
    known = set(model.state_dict())
    loaded = {}
    held = _held_16bit(model, keep, {n: t.dtype for n, t in state.items() if isinstance(t, torch.Tensor)}) \
        if hold_16bit and state is not None else {}
    from itertools import chain
    read = _file_tensors(wf, known) if state is None else _state_tensors(state, scales or {})
    packed = {}
    for name, t, scale in chain(read, _state_tensors(extra or {}, {})):
        if name not in known:
            continue  # the class's own _keys_to_ignore_on_load_unexpected (config_check), or a dropped part
        if isinstance(t, Packed):  # NVFP4: kept packed (a fp32 module's dequantised now, as fp8 ones are)
            if not any(m in name.split(".") for m in keep):
                packed[name] = t
                continue
            rows, cols = model.get_parameter(name).shape
            t = dequantise(t, torch.float32)[:rows, :cols]
        if isinstance(t, comfy_int8.Int8):  # int8: kept in a Linear; a fp32 module's or another layer's now
            kept = any(m in name.split(".") for m in keep)
            if not kept and isinstance(model.get_submodule(name.rpartition(".")[0]), torch.nn.Linear):
                packed[name] = t
                continue
            t = comfy_int8.dequantise(t, torch.float32 if kept else torch_dtype)
        if not t.is_floating_point():
            loaded[name] = t
            continue
        if name in held:
            loaded[name] = t  # in its 16 bits: cast up to fp32 as its layer runs (after the load)
            continue
        kept = any(m in name.split(".") for m in keep)  # fp32 modules are dequantised (T5's 'wo' casts its
        target = torch.float32 if kept else torch_dtype  # input to its weight's dtype: it cannot stay in fp8)
        leaf = _casting_leaf(model, name) if t.dtype in fp8 and not kept else None
        if leaf is not None:
            fp8_leaves[name] = (leaf, t.dtype, scale)
            loaded[name] = t
            continue
        if scale is not None:
            t = t.to(torch.float32) * scale
        loaded[name] = t.to(target)
        del t
    model.load_state_dict(loaded, strict=False, assign=True)
    state = loaded = None
    if not isinstance(cfg, dict) and hasattr(model, "tie_weights"):
        model.tie_weights()  # a transformers encoder's input embedding is its 'shared' table
    for name, p in packed.items():
        (comfy_int8.install if isinstance(p, comfy_int8.Int8) else install)(model, name, p, wf.path)
    for name, leaf in held.items():
        if name.endswith(".weight"):
            apply_layerwise_casting(leaf, storage_dtype=leaf.weight.dtype, compute_dtype=torch.float32,
                                    skip_modules_pattern=None)
    for _, (leaf, storage, scale) in fp8_leaves.items():
        apply_layerwise_casting(leaf, storage_dtype=storage, compute_dtype=torch_dtype, skip_modules_pattern=None)
        if scale is not None and scale != 1.0:
            _apply_scale(leaf, scale)
    return all_read(model, wf.path)


def renamed(cls, cfg: dict, wf: WeightFile, shapes_only: bool = False) -> WeightFile | None:
    """``wf`` under the diffusers names of ``cls``, through diffusers' own single-file converter for
    the class, run on shapes alone (meta tensors: nothing is read); ComfyUI's scale tensors are
    renamed with their weights. None when the converter does more than rename (splits, joins or
    reshapes tensors: then diffusers loads the file itself) or there is none. ``shapes_only``: a
    GGUF file's names too (its shapes renamed to read a config from; diffusers reads its data)."""
    import inspect

    import torch
    fn = _converter(cls)
    if fn is None or (wf.kind != "safetensors" and not shapes_only):
        return None
    infos = {**wf.tensors, **{n: (wf.aside or {})[n] for n in wf.scales.values()}}
    metas = {k: torch.empty(v.shape, dtype=torch_dtype_of(v.dtype) if wf.kind == "safetensors" else torch.float32,
                            device="meta") for k, v in infos.items()}
    owner = {id(t): k for k, t in metas.items()}
    try:
        kwargs = {"config": cfg} if "config" in inspect.signature(fn).parameters else {}
        out = fn(checkpoint=dict(metas), **kwargs)
    except Exception:  # noqa: BLE001 - a converter that needs the data: diffusers loads the file itself
        return None
    names = {new: owner.get(id(t)) for new, t in out.items()}
    if None in names.values() or len(set(names.values())) != len(names):
        return None  # a tensor made (split, joined, reshaped) or one used twice: not a renaming
    old_to_new = {old: new for new, old in names.items()}  # a tensor the converter drops (an all-in-one
    # file's VAE beside LTX-Video's transformer) is not read
    tensors = {old_to_new[k]: v for k, v in wf.tensors.items() if k in old_to_new}
    aside = {old_to_new[n]: infos[n] for n in wf.scales.values() if n in old_to_new}
    scales = {old_to_new[w]: old_to_new[n] for w, n in wf.scales.items() if w in old_to_new and n in old_to_new}
    return WeightFile(wf.path, wf.kind, tensors, scales, wf.data_start, aside)


def _studio_converters(carrying_scales: bool | None = None) -> dict:
    """Studio's own converters (class name -> function) for classes diffusers has none for, as the
    families give them (HunyuanVideo 1.5's, SVD's UNet); ``carrying_scales``: only those that do
    (or do not) carry ComfyUI's fp8 scales through their splits and joins."""
    out: dict = {}
    for f in all_families():
        sf = single_file(f)
        if carrying_scales is None or sf.carry_scales == carrying_scales:
            out.update(sf.converter_table())
    return out


def _converter(cls):
    """diffusers' single-file converter for ``cls``, else Studio's own for a class diffusers has
    none for (a family's: its SingleFile converters), else None."""
    from diffusers.loaders.single_file_model import SINGLE_FILE_LOADABLE_CLASSES
    fn = SINGLE_FILE_LOADABLE_CLASSES.get(cls.__name__, {}).get("checkpoint_mapping_fn")
    return fn or _studio_converters().get(cls.__name__)


def _diffusers_reads(cls) -> bool:
    from diffusers.loaders.single_file_model import SINGLE_FILE_LOADABLE_CLASSES
    return cls.__name__ in SINGLE_FILE_LOADABLE_CLASSES


def _converter_owner(cls) -> str:
    return "Studio's" if cls.__name__ in _studio_converters() else "diffusers'"


def _prepared(cls, state: dict) -> dict:
    """A family's own step before diffusers' converter (HunyuanVideo's single blocks split by the
    file's width: the converter assumes the 13B's; its SingleFile prepare)."""
    for f in all_families():
        state = single_file(f).prepare_state(cls.__name__, state)
    return state


def converted_shapes(cls, cfg: dict, wf: WeightFile) -> dict | None:
    """The shapes diffusers' converter for ``cls`` makes of ``wf``'s tensors (run on meta tensors:
    splits and joins too); None when there is none or it fails on shapes alone."""
    import inspect

    import torch
    fn = _converter(cls)
    if fn is None or _has_nvfp4(wf) or (wf.scales and not studio_converts(cls)):
        return None
    metas = {k: torch.empty(v.shape, dtype=torch_dtype_of(v.dtype) if wf.kind == "safetensors" else torch.float32,
                            device="meta") for k, v in wf.tensors.items()}  # GGUF: the dequantised shapes
    try:
        kwargs = {"config": cfg} if "config" in inspect.signature(fn).parameters else {}
        return {k: tuple(v.shape) for k, v in fn(checkpoint=_prepared(cls, metas), **kwargs).items()}
    except Exception:  # noqa: BLE001 - a converter that needs the data: diffusers loads the file itself
        return None


def converted_load(cls, cfg: dict, wf: WeightFile, torch_dtype):
    """``wf`` read with plain reads, converted by diffusers' converter (its splits and joins made on
    the real tensors; chunks are views of what was read), and assigned into the meta-built model: a
    load's peak is about the file, not diffusers' single-file loader's copy of it beside the model.
    Scaled fp8 (a converter that carries_scales): the scale tensors converted with their weights."""
    state = {name: t for name, t, _ in _file_tensors(wf)}
    with checked_file(wf.path, "model file", buffering=0) as f:
        state.update({s: read_tensor(f, wf, s) for s in wf.scales.values()})
    state = convert_state(cls, cfg, state)
    scales = {k[: -len(".scale_weight")] + ".weight": float(state.pop(k).float())
              for k in [k for k in state if k.endswith(".scale_weight")]}
    return lean_load(cls, cfg, wf, torch_dtype, state=state, scales=scales)


def convert_state(cls, cfg: dict, state: dict) -> dict:
    """Tensors read (plain, fp8 or GGUF's) under the names of ``cls`` by its converter."""
    import inspect
    fn = _converter(cls)
    kwargs = {"config": cfg} if "config" in inspect.signature(fn).parameters else {}
    return fn(checkpoint=_prepared(cls, state), **kwargs)


def studio_converts(cls) -> bool:
    """Whether Studio's own converter reads ``cls`` (hunyuan_layouts.py): it carries ComfyUI's fp8
    scales with their weights through its splits and joins (diffusers' converters do not), and
    GGUF files of it load through gguf_load.py (diffusers' single-file loader has no converter)."""
    return cls.__name__ in _studio_converters(carrying_scales=True)


def _studio_gguf(cls, cfg: dict, cfg_path: str, wf: WeightFile, torch_dtype, value_bytes: int, native: bool):
    """A GGUF file of a class Studio converts: the converted shapes checked against the config
    before anything is read, then read, converted and loaded through diffusers' GGUF quantizer."""
    shapes = converted_shapes(cls, cfg, wf)
    if not native and (shapes is None or not check_config(cfg_path, cfg, cls, shapes, wf.path, value_bytes)):
        raise ModelError(f"'{wf.path}' is in neither diffusers' layout of the {cls.__name__} nor one Studio converts "
                         f"(it holds {', '.join(list(wf.tensors)[:3]) + ', …' if wf.tensors else 'no tensors'})")
    return quantised_load(cls, cfg, convert_state(cls, cfg, whole_rows(read_gguf_state(wf.path))), torch_dtype,
                          wf.path)


def load_with_config(diffusers, fam: Family, pipeline: str, cls_name: str, cfg: dict, files: list[WeightFile],
                     torch_dtype) -> tuple[list[tuple], dict]:
    """Denoiser files with no folder, each loaded by ``load_denoiser`` against the config ``cfg`` (read
    from their shapes), which is written where diffusers' loaders look for one (GGUF and converted
    files) in a temporary folder, removed after: ([(denoiser, format, how loaded) per file], the
    model_index-like dict)."""
    import json
    import shutil
    import tempfile
    index = {"_class_name": pipeline, fam.denoiser: ["diffusers", cls_name]}
    tmp = tempfile.mkdtemp(prefix="studio-config-")
    try:
        os.makedirs(os.path.join(tmp, fam.denoiser))
        with open(os.path.join(tmp, fam.denoiser, "config.json"), "w") as f:
            json.dump({"_class_name": cls_name, **cfg}, f)
        try:
            return [load_denoiser(diffusers, index, tmp, fam, wf, torch_dtype) for wf in files], index
        except ModelError as e:  # the temporary config is no file of the artist's: said as what it is
            cfg_path = os.path.join(tmp, fam.denoiser, "config.json")
            raise ModelError(str(e).replace(f"'{cfg_path}'", "the config read from its shapes")) from e
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def without_own(wf: WeightFile, own: tuple[str, ...]) -> WeightFile:
    """The file without the tensors of modules a family's node reads itself (its SingleFile own_modules: any
    prefix before the name kept, ComfyUI's 'model.diffusion_model.'), so checks and loads see diffusers'."""
    if not own or not any(o in k for k in wf.tensors for o in own):
        return wf
    import dataclasses
    return dataclasses.replace(wf, tensors={k: v for k, v in wf.tensors.items() if not any(o in k for o in own)})


def load_denoiser(diffusers, index: dict, base: str, fam: Family, wf: WeightFile, torch_dtype):
    """(the denoiser from one file, its format in words, how it was loaded). The base's denoiser config is checked
    against the file's header first; a file in the diffusers layout is loaded lean, another layout
    (the original repository's names) through diffusers' single-file converter; GGUF through
    diffusers' GGUF quantizer."""
    sf = single_file(fam)
    if sf.refusal:
        raise ModelError(f"'{wf.path}': {sf.refusal}")
    _, cls_name = index[fam.denoiser]
    cls = getattr(diffusers, cls_name)
    wf = without_own(wf, sf.own_in(wf.tensors))
    cfg_path = os.path.join(base, fam.denoiser, "config.json")
    shapes = {k: v.shape for k, v in wf.tensors.items()}
    cfg = sf.config_for(read_json(cfg_path), shapes)  # (a base of another family's: its config made the file's)
    value_bytes = max((SAFETENSORS_DTYPES.get(v.dtype, ("", 2))[1] for v in wf.tensors.values()), default=2)
    fmt = wf.fmt
    if wf.kind == "gguf":
        check_quantisations(wf)
    try:
        native = check_config(cfg_path, cfg, cls, shapes, wf.path, value_bytes)
    except ModelError:
        named = renamed(cls, cfg, wf, shapes_only=True) if wf.kind == "gguf" else None
        if named is None:  # city96's GGUF files keep the original names (Wan's, Lightricks'): checked renamed
            raise
        native = check_config(cfg_path, cfg, cls, {k: v.shape for k, v in named.tensors.items()}, wf.path, value_bytes)
    compute = str(torch_dtype).replace("torch.", "").replace("bfloat16", "bf16").replace("float32", "fp32") \
        .replace("float16", "fp16")
    if wf.kind == "gguf" and studio_converts(cls):
        layout = "" if native else f" in the original layout (converted by {_converter_owner(cls)} converter as read)"
        return _studio_gguf(cls, cfg, cfg_path, wf, torch_dtype, value_bytes, native), fmt, \
            f"{fmt}{layout}, dequantised on the fly to {compute}"
    if wf.kind == "gguf":
        return _from_single_file(cls, wf.path, base, fam, torch_dtype, state=sf.gguf_state(cls_name, gguf_state(wf)),
                                 cfg=cfg), fmt, f"{fmt}, dequantised on the fly to {compute}"
    how = f"stored in 8 bits, computed in {compute}" if fmt.startswith("fp8") else \
        f"stored in 4 bits, dequantised per layer to {compute}" if fmt.startswith("NVFP4") else \
        f"stored in 8 bits, dequantised per layer to {compute}" if fmt.startswith("int8") else \
        f"stored in 8 bits with a power-of-two scale per 32 weights, dequantised to {compute} as read" \
        if fmt.startswith("MXFP8") else f"loaded as {compute}"
    if native:
        return lean_load(cls, cfg, wf, torch_dtype), fmt, f"{describe(wf, detail=True)}, {how}"
    converted = renamed(cls, cfg, wf)
    if converted is not None and check_config(cfg_path, cfg, cls, {k: v.shape for k, v in converted.tensors.items()},
                                              wf.path, value_bytes):
        return lean_load(cls, cfg, converted, torch_dtype), fmt, \
            f"{describe(wf, detail=True)} in the original layout (renamed by {_converter_owner(cls)} converter), {how}"
    if wf.scales and not studio_converts(cls):
        raise ModelError(f"'{wf.path}' is scaled fp8 in a layout other than diffusers': diffusers' converter for the "
                         f"{cls_name} splits or joins tensors and does not carry ComfyUI's per-tensor scales with them, "
                         f"so Studio reads scaled fp8 {cls_name} files in diffusers' tensor names only")
    if _has_nvfp4(wf):
        raise ModelError(f"'{wf.path}' is {fmt} in a layout other than diffusers' that diffusers' converter does more "
                         f"than rename: Studio reads NVFP4 and int8 {cls_name} files in diffusers' tensor names, or "
                         "names its converter only renames")
    shapes = converted_shapes(cls, cfg, wf)
    if shapes is not None and check_config(cfg_path, cfg, cls, shapes, wf.path, value_bytes):
        return converted_load(cls, cfg, wf, torch_dtype), fmt, \
            f"{describe(wf, detail=True)} in the original layout (converted by {_converter_owner(cls)} converter as " \
            f"read), {how}"
    if converted is not None and not _diffusers_reads(cls):  # renamed by a family's converter, and diffusers
        # has no single-file loader to fall back to: the file does not fit the base, said exactly
        from ..base.config_check import check_against_weights
        try:
            check_against_weights(cfg_path, cfg, cls, {k: v.shape for k, v in converted.tensors.items()}, wf.path,
                                  value_bytes, strict=True)
        except ModelError as e:
            raise ModelError(f"'{wf.path}' is a {fam.title} file of another size than the base '{base}' (a base "
                             f"folder of the same {fam.title} model is needed): {e}") from None
    from .module_merge import has_merged
    if any(t.dtype == MXFP8 for t in wf.tensors.values()):  # diffusers' own loader would take the fp8 values
        # without their block scales
        raise ModelError(f"'{wf.path}' is {fmt} in a layout other than diffusers' that diffusers' converter does more "
                         f"than rename, and diffusers' own loader does not read ComfyUI's MXFP8 block scales: Studio "
                         f"reads MXFP8 {cls_name} files in diffusers' tensor names or a layout a converter reads")
    if has_merged(wf):  # diffusers' own loader reads the model's file alone: the module would be lost
        raise ModelError(f"'{wf.path}' with its module file: diffusers' converter for the {cls_name} does more than "
                         "rename this layout, and a module merged beside a model file is read renamed only")
    return _from_single_file(cls, wf.path, base, fam, torch_dtype, cfg=cfg), fmt, \
        f"{fmt}, converted from the original layout by diffusers, loaded as {compute}"


def _from_single_file(cls, file: str, base: str, fam: Family, torch_dtype, state: dict | None = None,
                      cfg: dict | None = None):
    """diffusers' single-file loader with the base's config (``state``: GGUF tensors read already,
    loaded through diffusers' GGUF quantizer; ``cfg``: the config the base's was made for the file, by the family's
    SingleFile base_config, written in a temporary folder where it differs: SkyReels V1's over HunyuanVideo's)."""
    import shutil
    import tempfile
    folder = base
    if cfg is not None and cfg != read_json(os.path.join(base, fam.denoiser, "config.json")):
        import json
        folder = tempfile.mkdtemp(prefix="studio-config-")
        os.makedirs(os.path.join(folder, fam.denoiser))
        with open(os.path.join(folder, fam.denoiser, "config.json"), "w") as f:
            json.dump({"_class_name": cls.__name__, **cfg}, f)
    try:
        return _diffusers_single_file(cls, file, base, folder, fam, torch_dtype, state)
    finally:
        if folder != base:
            shutil.rmtree(folder, ignore_errors=True)


def _diffusers_single_file(cls, file: str, base: str, folder: str, fam: Family, torch_dtype, state: dict | None):
    """diffusers' single-file loader with ``folder``'s config (the base's, or the one made of it)."""
    if not hasattr(cls, "from_single_file"):
        raise ModelError(f"'{file}' is not in the diffusers layout of a {cls.__name__}, and diffusers cannot convert "
                         "this layout")
    kwargs = {}
    if state is not None:
        from diffusers import GGUFQuantizationConfig
        kwargs["quantization_config"] = GGUFQuantizationConfig(compute_dtype=torch_dtype)
    try:
        return cls.from_single_file(state if state is not None else file, config=folder, subfolder=fam.denoiser,
                                    torch_dtype=torch_dtype, local_files_only=True, **kwargs)
    except Exception as e:  # noqa: BLE001 - diffusers' converter has many ways to refuse
        raise ModelError(f"'{file}' could not be loaded as a {cls.__name__} with the config of '{base}': "
                         f"{str(e).splitlines()[0] if str(e) else type(e).__name__}") from None
