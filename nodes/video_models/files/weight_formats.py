"""What a single weight file holds, from its header alone: each tensor's name, shape and storage
(bf16, fp16, fp32, fp8 e4m3 / e5m2, NVFP4, a GGUF quantisation), ComfyUI's fp8 scales, and the
file's format in words ("bf16", "fp8 e4m3 (scaled)", "NVFP4 mixed (bf16 elsewhere)", "GGUF Q8_0").

ComfyUI's two fp8 layouts: the older scaled fp8 (``<layer>.scale_weight`` and a ``scaled_fp8``
marker) and the newer mixed-precision one (``<layer>.weight_scale``, ``<layer>.input_scale`` and a
``<layer>.comfy_quant`` uint8 tensor holding JSON such as {"format": "float8_e4m3fn"}, or the same
per layer in the header's ``_quantization_metadata``); both become ``WeightFile.scales`` (weight ->
its per-tensor scale). NVFP4 layers ({"format": "nvfp4"}: ``weight`` uint8, two e2m1 values a
byte; ``weight_scale`` fp8 e4m3 block scales in cuBLAS's swizzled layout; ``weight_scale_2`` the
fp32 per-tensor scale) are one TensorInfo of storage "NVFP4" carrying its two scales' places;
comfy_quant.py reads and computes them. int8 layers ({"format": "int8_tensorwise"}, perhaps with
"convrot": true: ``weight`` int8, ``weight_scale`` float per output row) are one TensorInfo of
storage "INT8" carrying their scales' place and rotation group; comfy_int8.py reads and computes
them. MXFP8 layers ({"format": "mxfp8"}: ``weight`` fp8 e4m3, ``weight_scale`` E8M0 block scales, one
per 32 weights, swizzled) are one TensorInfo of storage "MXFP8" carrying their scales' place;
comfy_mxfp8.py checks and dequantises them. The layout as read in ComfyUI's comfy/ops.py
(mixed_precision_ops, _load_from_state_dict, commit 003124c1f6ca) and comfy-kitchen's
tensor/nvfp4.py (commit 7d86acf).

Headers only: nothing here reads a tensor's data but the few bytes of ``comfy_quant`` JSON, and
torch is not imported (gguf and numpy are, inside the GGUF reader)."""
from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass

from studio.core import json_limits

from ..base.errors import ModelError
from ..files.headers import (check_float_storage, read_safetensors_header, refuse_pickle, regular_file,
                             unknown_architecture)
from ..base.family import Family
from ..base.recognise import family_from_keys
from .comfy_mxfp8 import FORMAT as MX_FORMAT, MXFP8, check as check_mxfp8

# safetensors dtype names -> (words, bytes per value)
SAFETENSORS_DTYPES = {"BF16": ("bf16", 2), "F16": ("fp16", 2), "F32": ("fp32", 4), "F64": ("fp64", 8),
                      "F8_E4M3": ("fp8 e4m3", 1), "F8_E5M2": ("fp8 e5m2", 1), "I64": ("int64", 8),
                      "I32": ("int32", 4), "I16": ("int16", 2), "I8": ("int8", 1), "U8": ("uint8", 1),
                      "BOOL": ("bool", 1), "F8_E8M0": ("fp8 e8m0", 1)}
FP8 = ("F8_E4M3", "F8_E5M2")
SCALE_SUFFIXES = (".scale_weight", ".scale_input")  # ComfyUI's scaled fp8: per-tensor scales beside the weights
SCALED_MARK = "scaled_fp8"  # ComfyUI's marker tensor of a scaled-fp8 file
WEIGHT_EXTS = (".safetensors", ".gguf")
NVFP4 = "NVFP4"  # the storage Studio names a ComfyUI NVFP4 weight (not a safetensors dtype: its U8 bytes)
INT8 = "INT8"  # the storage Studio names a ComfyUI int8_tensorwise weight (its I8 bytes, with their scales)
FP8_FORMATS = {"float8_e4m3fn": "F8_E4M3", "float8_e5m2": "F8_E5M2"}  # comfy_quant format -> weight storage
MIXED_SUFFIXES = (".comfy_quant", ".weight_scale", ".weight_scale_2", ".input_scale")  # ComfyUI's mixed layout


