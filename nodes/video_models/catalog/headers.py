"""A weights file's header, never its weights: the tensors' names, shapes and dtypes of a
``.safetensors`` file (8 bytes of length, then JSON) or of a ``.gguf`` file (through the ``gguf``
package when it is installed; without it the file is only known to be GGUF).

The headers are read by the loader's own readers (loading/checks.py, loading/weight_formats.py:
one implementation of each format), their ModelError turned into a HeaderError, the one-line
reason a listed file has a note instead of details; a truncated .safetensors is listed with a
note. A file that is not a regular file (a FIFO, a device, a socket) is refused before it is
opened: opening a FIFO would wait forever for a writer. No torch (``gguf`` imported only for a
GGUF file, when installed)."""
from __future__ import annotations

from dataclasses import dataclass, field
from math import prod

from ..base.errors import ModelError
from ..files.headers import read_safetensors_header, regular_file
from ..files.weight_formats import read_weight_file
DTYPE_NAMES = {"BF16": "bf16", "F16": "fp16", "F32": "fp32", "F64": "fp64", "F8_E4M3": "fp8_e4m3fn",
               "F8_E5M2": "fp8_e5m2", "I8": "int8", "U8": "uint8", "I16": "int16", "I32": "int32", "I64": "int64",
               "BOOL": "bool", "F8_E8M0": "fp8_e8m0", "F4": "fp4", "NVFP4": "nvfp4", "MXFP8": "mxfp8"}
SCALE_NAMES = ("scaled_fp8", ".scale_weight", ".weight_scale", ".input_scale")  # ComfyUI's scaled fp8
QUANT_ASIDE = SCALE_NAMES[1:] + (".weight_scale_2", ".scale_input", ".comfy_quant")  # not weights (_nvfp4)


class HeaderError(Exception):
    """The file's header cannot be read: the one-line reason."""


@dataclass
class FileInfo:
    fmt: str  # 'safetensors' or 'gguf'
    shapes: dict[str, tuple[int, ...] | list[int]] = field(default_factory=dict)  # as the header has them
    numel_by_dtype: dict[str, int] = field(default_factory=dict)  # 'bf16' -> how many numbers
    metadata: dict = field(default_factory=dict)
    details: bool = True  # False: a GGUF file read without the gguf package (nothing but its format)
    note: str = ""

    @property
    def numel(self) -> int:
        return sum(self.numel_by_dtype.values())

    def dtype(self) -> str:
        """'bf16', 'fp8_e4m3fn scaled', 'nvfp4 mixed', 'GGUF Q4_K', 'bf16 + fp32' (a second dtype with over 10 %
        of the numbers), 'GGUF' (no details)."""
        if not self.details:
            return "GGUF"
        if not self.numel_by_dtype:
            return ""
        order = sorted(self.numel_by_dtype.items(), key=lambda kv: -kv[1])
        main = order[0][0]
        if self.fmt == "gguf":  # the quantisation most numbers are in (the norms stay in fp32)
            quant = [d for d, _ in order if d not in ("fp32", "fp16", "bf16")]
            return f"GGUF {quant[0] if quant else main}"
        elif "nvfp4" in self.numel_by_dtype or "mxfp8" in self.numel_by_dtype:  # ComfyUI's mixed NVFP4 / MXFP8
            q = "nvfp4" if "nvfp4" in self.numel_by_dtype else "mxfp8"  # (bf16 or fp8 elsewhere)
            order = [(f"{q} mixed", self.numel_by_dtype[q])] + [kv for kv in order if kv[0] != q]
            main = order[0][0]
        elif main.startswith("fp8") and any(s in k for k in self.shapes for s in SCALE_NAMES):
            main += " scaled"
        total = self.numel or 1
        second = [d for d, n in order[1:2] if n * 10 > total]
        return main + (f" + {second[0]}" if second else "")


