"""The disk cache: the outputs of expensive nodes (those declared with ``disk_cache = True``: the
pretrained video generators, Sample, preprocessors) kept between processes, keyed by their
signatures (studio.engine.signatures: type, code version, parameters, seed, device, the files
read, the inputs' signatures; nothing in them depends on the process), so a restart, a second
``main.py render`` or grouping unchanged nodes reads them back instead of making them again.

One file per entry, ``<folder>/outputs-v1/<h[:2]>/<h>.safetensors`` (``h``: the key salted with the
library versions, :meth:`DiskCache.path`): a safetensors file (the
arrays of studio.engine.disk_values, the description in its ``__metadata__``), never a pickle.
A clip read back is a memory map of the file: frames are read from the disk as pulled.

- Bounded by bytes: after a write, the least recently used entries go (a hit touches its file's
  modification time) until the folder holds at most ``max_bytes``.
- Atomic writes: a temporary file in the same folder, fsync, rename; a crash leaves no entry
  half written (stale temporary files are swept).
- Several processes may share the folder: a reader maps a whole file that was renamed into
  place; two writers of one key write the same bytes, the last rename wins; an entry evicted by
  another process while mapped stays readable until unmapped (POSIX).
- A corrupt entry (truncated, a broken header, sizes that disagree) is ignored, said as
  information, and removed.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import struct
import tempfile
import threading
import time
from typing import Any

import numpy as np

from studio.core.settings import DEFAULT_DISK_CACHE_GB

from .disk_values import DTYPES, Unstorable, decode, encode

FORMAT = "outputs-v1"
MAX_HEADER = 16 << 20
TMP_PREFIX = ".tmp-"
STALE_TMP_SECONDS = 3600.0


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
        h = hashlib.sha256(f"{key}|{_versions()}".encode()).hexdigest()[:32]
        return os.path.join(self.folder, h[:2], h + ".safetensors")

    # -- read -----------------------------------------------------------------------------------
    def get(self, key: str) -> tuple[dict[str, Any] | None, str]:
        """(outputs, "") on a hit; (None, "") when there is no entry; (None, why) when the entry
        was corrupt (it is removed)."""
        path = self.path(key)
        try:
            meta, arrays = read_entry(path)
            outs = decode(meta["outputs"], arrays)
        except FileNotFoundError:
            return None, ""
        except (OSError, ValueError, KeyError, TypeError) as e:
            _remove(path)
            return None, f"a corrupt disk-cache entry was ignored and removed ({e})"
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
        meta = {"format": FORMAT, "node": node_type, "outputs": desc}
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
            for root, _dirs, files in os.walk(self.folder):
                for f in files:
                    p = os.path.join(root, f)
                    try:
                        st = os.stat(p)
                    except OSError:
                        continue
                    if f.startswith(TMP_PREFIX):
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
        total = 0
        for root, _dirs, files in os.walk(self.folder):
            for f in files:
                if not f.startswith(TMP_PREFIX):
                    try:
                        total += os.path.getsize(os.path.join(root, f))
                    except OSError:
                        pass
        return total

    def clear(self) -> None:
        for root, _dirs, files in os.walk(self.folder):
            for f in files:
                _remove(os.path.join(root, f))


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


def _remove(path: str) -> bool:
    try:
        os.remove(path)
        return True
    except OSError:
        return False


def write_entry(path: str, arrays, meta: dict[str, Any]) -> int:
    """Write a safetensors file of ``arrays`` (studio.engine.disk_values.Array, streamed: a clip
    is pulled a few frames at a time) with ``meta`` as JSON in its ``__metadata__``, atomically.
    Returns the file's size."""
    header: dict[str, Any] = {"__metadata__": {"studio": json.dumps(meta, allow_nan=False)}}
    at = 0
    for a in arrays:
        header[a.name] = {"dtype": a.dtype, "shape": list(a.shape), "data_offsets": [at, at + a.nbytes]}
        at += a.nbytes
    hb = json.dumps(header).encode()
    hb += b" " * (-len(hb) % 8)
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(struct.pack("<Q", len(hb)))
            f.write(hb)
            for a in arrays:
                written = 0
                for b in a.chunks():
                    f.write(b)
                    written += len(b)
                if written != a.nbytes:
                    raise OSError(f"'{a.name}' gave {written} bytes, expected {a.nbytes}")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        _remove(tmp)
        raise
    return 8 + len(hb) + at


def read_entry(path: str) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """(meta, arrays as read-only memory maps) of an entry; ValueError when it is corrupt."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        head = f.read(8)
        if len(head) != 8:
            raise ValueError("shorter than its header")
        n = struct.unpack("<Q", head)[0]
        if n > MAX_HEADER or 8 + n > size:
            raise ValueError("its header is cut short")
        header = json.loads(f.read(n))
    meta = json.loads(header.pop("__metadata__")["studio"])
    if meta.get("format") != FORMAT:
        raise ValueError(f"format {meta.get('format')!r}")
    base, end = 8 + n, 0
    arrays: dict[str, np.ndarray] = {}
    for name, t in header.items():
        dt = np.dtype(DTYPES[t["dtype"]])
        shape = tuple(int(x) for x in t["shape"])
        a, b = (int(x) for x in t["data_offsets"])
        if b - a != int(np.prod(shape, dtype=np.int64)) * dt.itemsize or a < 0 or base + b > size:
            raise ValueError(f"'{name}' does not fit the file (truncated?)")
        end = max(end, b)
        arrays[name] = (np.memmap(path, dt, mode="r", offset=base + a, shape=shape) if b > a
                        else np.zeros(shape, dt))
    if base + end != size:
        raise ValueError(f"{size - base - end} bytes more than its arrays")
    return meta, arrays