@dataclass(frozen=True)
class TensorInfo:
    shape: tuple[int, ...]  # the logical shape (for GGUF: the dequantised tensor's)
    dtype: str  # safetensors dtype name ('BF16', 'F8_E4M3'...) or GGUF type name ('Q8_0', 'F32'...)
    start: int = 0  # safetensors: byte range of the data, from the end of the header
    end: int = 0
    block: TensorInfo | None = None  # NVFP4 / MXFP8: its block scales (swizzled) and NVFP4's per-tensor scale;
    glob: TensorInfo | None = None  # INT8: its scales (block) and convrot group (0: not rotated)
    group: int = 0
    source: tuple[str, int] | None = None  # (path, data start) of the file holding it when not the WeightFile's
    # own: a module file merged beside its base denoiser (files/module_merge.py)

    @property
    def numel(self) -> int:
        n = 1
        for d in self.shape:
            n *= int(d)
        return n


@dataclass(frozen=True)
class WeightFile:
    path: str
    kind: str  # 'safetensors' or 'gguf'
    tensors: dict[str, TensorInfo]  # the weights (scale tensors and markers set aside)
    scales: dict[str, str]  # weight name -> its scale tensor's name (scaled fp8)
    data_start: int = 0  # safetensors: where the data begins (8 + header length)
    aside: dict[str, TensorInfo] | None = None  # the scale tensors and markers, by name

    @property
    def fmt(self) -> str:
        return describe(self)


def read_weight_file(path: str) -> WeightFile:
    """The tensors of a .safetensors or .gguf file, from its header (a regular file, checked first)."""
    if path.lower().endswith(".gguf"):
        return _gguf_file(path)
    header, n, _ = read_safetensors_header(path)
    tensors: dict[str, TensorInfo] = {}
    scales: dict[str, str] = {}
    aside: dict[str, TensorInfo] = {}
    for name, v in header.items():
        if name == "__metadata__" or not isinstance(v, dict):
            continue
        try:
            shape = tuple(int(d) for d in v["shape"])
            start, end = (int(x) for x in v["data_offsets"])
            dtype = str(v["dtype"])
        except (KeyError, TypeError, ValueError):
            raise ModelError(f"'{path}': the header entry of tensor '{name}' is malformed") from None
        if dtype not in SAFETENSORS_DTYPES:
            raise ModelError(f"'{path}': tensor '{name}' is stored as {dtype}, which Studio cannot read")
        tensors[name] = TensorInfo(shape, dtype, start, end)
    if any(k.endswith(MIXED_SUFFIXES) for k in tensors) or "_quantization_metadata" in (header.get("__metadata__") or {}):
        _mixed(path, tensors, scales, aside, _formats(path, header, tensors, 8 + n))
    for name in list(tensors):
        if name == SCALED_MARK:
            aside[name] = tensors.pop(name)
        elif name.endswith(SCALE_SUFFIXES):
            info = aside[name] = tensors.pop(name)
            if name.endswith(".scale_weight"):
                if info.numel != 1:
                    raise ModelError(f"'{path}': '{name}' holds {info.numel} values: Studio reads per-tensor fp8 "
                                     "scales (one value each)")
                scales[name[: -len(".scale_weight")] + ".weight"] = name
    orphans = [w for w in scales if w not in tensors]
    if orphans:
        raise ModelError(f"'{path}': the scale '{scales[orphans[0]]}' has no weight '{orphans[0]}'")
    e8m0 = [k for k, t in tensors.items() if t.dtype == "F8_E8M0"]
    if e8m0:
        raise ModelError(f"'{path}': tensor '{e8m0[0]}' is stored as F8_E8M0 (powers of two), which Studio reads "
                         "only as the block scales of ComfyUI's MXFP8 layers")
    check_float_storage(path, {k: t.dtype for k, t in tensors.items()})  # (int8, NVFP4, MXFP8 layers: their names)
    return WeightFile(path, "safetensors", tensors, scales, 8 + n, aside)


