"""The disk cache: the outputs of expensive nodes (those declared with ``disk_cache = True``: the
pretrained video generators, Sample, preprocessors) kept between processes, keyed by their
signatures (studio.engine.signatures: type, code version, parameters, seed, device, the files
read, the inputs' signatures; nothing in them depends on the process), so a restart, a second
``main.py render`` or grouping unchanged nodes reads them back instead of making them again.

One file per entry, ``<folder>/outputs-v2/<h[:2]>/<h>.safetensors`` (``h``: the key salted with the
library versions, :meth:`DiskCache.path`): a safetensors file (the
arrays of studio.engine.disk_values, the description in its ``__metadata__``), never a pickle.
A clip read back is a memory map of the file.

An entry proves itself before it is served: its metadata holds the whole salted key (an entry
copied under another entry's name is another key's) and a CRC-32 of each array's bytes, written as
the arrays stream in and checked on every read (a 50 MB clip: about 14 ms). Only a regular file
is opened (never through a link, never a FIFO); anything that fails to prove itself, for any
reason, is a miss: removed and said once, and the node runs again. Nothing wrong is served.

- Bounded by bytes: after a write, the least recently used entries go (a hit touches its file's
  modification time) until the folder holds at most ``max_bytes``.
- Atomic writes: a temporary file in the same folder, fsync, rename; a crash leaves no entry
  half written (stale temporary files are swept).
- Several processes may share the folder: a reader maps a whole file that was renamed into
  place; two writers of one key write the same bytes, the last rename wins; an entry evicted by
  another process while mapped stays readable until unmapped (POSIX).
- Eviction, size and clear touch only the cache's own files (its names, regular files, links
  never followed); anything else in the folder is left alone.
"""
from __future__ import annotations

import functools
import hashlib
import json
import mmap
import os
import re
import stat
import struct
import tempfile
import threading
import time
import zlib
from typing import Any

import numpy as np

from studio.core import json_limits
from studio.core.settings import DEFAULT_DISK_CACHE_GB

from .disk_values import DTYPES, Unstorable, decode, encode

FORMAT = "outputs-v2"  # v2: each entry carries its key and its arrays' CRC-32s
MAX_HEADER = 16 << 20
TMP_PREFIX = ".tmp-"
STALE_TMP_SECONDS = 3600.0
_ENTRY = re.compile(r"[0-9a-f]{32}\.safetensors")
_SHARD = re.compile(r"[0-9a-f]{2}")
_CRC_HOLE = "#"  # the CRC-32s' place in the header, filled in once the arrays are written


def default_folder() -> str:
    """Studio's cache folder ($STUDIO_CACHE_DIR, else the user cache folder) / disk-cache."""
    from studio.core.manifest import cache_dir
    return os.path.join(cache_dir(), "disk-cache")


def configured_gb() -> float:
    """The disk cache's size in GB: $STUDIO_DISK_CACHE_GB, else the settings' ``disk_cache_gb``."""
    env = os.environ.get("STUDIO_DISK_CACHE_GB")
    if env:
        try:
            return max(0.0, float(env))
        except ValueError:
            pass
    from studio.core.settings import load_settings
    return load_settings()["disk_cache_gb"]


