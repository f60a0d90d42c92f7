"""What a single weight file holds, from its header alone: each tensor's name, shape and storage
(bf16, fp16, fp32, fp8 e4m3 / e5m2, a GGUF quantisation), ComfyUI's scaled-fp8 scales, and the
file's format in words ("bf16", "fp8 e4m3 (scaled)", "GGUF Q8_0").

Headers only: nothing here reads a tensor's data, and torch is not imported (gguf and numpy are,
inside the GGUF reader)."""
from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass

from ..loading.checks import ModelError, read_safetensors_header, refuse_pickle, regular_file, unknown_architecture
from ..loading.families import Family, family_from_keys

# safetensors dtype names -> (words, bytes per value)
SAFETENSORS_DTYPES = {"BF16": ("bf16", 2), "F16": ("fp16", 2), "F32": ("fp32", 4), "F64": ("fp64", 8),
                      "F8_E4M3": ("fp8 e4m3", 1), "F8_E5M2": ("fp8 e5m2", 1), "I64": ("int64", 8),
                      "I32": ("int32", 4), "I16": ("int16", 2), "I8": ("int8", 1), "U8": ("uint8", 1),
                      "BOOL": ("bool", 1)}
FP8 = ("F8_E4M3", "F8_E5M2")
SCALE_SUFFIXES = (".scale_weight", ".scale_input")  # ComfyUI's scaled fp8: per-tensor scales beside the weights
SCALED_MARK = "scaled_fp8"  # ComfyUI's marker tensor of a scaled-fp8 file
WEIGHT_EXTS = (".safetensors", ".gguf")


@dataclass(frozen=True)
class TensorInfo:
    shape: tuple[int, ...]  # the logical shape (for GGUF: the dequantised tensor's)
    dtype: str  # safetensors dtype name ('BF16', 'F8_E4M3'...) or GGUF type name ('Q8_0', 'F32'...)
    start: int = 0  # safetensors: byte range of the data, from the end of the header
    end: int = 0

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
    return WeightFile(path, "safetensors", tensors, scales, 8 + n, aside)


def _gguf_file(path: str) -> WeightFile:
    """A GGUF file's tensors through the gguf package's reader (it maps the file; only the header
    pages are touched here)."""
    regular_file(path)
    try:
        import gguf
    except ImportError:
        raise ModelError(f"'{path}' is a GGUF file: reading it needs the 'gguf' package (pip install gguf)") from None
    try:
        reader = gguf.GGUFReader(path)
    except Exception as e:  # noqa: BLE001 - the reader's many ways to refuse a file that is not GGUF
        raise ModelError(f"'{path}' is not a valid GGUF file: {str(e).splitlines()[0] if str(e) else type(e).__name__}") \
            from None
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
    'fp8 e4m3', 'fp8 e4m3 (scaled)', 'GGUF Q8_0', 'GGUF Q4_K (+ Q6_K)'; ``detail``: with how much
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
    if fp8:  # the blocks' weights in 8 bits; embeddings, norms and biases usually kept wider
        rest = [SAFETENSORS_DTYPES[k][0] for k, v in top if k not in FP8 and k in ("BF16", "F16", "F32")]
        share = sum(c[k] for k in fp8) * 100 // max(1, total)
        return f"{SAFETENSORS_DTYPES[fp8[0]][0]}" + (" (scaled)" if wf.scales else "") + (
            f" ({share} % of the bytes; the rest {' + '.join(rest)})" if rest and detail else "")
    words = SAFETENSORS_DTYPES[top[0][0]][0]
    floats = [k for k, v in top[1:] if k in ("BF16", "F16", "F32") and v >= top[0][1] // 4]
    return words + "".join(f" + {SAFETENSORS_DTYPES[k][0]}" for k in floats)


def is_weight_file(path: str) -> bool:
    return os.path.basename(path).lower().endswith(WEIGHT_EXTS)


def check_single_file(path: str) -> tuple[Family, WeightFile]:
    """(family, tensors) of a single denoiser file (.safetensors or .gguf), from its header; an
    unknown architecture is described by its first tensors' names and shapes."""
    refuse_pickle(path)
    if not is_weight_file(path):
        raise ModelError(f"'{path}' is neither a diffusers folder nor a .safetensors or .gguf file")
    wf = read_weight_file(path)
    fam = family_from_keys(wf.tensors)
    if fam is None:
        raise ModelError(unknown_architecture(path, {k: v.shape for k, v in wf.tensors.items()}))
    return fam, wf


def gguf_numel(path: str) -> int:
    """How many weights a GGUF file holds (dequantised), from its header."""
    return sum(t.numel for t in read_weight_file(path).tensors.values())
