"""A weights file's header, never its weights: the tensors' names, shapes and dtypes of a
``.safetensors`` file (8 bytes of length, then JSON) or of a ``.gguf`` file (through the ``gguf``
package when it is installed; without it the file is only known to be GGUF).

A file that is not a regular file (a FIFO, a device, a socket) is refused before it is opened:
opening a FIFO would wait forever for a writer. Plain stdlib (``gguf`` imported only for a GGUF
file, when installed)."""
from __future__ import annotations

import json
import os
import stat
import struct
from dataclasses import dataclass, field
from math import prod

MAX_HEADER = 100_000_000  # safetensors' own limit on a header
DTYPE_NAMES = {"BF16": "bf16", "F16": "fp16", "F32": "fp32", "F64": "fp64", "F8_E4M3": "fp8_e4m3fn",
               "F8_E5M2": "fp8_e5m2", "I8": "int8", "U8": "uint8", "I16": "int16", "I32": "int32", "I64": "int64",
               "BOOL": "bool", "F8_E8M0": "fp8_e8m0", "F4": "fp4"}
SCALE_NAMES = ("scaled_fp8", ".scale_weight", ".weight_scale", ".input_scale")  # ComfyUI's scaled fp8


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
        """'bf16', 'fp8_e4m3fn scaled', 'GGUF Q4_K', 'bf16 + fp32' (a second dtype with over 10 %
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
        elif main.startswith("fp8") and any(s in k for k in self.shapes for s in SCALE_NAMES):
            main += " scaled"
        total = self.numel or 1
        second = [d for d, n in order[1:2] if n * 10 > total]
        return main + (f" + {second[0]}" if second else "")


def regular_file(path: str) -> os.stat_result:
    """The file's stat, or HeaderError when it is not a regular file (checked before any open)."""
    try:
        st = os.stat(path)
    except OSError as e:
        raise HeaderError(f"cannot be read: {e.strerror or e}") from None
    if not stat.S_ISREG(st.st_mode):
        raise HeaderError("not a regular file (a FIFO, a device or a socket): never opened")
    return st


def read_safetensors(path: str) -> FileInfo:
    size = regular_file(path).st_size
    try:
        with open(path, "rb") as f:
            head = f.read(8)
            if len(head) < 8:
                raise HeaderError(f"not a safetensors file ({size} bytes long)")
            (n,) = struct.unpack("<Q", head)
            if n > min(size - 8, MAX_HEADER):
                raise HeaderError(f"truncated or not a safetensors file (its header claims {n:,} bytes)")
            header = json.loads(f.read(n))
    except OSError as e:
        raise HeaderError(f"cannot be read: {e.strerror or e}") from None
    except (ValueError, UnicodeDecodeError):
        raise HeaderError("not a valid safetensors file (its header is not JSON)") from None
    if not isinstance(header, dict):
        raise HeaderError("not a valid safetensors file (its header is not a JSON object)")
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
    info.shapes = shapes
    info.numel_by_dtype = {DTYPE_NAMES.get(str(d), str(d).lower()): n for d, n in by_dtype.items()}
    if 8 + n + end > size:
        info.note = f"truncated: {size:,} bytes on disk, {8 + n + end:,} expected (an interrupted download?)"
    return info


_SCALAR = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}


def _gguf_value(f, vtype: int):
    if vtype in _SCALAR:
        fmt = _SCALAR[vtype]
        return struct.unpack(fmt, f.read(struct.calcsize(fmt)))[0]
    if vtype == 8:  # string
        (n,) = struct.unpack("<Q", f.read(8))
        if n > MAX_HEADER:
            raise HeaderError("not a readable GGUF file (a string of absurd length)")
        return f.read(n).decode("utf-8", "replace")
    if vtype == 9:  # array
        (item, n) = struct.unpack("<IQ", f.read(12))
        if n > MAX_HEADER:
            raise HeaderError("not a readable GGUF file (an array of absurd length)")
        return [_gguf_value(f, item) for _ in range(n)]
    raise HeaderError(f"not a readable GGUF file (value type {vtype})")


def read_gguf(path: str) -> FileInfo:
    """The tensor table of a GGUF file (its header only: the key-values and the tensor infos, as
    the GGUF specification lays them out); the quantisation names from the gguf package."""
    regular_file(path)
    try:
        import gguf
    except ImportError:
        gguf = None
    try:
        with open(path, "rb") as f:
            if f.read(4) != b"GGUF":
                raise HeaderError("not a GGUF file (it does not start with 'GGUF')")
            if gguf is None:
                return FileInfo("gguf", details=False, note="the gguf package is not installed: no details")
            version, n_tensors, n_kv = struct.unpack("<IQQ", f.read(20))
            if version < 2 or n_tensors > 1_000_000 or n_kv > 1_000_000:
                raise HeaderError(f"not a GGUF file Studio reads (version {version})")
            info = FileInfo("gguf")
            for _ in range(n_kv):
                key = _gguf_value(f, 8)
                (vtype,) = struct.unpack("<I", f.read(4))
                value = _gguf_value(f, vtype)
                if key == "general.architecture":
                    info.metadata[key] = value
            for _ in range(n_tensors):
                name = _gguf_value(f, 8)
                (nd,) = struct.unpack("<I", f.read(4))
                dims = struct.unpack(f"<{nd}Q", f.read(8 * nd))
                ttype, _offset = struct.unpack("<IQ", f.read(12))
                info.shapes[name] = tuple(int(d) for d in reversed(dims))  # ggml lists the fastest dim first
                try:
                    q = gguf.GGMLQuantizationType(ttype).name
                except ValueError:
                    q = f"type {ttype}"
                q = {"F32": "fp32", "F16": "fp16", "BF16": "bf16"}.get(q, q)
                numel = 1
                for d in dims:
                    numel *= int(d)
                info.numel_by_dtype[q] = info.numel_by_dtype.get(q, 0) + numel
    except OSError as e:
        raise HeaderError(f"cannot be read: {e.strerror or e}") from None
    except (struct.error, UnicodeDecodeError):
        raise HeaderError("truncated or not a GGUF file (its header ends early)") from None
    return info


def read_info(path: str) -> FileInfo:
    """The header of a ``.safetensors`` (or ``.sft``) or ``.gguf`` file; HeaderError otherwise."""
    if path.lower().endswith(".gguf"):
        return read_gguf(path)
    return read_safetensors(path)