class DiskCache:
    def __init__(self, folder: str | None = None, max_bytes: int = int(DEFAULT_DISK_CACHE_GB * 1e9)):
        self.folder = os.path.join(folder or default_folder(), FORMAT)
        self.max_bytes = int(max_bytes)
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, folder: str | None = None) -> "DiskCache | None":
        """The cache the settings ask for (``disk_cache_gb``; 0 turns it off; $STUDIO_DISK_CACHE_GB
        wins over it): None when off."""
        gb = configured_gb()
        return cls(folder, int(gb * 1e9)) if gb > 0 else None

    def path(self, key: str) -> str:
        """The file of ``key`` (a signature), salted with the versions that could change what a
        node makes without changing its signature (Studio, torch, diffusers, transformers): an
        upgrade never serves an older version's outputs."""
        h = salted(key)[:32]
        return os.path.join(self.folder, h[:2], h + ".safetensors")

    # -- read -----------------------------------------------------------------------------------
    def get(self, key: str) -> tuple[dict[str, Any] | None, str]:
        """(outputs, "") on a hit; (None, "") when there is no entry; (None, why) when the entry
        was corrupt (it is removed)."""
        path = self.path(key)
        try:
            meta, arrays = read_entry(path)
            if meta.get("key") != salted(key):
                raise ValueError("it is another node's entry, copied under this one's name")
            outs = decode(meta["outputs"], arrays)
        except FileNotFoundError:
            return None, ""
        except Exception as e:  # noqa: BLE001 - whatever fails to prove itself is a miss, never a result
            _remove(path)
            why = str(e) if isinstance(e, (ValueError, OSError)) and str(e) else type(e).__name__
            return None, f"a corrupt disk-cache entry was ignored and removed ({why}): the node runs again"
        try:
            os.utime(path)  # recently used
        except OSError:
            pass
        return outs, ""

    # -- write ----------------------------------------------------------------------------------
    def put(self, key: str, outs: dict[str, Any], node_type: str = "") -> tuple[int, str]:
        """Store ``outs``: (bytes written, "") or (0, why not)."""
        try:
            arrays, desc = encode(outs)
        except Unstorable as e:
            return 0, f"its output {e} (the disk cache holds clips, sound, keypoints, arrays, tensors)"
        total = sum(a.nbytes for a in arrays)
        if total > self.max_bytes:
            return 0, f"its outputs ({total / 1e9:.1f} GB) are larger than the disk cache ({self.max_bytes / 1e9:.1f} GB)"
        path = self.path(key)
        meta = {"format": FORMAT, "key": salted(key), "node": node_type, "outputs": desc}
        try:
            n = write_entry(path, arrays, meta)
        except OSError as e:
            return 0, f"could not write {path}: {e.strerror or e}"
        self.evict()
        return n, ""

    def evict(self) -> list[str]:
        """Remove the least recently used entries until the folder holds at most ``max_bytes``
        (and temporary files a crashed writer left). Returns the paths removed."""
        entries, gone, now = [], [], time.time()
        with self._lock:
            for p, st, tmp in self._own_files():
                if tmp:
                    if now - st.st_mtime > STALE_TMP_SECONDS:
                        _remove(p)
                    continue
                entries.append((st.st_mtime, st.st_size, p))
            total = sum(e[1] for e in entries)
            for _mtime, size, p in sorted(entries):
                if total <= self.max_bytes:
                    break
                if _remove(p):
                    gone.append(p)
                total -= size
        return gone

    def size(self) -> int:
        """Bytes the entries hold."""
        return sum(st.st_size for _p, st, tmp in self._own_files() if not tmp)

    def clear(self) -> None:
        for p, _st, _tmp in list(self._own_files()):
            _remove(p)

    def _own_files(self):
        """(path, lstat, is a temporary file) of each file the cache wrote: ``<h[:2]>/<h>.safetensors``
        and its writers' temporary files, regular files only; links are neither followed nor
        listed, and nothing else in the folder is the cache's to remove."""
        try:
            shards = [d for d in os.scandir(self.folder) if _SHARD.fullmatch(d.name) and d.is_dir(follow_symlinks=False)]
        except OSError:
            return
        for d in shards:
            try:
                files = list(os.scandir(d.path))
            except OSError:
                continue
            for f in files:
                tmp = f.name.startswith(TMP_PREFIX)
                if not (tmp or (_ENTRY.fullmatch(f.name) and f.name.startswith(d.name))):
                    continue
                try:
                    st = f.stat(follow_symlinks=False)
                except OSError:
                    continue
                if stat.S_ISREG(st.st_mode):
                    yield f.path, st, tmp


@functools.lru_cache(maxsize=1)
def _versions() -> str:
    """The installed versions of Studio and the libraries that make the cached outputs (read from
    the packages' metadata: nothing is imported)."""
    from importlib import metadata

    import studio
    out = [f"studio {studio.__version__}"]
    for pkg in ("torch", "diffusers", "transformers", "numpy", "opencv-python-headless", "av"):
        try:
            out.append(f"{pkg} {metadata.version(pkg)}")
        except metadata.PackageNotFoundError:
            out.append(f"{pkg} -")
    return ", ".join(out)


