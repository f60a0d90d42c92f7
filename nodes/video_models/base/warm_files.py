"""How a model's load finds its files, measured before it starts (issue 116 item 5: a process's second load of a
model took 0.4-0.5 of its first, and was said as the first): whether this process loaded the same files before
(``LOADED_HERE``), and whether their pages were in the page cache (Linux's mincore). Load Video Model keeps it with
the load's time (LoadedState.load_how); estimates/warm_load.py tells a load from the records as warm as it will be.
Stdlib only (mmap, ctypes); importing it costs nothing."""
from __future__ import annotations

import os

CACHED = 0.9  # a load whose files had this share of their bytes in the page cache is recorded ``cached``
# the models (their paths, as estimates/times.run_key names them) this process has loaded: a later load is a reload
LOADED_HERE: set[str] = set()


def page_cached(files: list[str]) -> float | None:
    """The share of the ``files``' bytes in the page cache (Linux's mincore over a private map of each), None where
    it cannot be asked (another system, a file that cannot be mapped). Nothing is read: the map's pages are only
    asked about."""
    import sys
    if not sys.platform.startswith("linux") or not files:
        return None
    try:
        import ctypes
        import mmap
        libc = ctypes.CDLL(None, use_errno=True)
        page = mmap.PAGESIZE
        held = total = 0
        for path in files:
            size = os.path.getsize(path)
            if size <= 0:
                continue
            with open(path, "rb") as f, mmap.mmap(f.fileno(), size, access=mmap.ACCESS_COPY) as m:
                n = (size + page - 1) // page
                vec = (ctypes.c_ubyte * n)()
                addr = ctypes.addressof(ctypes.c_char.from_buffer(m))
                if libc.mincore(ctypes.c_void_p(addr), ctypes.c_size_t(size), vec) != 0:
                    return None
                held += (n - bytes(vec).count(0)) * page
                total += n * page
        return min(1.0, held / total) if total else None
    except (OSError, ValueError, TypeError, AttributeError, BufferError):
        return None


def how(path: str, files: list[str]) -> dict:
    """How a load about to start finds its files, for its record: {'reload': loaded here before, 'cached': in the
    page cache} ('cached' left out where it cannot be asked)."""
    share = page_cached(files)
    return {"reload": reload_of(path), **({} if share is None else {"cached": share >= CACHED})}


def loaded(path: str) -> None:
    LOADED_HERE.add(os.path.abspath(path))


def reload_of(path: str) -> bool:
    """Whether a load of ``path`` now would be a reload: this process has loaded it."""
    return os.path.abspath(path) in LOADED_HERE


