"""A GGUF file's header checked before the ``gguf`` package's reader sees it, and its tensor table
checked after: the reader builds a view per entry and believes every count and offset, so a small
file claiming a million entries keeps it busy for minutes, and a tensor offset that wraps below the
data section reads weights from the header's bytes.

Before: the magic, the version (2 or 3), the tensor and key/value counts (each within a cap, and
within what the file's size can hold), then a walk over the key/values with a budget of items (an
array of a million strings is refused, not looped over). After: each tensor's bytes lie inside the
data section. The reader's own refusals (numpy's words about dtypes and buffer sizes) become
Studio's: the file is truncated or its tensor table is damaged. Nothing of the file is quoted."""
from __future__ import annotations

import os
import struct

from studio.core.checked_open import ReadRefused, library_path, open_checked

from ..base.errors import ModelError
from ..files.headers import regular_file

# a video model's GGUF holds a few thousand tensors at most (Wan 14B: about 1,100) and some dozens of
# key/values; gguf's reader builds Python objects per entry (0.3 ms each on a loaded 2-core machine):
# 99,999 entries stalled Load Video Model 83 s, 16,384 take seconds
MAX_TENSORS = 16_384
MAX_KVS = 4_096
MAX_ITEMS = 2_000_000  # key/value items walked (array elements included)
MIN_TENSOR_INFO = 24  # name length 8 + dims 4 + type 4 + offset 8 (an empty name, no dims)
MIN_KV = 13  # key length 8 + type 4 + one byte of value
_FIXED = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}  # GGUFValueType -> bytes
_STRING, _ARRAY = 8, 9


def _damaged(path: str, why: str = "") -> ModelError:
    return ModelError(f"'{path}' is not a valid GGUF file: the file is truncated or its tensor table is damaged"
                      + (f" ({why})" if why else ""))


def check_counts(path: str) -> None:
    """Refuse a GGUF file whose header's counts are beyond the caps or beyond its size, before the
    reader builds anything."""
    regular_file(path)
    try:
        fd, st = open_checked(path, "model file")  # what is read is what was checked (studio.core.checked_open)
    except ReadRefused as e:
        raise ModelError(str(e)) from None
    size = st.st_size
    with os.fdopen(fd, "rb") as f:
        head = f.read(24)
        if len(head) < 24 or head[:4] != b"GGUF":
            raise ModelError(f"'{path}' is not a valid GGUF file (it does not start with a GGUF header)")
        order = "<" if struct.unpack("<I", head[4:8])[0] & 0xFFFF else ">"  # a big-endian file's version reads 0
        version, tensors, kvs = struct.unpack(order + "IQQ", head[4:24])
        if version not in (2, 3):
            raise ModelError(f"'{path}' is GGUF version {version}: Studio reads versions 2 and 3")
        if tensors > MAX_TENSORS or kvs > MAX_KVS:
            raise _damaged(path, f"its header claims {tensors:,} tensors and {kvs:,} key/values; Studio reads at "
                                 f"most {MAX_TENSORS:,} of each")
        if 24 + tensors * MIN_TENSOR_INFO + kvs * MIN_KV > size:
            raise _damaged(path, f"its header claims {tensors:,} tensors and {kvs:,} key/values, more than its "
                                 f"{size:,} bytes can hold")
        _walk_kvs(f, path, order, kvs, size)


def _walk_kvs(f, path: str, order: str, kvs: int, size: int) -> None:
    """Every key/value's extent read (not its contents), within MAX_ITEMS items and the file's size."""
    budget = [MAX_ITEMS]

    def take(n: int) -> bytes:
        b = f.read(n)
        if len(b) < n:
            raise _damaged(path, "its key/values run past the end of the file")
        return b

    def skip(n: int) -> None:
        if f.tell() + n > size:
            raise _damaged(path, "its key/values run past the end of the file")
        f.seek(n, 1)

    def value(vtype: int, depth: int) -> None:
        budget[0] -= 1
        if budget[0] < 0 or depth > 4:
            raise _damaged(path, f"its key/values hold over {MAX_ITEMS:,} items or nest too deeply")
        if vtype in _FIXED:
            skip(_FIXED[vtype])
        elif vtype == _STRING:
            skip(struct.unpack(order + "Q", take(8))[0])
        elif vtype == _ARRAY:
            itype, count = struct.unpack(order + "IQ", take(12))
            if itype in _FIXED:
                budget[0] -= 1
                skip(count * _FIXED[itype])
            else:
                if count > budget[0]:
                    raise _damaged(path, f"an array claims {count:,} items")
                for _ in range(count):
                    value(itype, depth + 1)
        else:
            raise _damaged(path, f"a key/value of unknown type {vtype}")

    for _ in range(kvs):
        skip(struct.unpack(order + "Q", take(8))[0])
        value(struct.unpack(order + "I", take(4))[0], 0)


def open_reader(path: str):
    """``gguf.GGUFReader(path)`` once the header passed :func:`check_counts`, its refusals in
    Studio's words, and each tensor's bytes checked to lie in the data section."""
    import gguf
    check_counts(path)
    size = regular_file(path)
    try:  # the reader maps the checked descriptor's file, never a name swapped since the check
        with library_path(path, "model file") as opened:
            reader = gguf.GGUFReader(opened)
    except ReadRefused as e:
        raise ModelError(str(e)) from None
    except (ValueError, TypeError, IndexError, KeyError, OverflowError, UnicodeDecodeError, struct.error):
        raise _damaged(path) from None  # numpy's or the reader's words: never quoted
    for t in reader.tensors:
        block, type_size = gguf.GGML_QUANT_SIZES[t.tensor_type]
        numel = 1
        for d in t.shape.tolist():
            numel *= int(d)
        nbytes = numel * type_size // block
        if not reader.data_offset <= int(t.data_offset) or int(t.data_offset) + nbytes > size or nbytes != int(t.n_bytes):
            raise _damaged(path, f"tensor '{t.name}' lies outside the file's data section")
    return reader
