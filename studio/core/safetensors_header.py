"""A safetensors file's header read safely, with no torch: regular files only (a FIFO or a device
would block), the header's length checked against the file's, its JSON under Studio's limits, the
tensors' bytes all present (a truncated download is one clear error, not a crash deep in torch);
pickles refused by name and never opened. Every problem is one :class:`ModelError` naming the file.

Here on the ground floor so that every room of ``nodes/`` (the video models, the finishing models)
reads weights the same way; ``nodes/video_models/files/headers.py`` re-exports these."""
from __future__ import annotations

import errno
import os
import stat
import struct

from . import json_limits
from .checked_open import ReadRefused, open_checked
from .errors import ModelError

PICKLE_EXTS = (".bin", ".ckpt", ".pt", ".pth", ".pkl")
MAX_HEADER_BYTES = 100_000_000  # the safetensors format's own cap on its header
MAX_TENSORS = 200_000  # a video model holds some tens of thousands at most


_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"))


def regular_file(path: str) -> int:
    """The size of ``path`` once it is known to be a regular file (symlinks followed), else one
    ModelError naming it: a FIFO, a device or a socket would block or never end when read, so
    weights and configs are stat'ed and refused before they are opened."""
    try:
        st = os.stat(path)
    except OSError as e:
        why = "it is a symbolic link loop" if e.errno == errno.ELOOP else e.strerror or e
        raise ModelError(f"cannot read '{path}': {why}") from None
    if stat.S_ISREG(st.st_mode):
        return st.st_size
    kind = next((k for test, k in _KINDS if test(st.st_mode)), "not a regular file")
    real = os.path.realpath(path)
    link = f" (a link to '{real}')" if real != os.path.abspath(path) else ""
    raise ModelError(f"'{path}'{link} is {kind}, not a regular file: Studio reads weights and configs only from "
                     "regular files (refused before opening it)")


def read_safetensors_header(path: str, complete: bool = True) -> tuple[dict, int, int]:
    """(the header, its length in bytes, the file's size) of a .safetensors file: a regular file,
    8 bytes of length, then a JSON object. ``complete``: the file must hold every byte its header
    promises (a truncated download is one clear error, not a crash deep in torch); the model
    listing reads a truncated file's header too, to say so in a note (catalog/headers.py)."""
    regular_file(path)  # a FIFO or a device said in these words before any open
    try:
        fd, st = open_checked(path, "model file")  # what is read is what was checked (studio.core.checked_open)
    except ReadRefused as e:
        raise ModelError(str(e)) from None
    size = st.st_size
    try:
        with os.fdopen(fd, "rb") as f:
            head = f.read(8)
            if len(head) < 8:
                raise ModelError(f"'{path}' is not a safetensors file (it is {size} bytes long)")
            (n,) = struct.unpack("<Q", head)
            if n > min(size - 8, MAX_HEADER_BYTES):  # n is 8 bytes of the file: never quoted (it may be text)
                raise ModelError(f"'{path}' is truncated or not a safetensors file (its header length is not plausible)")
            header = json_limits.loads(f.read(n), max_objects=MAX_TENSORS + 2)
    except OSError as e:
        raise ModelError(f"cannot read '{path}': {e.strerror or e}") from None
    except json_limits.JSONLimitError as e:
        raise ModelError(f"'{path}' is not a safetensors file Studio reads (its header: {e})") from None
    except (ValueError, UnicodeDecodeError):
        raise ModelError(f"'{path}' is not a valid safetensors file (its header is not JSON)") from None
    if not isinstance(header, dict):
        raise ModelError(f"'{path}' is not a valid safetensors file (its header is not a JSON object)")
    end = 0
    for k, v in header.items():
        if k == "__metadata__":
            continue
        off = v.get("data_offsets") if isinstance(v, dict) else None
        shape = v.get("shape") if isinstance(v, dict) else None
        if not (isinstance(off, list) and len(off) == 2 and all(type(x) is int and x >= 0 for x in off)
                and off[0] <= off[1] and isinstance(shape, list) and all(type(x) is int and x >= 0 for x in shape)
                and isinstance(v.get("dtype"), str)):  # the JSON's own types: never int() of a file's text
            raise ModelError(f"'{path}' is not a valid safetensors file (a tensor's dtype, shape or place in its "
                             "header is not one)")
        end = max(end, off[1])
    if complete:
        if 8 + n + end > size:
            raise ModelError(f"'{path}' is truncated: {size:,} bytes on disk, {8 + n + end:,} expected "
                             "(an interrupted download? download it again)")
    return header, n, size


def refuse_pickle(path: str) -> None:
    if path.lower().endswith(PICKLE_EXTS):
        raise ModelError(f"'{path}' is a pickle checkpoint: Studio never unpickles weights (it can run code). "
                         "Use the .safetensors version of the model (or convert it once with a trusted tool)")


MAX_NUMBERED = 1024  # layers or blocks of one stack: the largest released models have some hundreds


def numbered(names, prefix: str, path: str, same: bool = True) -> int:
    """How many numbered children ``prefix`` has among a file's tensor names (``'encoder.layers.'`` ->
    24), bounded by what the file holds: the children must be 0..n-1 with none missing, at most
    MAX_NUMBERED, and (``same``, with ``names`` a dict of name -> shape) children 1..n-1 must hold the
    same tensors of the same shapes, which child 0 holds too (T5's first block holds one more): a
    model is built from this count and child 0's shapes before any weight is read, and the file's
    bytes back each child's. One 64-byte name ``encoder.layers.99999.attention.k_proj.bias`` added to
    a file must not build 100,000 layers. Else one ModelError naming the file (no name quoted)."""
    children: dict[int, dict] = {}
    shapes = names if isinstance(names, dict) else {}
    for k in names:
        if not k.startswith(prefix):
            continue
        i, _, rest = k[len(prefix):].partition(".")
        if i.isdigit() and i.isascii():
            if len(i) > 6:
                raise ModelError(f"'{path}' numbers a '{prefix}' child past {MAX_NUMBERED:,}: not a model Studio reads")
            children.setdefault(int(i), {})[rest] = tuple(shapes.get(k) or ())
    n = max(children, default=-1) + 1
    if len(children) != n:
        raise ModelError(f"'{path}' numbers its '{prefix}' children up to {n - 1} but holds only {len(children)} "
                         "of them: a damaged or altered file")
    if n > MAX_NUMBERED:
        raise ModelError(f"'{path}' numbers {n:,} '{prefix}' children, over Studio's limit of {MAX_NUMBERED:,}: "
                         "not a model Studio reads")
    if same and n > 1:
        one = children[1]
        if any(c != one for i, c in children.items() if i > 1) or any(children[0].get(k) != v for k, v in one.items()):
            raise ModelError(f"'{path}': its '{prefix}' children do not all hold the same tensors: a damaged or "
                             "altered file")
    return n