def read_safetensors(path: str) -> FileInfo:
    try:
        header, n, size = read_safetensors_header(path, complete=False)
    except ModelError as e:
        raise HeaderError(str(e)) from None
    info = FileInfo("safetensors")
    meta = header.pop("__metadata__", None)
    info.metadata = meta if isinstance(meta, dict) else {}
    end = 0
    shapes: dict = {}
    by_dtype: dict[str, int] = {}
    try:  # one pass, as little as possible per tensor: a 14B model has over a thousand
        for k, v in header.items():
            shape = v["shape"]
            shapes[k] = shape
            dt = v["dtype"]
            by_dtype[dt] = by_dtype.get(dt, 0) + prod(shape)
            e = v["data_offsets"][1]
            if e > end:
                end = e
    except (KeyError, TypeError, IndexError):
        raise HeaderError("not a valid safetensors file (a tensor without a dtype, shape or offsets)") from None
    _nvfp4(header, shapes, by_dtype)
    info.shapes = shapes
    info.numel_by_dtype = {DTYPE_NAMES.get(str(d), str(d).lower()): n for d, n in by_dtype.items()}
    if 8 + n + end > size:
        info.note = f"truncated: {size:,} bytes on disk, {8 + n + end:,} expected (an interrupted download?)"
    return info


def _nvfp4(header: dict, shapes: dict, by_dtype: dict) -> None:
    """ComfyUI's NVFP4 weights (uint8 beside a ``weight_scale_2``: two weights a byte) at their
    logical shape and counted as 'NVFP4' (weight_formats.py reads them the same way), MXFP8 ones (fp8
    beside 2-D E8M0 block scales) as 'MXFP8'; the fp8 / fp4 / E8M0 scales and ``comfy_quant`` markers not counted as weights."""
    for k in [k for k in shapes if k.endswith(".weight_scale_2")]:
        w = k[: -len("_scale_2")]
        if isinstance(header.get(w), dict) and header[w].get("dtype") == "U8" and len(shapes.get(w, ())) == 2:
            r, c = shapes[w]
            shapes[w] = [r, 2 * c]
            by_dtype["U8"] -= r * c
            by_dtype["NVFP4"] = by_dtype.get("NVFP4", 0) + 2 * r * c
    for k in [k for k in shapes if k.endswith(".weight_scale")]:  # MXFP8 (files/comfy_mxfp8.py): an fp8 weight
        w = k[: -len("_scale")]  # with 2-D E8M0 block scales (stored as F8_E8M0 or their U8 bytes)
        if header[k].get("dtype") in ("F8_E8M0", "U8") and len(shapes[k]) == 2 and \
                isinstance(header.get(w), dict) and header[w].get("dtype") == "F8_E4M3":
            by_dtype["F8_E4M3"] -= prod(shapes[w])
            by_dtype["MXFP8"] = by_dtype.get("MXFP8", 0) + prod(shapes[w])
    for k in shapes:
        if k.endswith(QUANT_ASIDE):
            by_dtype[header[k]["dtype"]] -= prod(shapes[k])
    for d in [d for d, n in by_dtype.items() if n <= 0]:
        del by_dtype[d]


FLOAT_NAMES = {"F32": "fp32", "F16": "fp16", "BF16": "bf16"}


def read_gguf(path: str) -> FileInfo:
    """The tensor table of a GGUF file (its header only), through the loader's reader (the gguf
    package's); without the package the file is only known to be GGUF (its first four bytes)."""
    try:
        regular_file(path)
        with open(path, "rb") as f:
            magic = f.read(4)
    except ModelError as e:
        raise HeaderError(str(e)) from None
    except OSError as e:
        raise HeaderError(f"cannot be read: {e.strerror or e}") from None
    if magic != b"GGUF":
        raise HeaderError("not a GGUF file (it does not start with 'GGUF')")
    try:
        import gguf  # noqa: F401 - only whether it is installed
    except ImportError:
        return FileInfo("gguf", details=False, note="the gguf package is not installed: no details")
    try:
        wf = read_weight_file(path)
    except ModelError as e:
        raise HeaderError(str(e)) from None
    info = FileInfo("gguf")
    for name, t in wf.tensors.items():
        info.shapes[name] = t.shape
        q = FLOAT_NAMES.get(t.dtype, t.dtype)
        info.numel_by_dtype[q] = info.numel_by_dtype.get(q, 0) + t.numel
    return info


def read_info(path: str) -> FileInfo:
    """The header of a ``.safetensors`` (or ``.sft``) or ``.gguf`` file; HeaderError otherwise."""
    if path.lower().endswith(".gguf"):
        return read_gguf(path)
    return read_safetensors(path)
