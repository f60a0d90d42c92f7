"""One entry of the disk cache (studio.engine.disk_cache) on disk: a safetensors file of a node's
arrays (studio.engine.disk_values) with, in its ``__metadata__``, the CRC-32s of its header and of
each array (``crc32``, the header's first field) and, as JSON, its whole salted key and the
description of the outputs. Never a pickle.

Written atomically (a temporary file in the same folder, fsync, rename). Read with suspicion: only
a regular file is opened (never through a link, never waiting on a FIFO), the header's JSON within
studio.core.json_limits, the header (numbers, text, fps, rates, dtypes, shapes) and every array
must match their CRC-32s and fit the file exactly; why not is said in Studio's words
(:func:`why`), never a byte of the file.
"""
from __future__ import annotations

import json
import math
import mmap
import os
import stat
import struct
import tempfile
import zlib
from typing import Any

import numpy as np

from studio.core import json_limits

from .disk_values import DTYPES

FORMAT = "outputs-v3"  # v2: each entry carries its key and its arrays' CRC-32s; v3: and its header's
MAX_HEADER = 16 << 20
TMP_PREFIX = ".tmp-"
_CRC_HOLE = "#"  # the CRC-32s' place in the header, filled in once the arrays are written
_HEAD = b'{"__metadata__": {"crc32": "'  # a header's first bytes: the CRC-32s' place is fixed


class EntryError(ValueError):
    """An entry that does not prove itself, in Studio's words (no byte of the file quoted)."""


def why(e: Exception) -> str:
    """Why an entry failed to prove itself, in words: never the text of an exception that could
    quote the file (a name, a value) or a bare exception name."""
    if isinstance(e, (EntryError, json_limits.JSONLimitError)):
        return str(e)
    if isinstance(e, (json.JSONDecodeError, UnicodeDecodeError)):
        return "its header is not valid JSON"
    if isinstance(e, OSError):
        return f"it could not be read: {e.strerror or 'an error of the file system'}"
    return "its description does not fit its arrays"


def write_entry(path: str, arrays, meta: dict[str, Any]) -> int:
    """Write a safetensors file of ``arrays`` (studio.engine.disk_values.Array, streamed: a clip
    is pulled a few frames at a time) with ``meta`` as JSON in its ``__metadata__``, atomically,
    with the CRC-32s of its header (the CRC-32s' place held by ``#``) and of each array
    (``__metadata__["crc32"]``, the header's first field, filled in once the bytes are written).
    Returns the file's size."""
    hole = _CRC_HOLE * (8 * (len(arrays) + 1))
    header: dict[str, Any] = {"__metadata__": {"crc32": hole, "studio": json.dumps(meta, allow_nan=False)}}
    at = 0
    for a in arrays:
        header[a.name] = {"dtype": a.dtype, "shape": list(a.shape), "data_offsets": [at, at + a.nbytes]}
        at += a.nbytes
    hb = json.dumps(header).encode()
    hb += b" " * (-len(hb) % 8)
    if not hb.startswith(_HEAD + hole.encode()):
        raise OSError("the entry's header has no place for its checksums")
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(struct.pack("<Q", len(hb)))
            f.write(hb)
            sums = f"{zlib.crc32(struct.pack('<Q', len(hb)) + hb):08x}"
            sums += "".join(f"{_write_array(f, a):08x}" for a in arrays)
            f.seek(8 + len(_HEAD))
            f.write(sums.encode())
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.remove(tmp)
        except OSError:
            pass
        raise
    return 8 + len(hb) + at


def _write_array(f, a) -> int:
    """Stream ``a``'s bytes into ``f``; their CRC-32."""
    written, crc = 0, 0
    for b in a.chunks():
        f.write(b)
        crc = zlib.crc32(b, crc)
        written += len(b)
    if written != a.nbytes:
        raise OSError(f"'{a.name}' gave {written} bytes, expected {a.nbytes}")
    return crc


def map_file(path: str, error: type[Exception], max_bytes: int | None = None) -> tuple[mmap.mmap, int]:
    """(a read-only memory map, its size) of a file Studio wrote and reads back as untrusted: a regular file of
    at least a header's 8 bytes (and at most ``max_bytes``), opened without following a link and without
    waiting on a FIFO. FileNotFoundError when there is none; ``error`` in words otherwise."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise
    except OSError:
        raise error("it is not a regular file (a link?)") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise error("it is not a regular file")
        size = st.st_size
        if size < 8:
            raise error("it is shorter than its header")
        if max_bytes is not None and size > max_bytes:
            raise error(f"it is larger than its folder may hold ({size:,} bytes)")
        return mmap.mmap(fd, size, access=mmap.ACCESS_READ), size
    finally:
        os.close(fd)


def read_entry(path: str) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """(meta, arrays as read-only views of a memory map) of an entry that proves itself: a regular
    file (opened without following a link and without waiting on a FIFO), a header within limits
    that matches its CRC-32, arrays that fit the file exactly and match theirs. FileNotFoundError
    when there is none; ValueError (:class:`EntryError` in words, or another) or OSError when it
    is damaged."""
    mm, size = map_file(path, EntryError)
    n = struct.unpack("<Q", mm[:8])[0]
    if n > MAX_HEADER or 8 + n > size:
        raise EntryError("its header is cut short")
    raw = mm[8:8 + n]
    header = json_limits.loads(raw)
    md = header.pop("__metadata__", None) if isinstance(header, dict) else None
    if not isinstance(md, dict) or not isinstance(md.get("crc32"), str) or not isinstance(md.get("studio"), str):
        raise EntryError("its header is not an entry's")
    sums = md["crc32"]
    if len(sums) != 8 * (len(header) + 1) or not raw.startswith(_HEAD + sums.encode()):
        raise EntryError("its checksums do not match its arrays")
    holed = _HEAD + _CRC_HOLE.encode() * len(sums) + raw[len(_HEAD) + len(sums):]
    if f"{zlib.crc32(mm[:8] + holed):08x}" != sums[:8]:
        raise EntryError("its header does not match its checksum")
    meta = json_limits.loads(md["studio"])
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise EntryError("it is not an entry of this version of the disk cache")
    base, end = 8 + n, 0
    arrays: dict[str, np.ndarray] = {}
    for i, (name, t) in enumerate(header.items()):
        dt = np.dtype(DTYPES[t["dtype"]])
        shape = tuple(int(x) for x in t["shape"])
        a, b = (int(x) for x in t["data_offsets"])
        count = math.prod(shape)  # Python's integers: a hostile shape does not wrap around
        if b - a != count * dt.itemsize or a < 0 or min(shape, default=0) < 0 or base + b > size:
            raise EntryError("an array does not fit the file (truncated?)")
        if f"{zlib.crc32(memoryview(mm)[base + a:base + b]):08x}" != sums[8 * i + 8:8 * i + 16]:
            raise EntryError("an array does not match its checksum")
        end = max(end, b)
        arrays[name] = np.frombuffer(mm, dt, count, base + a).reshape(shape) if b > a else np.zeros(shape, dt)
    if base + end != size:
        raise EntryError(f"it holds {size - base - end} bytes more than its arrays")
    return meta, arrays
