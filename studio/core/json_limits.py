"""JSON from a file Studio did not write (a model's config, a safetensors header, an index of
shards) read with limits: how deeply it nests and how many objects it holds are known from a scan
of its text before it is parsed, so a hostile file is refused by name instead of ending in a
RecursionError (json's C parser recurses per level) or in minutes of building objects.

The scan drops the strings (a bracket inside a name does not count), keeps only the brackets, and
peels the innermost pairs off pass by pass: a run of ``max_depth + 1`` opening brackets, or more
passes than ``max_depth``, is too deep. Plain stdlib; every refusal is a :class:`JSONLimitError`,
a ValueError, so a caller's ``except ValueError`` that names its file already catches it."""
from __future__ import annotations

import json
import os
import re

MAX_DEPTH = 64  # a model config nests 4 or 5 levels; a safetensors header 3
_STRINGS = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_KEEP = bytes(range(256)).translate(None, b"[]{}")  # every byte but the brackets: deleted by the scan
_PAIR = re.compile(rb"\[\]")


class JSONLimitError(ValueError):
    """A JSON text beyond a limit, in words (no byte of it quoted)."""


def _brackets(raw: bytes) -> bytes:
    return _STRINGS.sub(b"", raw).translate(None, _KEEP)


def check_shape(raw: bytes | str, max_depth: int = MAX_DEPTH, max_objects: int | None = None) -> None:
    """Refuse ``raw`` nesting deeper than ``max_depth`` or holding more than ``max_objects`` objects
    ({...}); nothing is parsed."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogatepass")
    elif not isinstance(raw, (bytes, bytearray)):
        raise TypeError(f"JSON text must be str or bytes, not {type(raw).__name__}")
    b = _brackets(bytes(raw))
    if max_objects is not None:
        n = b.count(b"{")
        if n > max_objects:
            raise JSONLimitError(f"it holds {n:,} JSON objects, over Studio's limit of {max_objects:,}")
    b = b.replace(b"{", b"[").replace(b"}", b"]")
    run = b"[" * (max_depth + 1)
    for _ in range(max_depth + 1):
        if not b:
            return
        if run in b:
            break
        b, peeled = _PAIR.subn(b"", b)
        if not peeled:
            return  # unbalanced: json's parser says so
    raise JSONLimitError(f"its JSON nests more than {max_depth} levels deep (a damaged or hostile file)")


def loads(raw: bytes | str, max_depth: int = MAX_DEPTH, max_objects: int | None = None):
    """``json.loads(raw)`` once ``raw`` is within the limits (:func:`check_shape`); a parser that
    recurses past Python's limit anyway is refused the same way."""
    check_shape(raw, max_depth, max_objects)
    try:
        return json.loads(raw)
    except RecursionError:
        raise JSONLimitError(f"its JSON nests more than {max_depth} levels deep (a damaged or hostile file)") \
            from None


def load_file(path: str, max_depth: int = MAX_DEPTH, max_objects: int | None = None, max_bytes: int = 64 << 20):
    """The JSON of the file ``path`` within the limits, read through the checked open (studio.core.checked_open:
    a regular file inside the folders a graph may read, whatever the name became after the caller's checks); a
    file over ``max_bytes`` is refused unread. A file that is not there is a FileNotFoundError."""
    from .checked_open import ReadRefused, read_checked
    try:
        raw = read_checked(path, max_bytes, "JSON config", leave_models=False)  # a config linked out: refused
    except ReadRefused as e:
        if not os.path.lexists(path):
            raise FileNotFoundError(2, "No such file or directory", path) from None
        if "larger than" in e.why:
            raise JSONLimitError(f"it is over {max_bytes >> 20} MB, too big for a JSON config") from None
        raise JSONLimitError(e.why) from None
    return loads(raw, max_depth, max_objects)
