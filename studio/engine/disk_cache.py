"""The disk cache: the outputs of expensive nodes (those declared with ``disk_cache = True``: the
pretrained video generators, Sample, preprocessors) kept between processes, keyed by their
signatures (studio.engine.signatures: type, code version, parameters, seed, device, the files
read, the inputs' signatures; nothing in them depends on the process), so a restart, a second
``main.py render`` or grouping unchanged nodes reads them back instead of making them again.

One file per entry, ``<folder>/outputs-v2/<h[:2]>/<h>.safetensors`` (``h``: the key salted with the
library versions, :meth:`DiskCache.path`): a safetensors file (the
arrays of studio.engine.disk_values, the description in its ``__metadata__``), never a pickle;
studio.engine.disk_entry writes it and checks it when it is read. A clip read back is a memory
map of the file.

An entry proves itself before it is served: its metadata holds the whole salted key (an entry
copied under another entry's name is another key's), a CRC-32 of its header (the description of
its outputs: numbers, text, fps, rates, dtypes, shapes) and one of each array's bytes, written as
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
import os
import re
import stat
import threading
import time
from typing import Any

from studio.core.settings import DEFAULT_DISK_CACHE_GB

from .disk_entry import FORMAT, TMP_PREFIX, EntryError, read_entry, why, write_entry
from .disk_values import Unstorable, decode, encode

STALE_TMP_SECONDS = 3600.0
_ENTRY = re.compile(r"[0-9a-f]{32}\.safetensors")
_SHARD = re.compile(r"[0-9a-f]{2}")


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
        was corrupt (it is removed). Nothing is read through a link: a shard folder that is one is
        not the cache's (eviction never sees it), so what it points at is a plain miss."""
        path = self.path(key)
        if self._linked() or os.path.islink(os.path.dirname(path)):
            return None, ""
        try:
            meta, arrays = read_entry(path)
            if meta.get("key") != salted(key):
                raise EntryError("it is another node's entry, copied under this one's name")
            outs = decode(meta["outputs"], arrays)
        except FileNotFoundError:
            return None, ""
        except Exception as e:  # noqa: BLE001 - whatever fails to prove itself is a miss, never a result
            if _remove(path) or not os.path.lexists(path):
                return None, f"a corrupt disk-cache entry was ignored and removed ({why(e)}): the node runs again"
            return None, (f"the disk cache's place for this node's outputs ({path}) holds something that is not an "
                          f"entry ({why(e)}) and cannot be removed (a folder?): it is left alone, the node runs again "
                          "and its outputs are not cached until it is gone")
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
        if self._linked():
            return 0, f"{self.folder} is a link: the disk cache writes only in its own folder, never through a link"
        if os.path.islink(os.path.dirname(path)):
            return 0, f"{os.path.dirname(path)} is a link: the disk cache writes only in its own folder"
        if os.path.lexists(path) and not os.path.isfile(path):
            return 0, f"{path} is not a cache entry (a folder?): left alone, the outputs are not cached"
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

    def _linked(self) -> bool:
        """The cache's own folder (``outputs-v3``, which Studio makes) is a link: never followed (an
        eviction through it removed a user's file named like an entry)."""
        return os.path.islink(self.folder)

    def _own_files(self):
        """(path, lstat, is a temporary file) of each file the cache wrote: ``<h[:2]>/<h>.safetensors``
        and its writers' temporary files, regular files only; links are neither followed nor
        listed, and nothing else in the folder is the cache's to remove (nor anything at all when the
        cache's own folder is a link: what it leads to is not the cache's)."""
        if self._linked():
            return
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