def salted(key: str) -> str:
    """``key`` salted with the versions that could change what a node makes without changing its
    signature (Studio, torch, diffusers, transformers...): an upgrade never serves an older
    version's outputs. The entry's file name is its first 32 hex digits; the entry keeps all 64."""
    return hashlib.sha256(f"{key}|{_versions()}".encode()).hexdigest()


def _remove(path: str) -> bool:
    try:
        os.remove(path)
        return True
    except OSError:
        return False


def write_entry(path: str, arrays, meta: dict[str, Any]) -> int:
    """Write a safetensors file of ``arrays`` (studio.engine.disk_values.Array, streamed: a clip
    is pulled a few frames at a time) with ``meta`` as JSON in its ``__metadata__``, atomically,
    with each array's CRC-32 (``meta["crc32"]``, filled in once the bytes are written). Returns
    the file's size."""
    hole = _CRC_HOLE * (8 * len(arrays))
    header: dict[str, Any] = {"__metadata__": {"studio": json.dumps(dict(meta, crc32=hole), allow_nan=False)}}
    at = 0
    for a in arrays:
        header[a.name] = {"dtype": a.dtype, "shape": list(a.shape), "data_offsets": [at, at + a.nbytes]}
        at += a.nbytes
    hb = json.dumps(header).encode()
    hb += b" " * (-len(hb) % 8)
    where = hb.find(hole.encode())
    if where < 0 or hb.find(hole.encode(), where + 1) >= 0:
        raise OSError("the entry's header has no single place for its checksums")
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(struct.pack("<Q", len(hb)))
            f.write(hb)
            sums = "".join(f"{_write_array(f, a):08x}" for a in arrays)
            if sums:
                f.seek(8 + where)
                f.write(sums.encode())
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        _remove(tmp)
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


def read_entry(path: str) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """(meta, arrays as read-only views of a memory map) of an entry that proves itself: a regular
    file (opened without following a link and without waiting on a FIFO), a header within limits,
    arrays that fit the file exactly and match their CRC-32s. FileNotFoundError when there is
    none; ValueError (or OSError) when it is damaged."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as e:
        if isinstance(e, FileNotFoundError):
            raise
        raise ValueError("it is not a regular file (a link?)") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise ValueError("it is not a regular file")
        size = st.st_size
        if size < 8:
            raise ValueError("shorter than its header")
        mm = mmap.mmap(fd, size, access=mmap.ACCESS_READ)
    finally:
        os.close(fd)
    n = struct.unpack("<Q", mm[:8])[0]
    if n > MAX_HEADER or 8 + n > size:
        raise ValueError("its header is cut short")
    header = json_limits.loads(mm[8:8 + n])
    if not isinstance(header, dict) or not isinstance(header.get("__metadata__"), dict):
        raise ValueError("its header is not an entry's")
    meta = json_limits.loads(header.pop("__metadata__")["studio"])
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ValueError(f"format {meta.get('format') if isinstance(meta, dict) else None!r}")
    sums = str(meta.get("crc32", ""))
    if len(sums) != 8 * len(header):
        raise ValueError("its checksums do not match its arrays")
    base, end = 8 + n, 0
    arrays: dict[str, np.ndarray] = {}
    for i, (name, t) in enumerate(header.items()):
        dt = np.dtype(DTYPES[t["dtype"]])
        shape = tuple(int(x) for x in t["shape"])
        a, b = (int(x) for x in t["data_offsets"])
        count = int(np.prod(shape, dtype=np.int64))
        if b - a != count * dt.itemsize or a < 0 or base + b > size:
            raise ValueError(f"'{name}' does not fit the file (truncated?)")
        if f"{zlib.crc32(memoryview(mm)[base + a:base + b]):08x}" != sums[8 * i:8 * i + 8]:
            raise ValueError(f"'{name}' does not match its checksum")
        end = max(end, b)
        arrays[name] = np.frombuffer(mm, dt, count, base + a).reshape(shape) if b > a else np.zeros(shape, dt)
    if base + end != size:
        raise ValueError(f"{size - base - end} bytes more than its arrays")
    return meta, arrays
