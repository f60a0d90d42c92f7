"""One file of resume state (kept steps, kept windows, kept latents) written so that it proves itself
when read, as the disk cache's entries do (studio.engine.disk_entry).

A kept file is a safetensors file (nothing pickled) whose ``__metadata__`` holds, besides the
keeper's own description (``studio_meta``, JSON), the CRC-32 of each tensor's bytes (``studio_crc``)
and ``studio_check``: a SHA-256 of the run's whole key, the description, the CRC-32s and every
tensor's dtype, shape and place. A file is used only when it proves itself:

- it is a regular file, opened without following a link and without waiting (a FIFO or a device at
  the kept path is refused before a byte is read), no larger than its folder's bound;
- its header is JSON within studio.core.json_limits and its check matches this run's key: another
  take's file copied over, an edited step number or shape, and a file of an older Studio are misses;
- each tensor's bytes lie inside the file and match their CRC-32 (inverted bytes are a miss).

Whatever fails is a :class:`KeptFileError` in words (never a byte of the file): the keeper removes
the file, says so once, and the take is computed again. Nothing wrong is resumed from."""
from __future__ import annotations

import hashlib
import json
import os
import struct
import zlib

from studio.core import json_limits
from studio.engine.disk_entry import map_file

MAX_HEADER = 16 << 20  # a kept file holds a few dozen tensors: its header is some kilobytes
MAX_TENSORS = 4096


class KeptFileError(ValueError):
    """A kept file that does not prove itself, in Studio's words (no byte of the file quoted)."""


def _as_bytes(t):
    """A tensor's or array's bytes as a buffer (no copy for a contiguous CPU one)."""
    import numpy as np
    if isinstance(t, np.ndarray):
        return memoryview(np.ascontiguousarray(t)).cast("B")
    return t.detach().to("cpu").contiguous().reshape(-1).view(__import__("torch").uint8).numpy()


_DTYPES = {"float64": "F64", "float32": "F32", "float16": "F16", "bfloat16": "BF16", "int64": "I64", "int32": "I32",
           "int16": "I16", "int8": "I8", "uint8": "U8", "bool": "BOOL"}


def _dtype(v) -> str:
    """A tensor's or array's dtype as safetensors' header names it."""
    name = str(v.dtype).replace("torch.", "")
    return _DTYPES.get(name, name)


def _check(key: str, meta: str, crcs: str, entries: dict) -> str:
    """The SHA-256 of the key, the description, the CRC-32s and each tensor's name, dtype and shape
    (their places are proven by the CRC-32s of the bytes found there)."""
    table = sorted((k, v.get("dtype"), v.get("shape")) for k, v in entries.items())
    blob = json.dumps([key, meta, crcs, table], separators=(",", ":"))
    return hashlib.sha256(blob.encode()).hexdigest()


def write(path: str, key: str, tensors: dict, meta: dict) -> None:
    """``tensors`` (all torch tensors, or all numpy arrays) and ``meta`` (JSON) to ``path``, written
    to a temporary name and renamed, with the CRC-32s and the check that :func:`read` proves."""
    import numpy as np
    crcs = json.dumps({k: zlib.crc32(_as_bytes(v)) for k, v in tensors.items()}, sort_keys=True)
    text = json.dumps(meta, allow_nan=False)
    md = {"studio_meta": text, "studio_crc": crcs}
    numpy = all(isinstance(v, np.ndarray) for v in tensors.values())
    if numpy:
        from safetensors.numpy import save_file
        tensors = {k: np.ascontiguousarray(v) for k, v in tensors.items()}
    else:
        from safetensors.torch import save_file
        tensors = {k: v.detach().to("cpu").contiguous() for k, v in tensors.items()}
    md["studio_check"] = _check(key, text, crcs, {k: {"dtype": _dtype(v), "shape": list(v.shape)}
                                                  for k, v in tensors.items()})
    tmp = f"{path}.{os.getpid()}.tmp"
    os.makedirs(os.path.dirname(path), exist_ok=True)
    try:
        save_file(tensors, tmp, metadata=md)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def read(path: str, key: str, numpy: bool = False, max_bytes: int | None = None) -> tuple[dict, dict]:
    """(the tensors, as torch tensors or numpy arrays; the keeper's description) of the kept file at
    ``path`` once it proves itself for ``key`` (the module's docstring); FileNotFoundError when there
    is none, :class:`KeptFileError` in words when it does not prove itself."""
    mm, size = map_file(path, KeptFileError, max_bytes)
    try:
        return _proven(mm, size, key, numpy)
    finally:
        mm.close()


def _proven(mm, size: int, key: str, numpy: bool) -> tuple[dict, dict]:
    (n,) = struct.unpack("<Q", mm[:8])
    if n > MAX_HEADER or 8 + n > size:
        raise KeptFileError("its header is cut short")
    try:
        header = json_limits.loads(mm[8:8 + n], max_objects=MAX_TENSORS + 2)
    except (ValueError, UnicodeDecodeError):
        raise KeptFileError("its header is not valid JSON") from None
    md = header.pop("__metadata__", None) if isinstance(header, dict) else None
    if not isinstance(md, dict) or not all(isinstance(md.get(k), str)
                                           for k in ("studio_meta", "studio_crc", "studio_check")):
        raise KeptFileError("it carries no checksums (a file of another kind, or of an older Studio)")
    if not all(isinstance(v, dict) for v in header.values()):
        raise KeptFileError("its header is not a table of tensors")
    if md["studio_check"] != _check(key, md["studio_meta"], md["studio_crc"], header):
        raise KeptFileError("it was not kept for this take, or it was changed since")
    try:
        crcs = json_limits.loads(md["studio_crc"])
        meta = json_limits.loads(md["studio_meta"])
    except (ValueError, UnicodeDecodeError):
        raise KeptFileError("its description is not valid JSON") from None
    if not isinstance(crcs, dict) or not isinstance(meta, dict) or set(crcs) != set(header):
        raise KeptFileError("its checksums do not match its tensors")
    base = 8 + n
    for name, t in header.items():
        off = t.get("data_offsets")
        if not (isinstance(off, list) and len(off) == 2 and all(type(x) is int for x in off)
                and 0 <= off[0] <= off[1] and base + off[1] <= size):
            raise KeptFileError("a tensor does not fit the file (truncated?)")
        if zlib.crc32(memoryview(mm)[base + off[0]:base + off[1]]) != crcs[name]:
            raise KeptFileError("a tensor does not match its checksum")
    try:
        if numpy:
            from safetensors.numpy import load
            tensors = load(bytes(mm))
        else:
            from safetensors.torch import load

            from ..base.own_memory import owned
            tensors = {k: owned(v) for k, v in load(bytes(mm)).items()}  # aligned as the run's were
    except Exception:  # noqa: BLE001 - safetensors' own words could quote the file
        raise KeptFileError("its tensors do not fit their description") from None
    return tensors, meta