def _formats(path: str, header: dict, tensors: dict[str, TensorInfo], data_start: int) -> dict[str, dict]:
    """layer -> its ComfyUI quantisation conf ({"format": ..., int8's "convrot" ...}), from the
    ``comfy_quant`` tensors (their few bytes of JSON read) and the header's ``_quantization_metadata``."""
    out: dict[str, dict] = {}
    meta = (header.get("__metadata__") or {}).get("_quantization_metadata")
    if meta:
        try:
            layers = json_limits.loads(meta).get("layers", {})
            out.update({k: ({"format": v} if isinstance(v, str) else {**v, "format": str(v["format"])})
                        for k, v in layers.items()})
        except (ValueError, AttributeError, KeyError, TypeError):
            raise ModelError(f"'{path}': its header's _quantization_metadata is not the JSON ComfyUI writes "
                             "({\"layers\": {layer: {\"format\": ...}}})") from None
    marks = [k for k in tensors if k.endswith(".comfy_quant")]
    if marks:
        with open(path, "rb") as f:
            for k in marks:
                info = tensors[k]
                if info.end - info.start > 4096:
                    raise ModelError(f"'{path}': '{k}' holds {info.end - info.start} bytes, not a layer's JSON")
                f.seek(data_start + info.start)
                try:
                    conf = json_limits.loads(f.read(info.end - info.start).decode("utf-8"))
                    out[k[: -len(".comfy_quant")]] = {**conf, "format": str(conf["format"])}
                except (ValueError, KeyError, TypeError):
                    raise ModelError(f"'{path}': '{k}' is not ComfyUI's JSON of a layer's format") from None
    return out


def _mixed(path: str, tensors: dict[str, TensorInfo], scales: dict[str, str], aside: dict[str, TensorInfo],
           confs: dict[str, dict]) -> None:
    """ComfyUI's mixed-precision layers set aside from ``tensors``: fp8 ones' per-tensor scales into
    ``scales``, NVFP4 and int8 ones' weights made one TensorInfo with their scales; every misfit
    refused by name (an unknown format, a scale of the wrong size, a weight of the wrong storage)."""
    formats = {k: v["format"] for k, v in confs.items()}
    def no(why: str):
        raise ModelError(f"'{path}' (ComfyUI's mixed-precision layout): {why}")
    for name in [k for k in tensors if k.endswith(MIXED_SUFFIXES)]:
        aside[name] = tensors.pop(name)
    for layer in sorted({k.rsplit(".", 1)[0] for k in aside if k.endswith(MIXED_SUFFIXES)} - set(formats)):
        w = tensors.get(layer + ".weight")  # a scale with no format: told by the weight's storage
        s = aside.get(layer + ".weight_scale")
        if w is not None and w.dtype == "F8_E4M3" and s is not None and s.dtype in ("F8_E8M0", "U8") and len(s.shape) == 2:
            no(f"'{layer}.weight' is fp8 with {s.dtype} block scales {list(s.shape)} but not marked (no comfy_quant): "
               "Studio reads MXFP8 layers ComfyUI marks 'mxfp8' only")
        if w is not None and w.dtype in FP8:
            formats[layer] = "float8_e4m3fn" if w.dtype == "F8_E4M3" else "float8_e5m2"
        elif w is not None and w.dtype == "I8" and layer + ".weight_scale" in aside:
            no(f"'{layer}.weight' is int8 with scales but not marked (no comfy_quant): Studio cannot tell whether "
               "its input channels were rotated (ComfyUI's 'convrot'), so it reads int8 layers ComfyUI marks only")
        elif w is not None and w.dtype == "U8" and layer + ".weight_scale" in aside:
            no(f"'{layer}.weight' is 4-bit with scales but not marked ComfyUI's (no comfy_quant): NVFP4 of another "
               "tool (NVIDIA ModelOpt's orders the nibbles and block scales otherwise); Studio reads ComfyUI's")
        elif layer + ".weight_scale" in aside:
            no(f"'{layer}.weight_scale' scales a weight stored as {w.dtype if w else '(none)'} and the file does "
               "not say its format (no comfy_quant): Studio cannot tell how to apply it")
    for layer, fmt in sorted(formats.items()):
        wname = layer + ".weight"
        w = tensors.get(wname)
        if fmt not in FP8_FORMATS and fmt not in ("nvfp4", "int8_tensorwise", MX_FORMAT):
            no(f"layer '{layer}' is quantised as '{fmt}', which Studio cannot read (it reads float8_e4m3fn, "
               "float8_e5m2, nvfp4, mxfp8 and int8_tensorwise)")
        if w is None:
            no(f"layer '{layer}' is marked {fmt} but has no '{wname}'")
        s = aside.get(layer + ".weight_scale")
        if fmt == MX_FORMAT:
            check_mxfp8(path, layer, (w.dtype, w.shape), None if s is None else (s.dtype, s.shape))
            tensors[wname] = TensorInfo(w.shape, MXFP8, w.start, w.end, s)
            continue
        if fmt == "int8_tensorwise":
            group = check_int8(path, layer, w.shape, w.dtype, None if s is None else s.shape, None if s is None else s.dtype,
                          confs[layer])
            tensors[wname] = TensorInfo(w.shape, INT8, w.start, w.end, s, None, group)
            continue
        if fmt in FP8_FORMATS:
            if w.dtype != FP8_FORMATS[fmt]:
                no(f"'{wname}' is marked {fmt} but stored as {w.dtype}")
            if s is None or s.numel != 1:
                no(f"'{layer}.weight_scale' " + ("is missing" if s is None else f"holds {s.numel} values {list(s.shape)}")
                   + f": a {fmt} layer has one per-tensor scale")
            scales[wname] = layer + ".weight_scale"
            continue
        g = aside.get(layer + ".weight_scale_2")
        if w.dtype != "U8" or len(w.shape) != 2:
            no(f"'{wname}' is marked nvfp4 but stored as {w.dtype} {list(w.shape)} (NVFP4 is 2-D uint8, two values a byte)")
        rows, cols = w.shape[0], w.shape[1] * 2
        want = (-(-rows // 128) * 128, -(-(cols // 16) // 4) * 4)  # cuBLAS's swizzled block-scale tiles
        if s is None or s.dtype != "F8_E4M3" or tuple(s.shape) != want or cols % 16:
            no(f"'{layer}.weight_scale' " + ("is missing" if s is None else f"is {s.dtype} {list(s.shape)}")
               + f": the block scales of a {rows}x{cols} NVFP4 weight are F8_E4M3 {list(want)}")
        if g is None or g.numel != 1 or g.dtype not in ("F32", "BF16", "F16"):
            no(f"'{layer}.weight_scale_2' " + ("is missing" if g is None else f"is {g.dtype} {list(g.shape)}")
               + ": an NVFP4 layer has one float per-tensor scale")
        tensors[wname] = TensorInfo((rows, cols), NVFP4, w.start, w.end, s, g)


def int8_group(conf: dict) -> int:
    """The convrot group of an int8 layer's conf (0: not rotated), flat or in a nested ``params`` as
    ComfyUI's loader reads it (comfy_int8.py describes the layout)."""
    params = conf.get("params") if isinstance(conf.get("params"), dict) else {}
    if not conf.get("convrot", params.get("convrot", False)):
        return 0
    return int(conf.get("convrot_groupsize", params.get("convrot_groupsize", 256)))


def check_int8(path: str, layer: str, wshape, wdtype: str, sshape, sdtype: str | None, conf: dict) -> int:
    """One ComfyUI int8 layer's header entries (safetensors dtype names) checked: a 2-D int8 weight,
    float scales of one value or one per output row, a power-of-4 convrot group dividing the input
    width; refused in words before any read. Returns the group (0: not rotated)."""
    def no(why: str):
        raise ModelError(f"'{path}' (ComfyUI's int8 layout): {why}")
    if wdtype != "I8" or len(wshape) != 2:
        no(f"'{layer}.weight' is marked int8_tensorwise but stored as {wdtype} {list(wshape)} (an int8 layer's "
           "weight is 2-D int8)")
    rows, cols = wshape
    if sshape is None:
        no(f"'{layer}.weight_scale' is missing: an int8 layer has one float scale per output row (or one in all)")
    n = 1
    for d in sshape:
        n *= int(d)
    if sdtype not in ("F32", "F16", "BF16") or (n != 1 and tuple(sshape) not in ((rows, 1), (rows,))):
        no(f"'{layer}.weight_scale' is {sdtype} {list(sshape)}: the scales of a {rows}x{cols} int8 weight are float "
           f"[{rows}, 1] (one per output row) or a single value")
    try:
        group = int8_group(conf)
    except (TypeError, ValueError):
        group = -1
    if group and (group < 4 or group & (group - 1) or (group.bit_length() - 1) % 2):
        no(f"layer '{layer}' says convrot_groupsize {conf.get('convrot_groupsize')!r}: a convrot group is a power "
           "of 4 (ComfyUI's files use 256)")
    if group and cols % group:
        no(f"'{layer}.weight' has {cols} input channels, not a multiple of its convrot group {group}")
    return group


def _gguf_file(path: str) -> WeightFile:
    """A GGUF file's tensors through the gguf package's reader (it maps the file; only the header
    pages are touched here)."""
    regular_file(path)
    try:
        import gguf  # noqa: F401 - only whether it is installed
    except ImportError:
        raise ModelError(f"'{path}' is a GGUF file: reading it needs the 'gguf' package (pip install gguf)") from None
    from .gguf_header import open_reader
    reader = open_reader(path)  # counts, offsets and the reader's refusals checked, in Studio's words
    tensors = {t.name: TensorInfo(tuple(int(d) for d in reversed(list(t.shape))), t.tensor_type.name)
               for t in reader.tensors}
    return WeightFile(path, "gguf", tensors, {})


def dtype_bytes(wf: WeightFile) -> Counter:
    """Bytes per storage type over the file's weights (GGUF: elements per type)."""
    c: Counter = Counter()
    for t in wf.tensors.values():
        c[t.dtype] += (t.end - t.start) if wf.kind == "safetensors" else t.numel
    return c


def describe(wf: WeightFile, detail: bool = False) -> str:
    """The file's format in words, from the storage of most of its weights: 'bf16', 'fp16 + fp32',
    'fp8 e4m3', 'fp8 e4m3 (scaled)', 'fp8 e4m3 (per-tensor scales, ComfyUI mixed)', 'NVFP4 mixed
    (bf16 elsewhere)', 'MXFP8 mixed (bf16 elsewhere)', 'int8 convrot mixed (bf16 + fp32 elsewhere)', 'GGUF Q8_0', 'GGUF Q4_K (+ Q6_K)'; ``detail``: with how much
    of an fp8 file is fp8 and what the rest is."""
    c = dtype_bytes(wf)
    if wf.kind == "gguf":
        quant = Counter({k: v for k, v in c.items() if k not in ("F32", "F16", "BF16")})
        if not quant:
            return "GGUF " + (c.most_common(1)[0][0] if c else "(empty)")
        top = [k for k, _ in quant.most_common()]
        return f"GGUF {top[0]}" + (f" (+ {', '.join(top[1:3])})" if len(top) > 1 else "")
    if not c:
        return "(no tensors)"
    top = c.most_common()
    total = sum(c.values())
    fp8 = [k for k, _ in top if k in FP8]
    rest = [SAFETENSORS_DTYPES[k][0] for k, v in top if k in ("BF16", "F16", "F32")]
    mixed = any(n.endswith(".weight_scale") for n in wf.scales.values())
    if INT8 in c:  # ComfyUI's int8 layers (convrot: rotated by groups of input channels), the rest wider
        share = c[INT8] * 100 // max(1, total)
        rot = " convrot" if any(t.group for t in wf.tensors.values() if t.dtype == INT8) else ""
        return f"int8{rot} mixed (" + (f"{' + '.join(rest)} elsewhere" if rest else "nothing else") + (
            f"; {share} % of the bytes in int8" if detail else "") + ")"
    if NVFP4 in c:  # ComfyUI's mixed NVFP4: the blocks' matrices in 4 bits, the rest wider
        share = c[NVFP4] * 100 // max(1, total)
        return "NVFP4 mixed (" + "".join(f"{SAFETENSORS_DTYPES[k][0]}, " for k in fp8) + (
            f"{' + '.join(rest)} elsewhere" if rest else "nothing else") + (
            f"; {share} % of the bytes in NVFP4" if detail else "") + ")"
    if MXFP8 in c:  # ComfyUI's MXFP8: fp8 weights with a power-of-two scale per 32, the rest wider
        share = c[MXFP8] * 100 // max(1, total)
        return "MXFP8 mixed (" + "".join(f"{SAFETENSORS_DTYPES[k][0]}, " for k in fp8) + (
            f"{' + '.join(rest)} elsewhere" if rest else "nothing else") + (
            f"; {share} % of the bytes in MXFP8" if detail else "") + ")"
    if fp8:  # the blocks' weights in 8 bits; embeddings, norms and biases usually kept wider
        share = sum(c[k] for k in fp8) * 100 // max(1, total)
        kind = " (per-tensor scales, ComfyUI mixed)" if mixed else " (scaled)" if wf.scales else ""
        return f"{SAFETENSORS_DTYPES[fp8[0]][0]}{kind}" + (
            f" ({share} % of the bytes; the rest {' + '.join(rest)})" if rest and detail else "")
    words = SAFETENSORS_DTYPES[top[0][0]][0]
    floats = [k for k, v in top[1:] if k in ("BF16", "F16", "F32") and v >= top[0][1] // 4]
    return words + "".join(f" + {SAFETENSORS_DTYPES[k][0]}" for k in floats)


def refuse_unsplittable(wf: WeightFile, model: str, converter: str, give: str) -> None:
    """ModelError where the diffusion model ``wf`` (``model``'s, in words: "FLUX.1's") is not a .safetensors file, or
    holds ComfyUI's packed NVFP4 or int8 weights, whose joined q, k and v ``converter`` (in words) would split
    (``give``: the formats to give instead, "bf16 or fp8"): FLUX.1's and FLUX.2 [klein]'s."""
    if wf.kind != "safetensors":
        raise ModelError(f"'{wf.path}' is {describe(wf)}: Studio reads {model} diffusion model from a .safetensors "
                         "file (bf16, fp16, fp32 or fp8) so far")
    packed = next((k for k, v in wf.tensors.items() if v.dtype in (NVFP4, INT8)), None)
    if packed is not None:
        raise ModelError(f"'{wf.path}' holds ComfyUI's packed {wf.tensors[packed].dtype} weights ('{packed}'), whose "
                         f"joined q, k and v {converter} would split: give its {give} file")


def is_weight_file(path: str) -> bool:
    return os.path.basename(path).lower().endswith(WEIGHT_EXTS)


def check_single_file(path: str) -> tuple[Family, WeightFile]:
    """(family, tensors) of a single denoiser file (.safetensors or .gguf), from its header; an
    unknown architecture is described by its first tensors' names and shapes."""
    refuse_pickle(path)
    if not is_weight_file(path):
        raise ModelError(f"'{path}' is neither a diffusers folder nor a .safetensors or .gguf file")
    wf = read_weight_file(path)
    shapes = {k: v.shape for k, v in wf.tensors.items()}
    fam = family_from_keys(shapes, os.path.basename(path))
    if fam is None:
        raise ModelError(unknown_architecture(path, shapes))
    return fam, wf


def gguf_numel(path: str) -> int:
    """How many weights a GGUF file holds (dequantised), from its header."""
    return sum(t.numel for t in read_weight_file(path).tensors.values())
