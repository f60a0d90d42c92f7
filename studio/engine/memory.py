"""Process-wide memory settings for frames.

NumPy asks the kernel for transparent huge pages on every large array (madvise). Where the
kernel's THP defrag setting is "madvise" (the default on many distributions, and on the machines
Studio is developed on), each fresh 1080p float frame then stalls while the kernel compacts memory
for huge pages: measured here, a new 25 MB array allocated and filled took 51-61 ms with the
madvise and 10 ms without. Frames that are kept (the frame cache, the viewer's cache, training
sets) are always fresh memory, so scrubbing uncached frames paid that stall on every frame. The
cost of going without is a little TLB pressure on large arrays, far smaller than the stall.

:func:`give_back`: host memory the C allocator keeps after Python and torch have freed it, handed back to
the system. glibc's malloc keeps freed memory in its heaps for reuse, and torch's CPU tensors come from
malloc: a loop that makes and frees tensors of a few MB, a video VAE decoding a long take a time tile at a
time, leaves the process's resident memory growing tile after tile (measured: a narrow Wan VAE decoding
41 latent frames at 64x64 in tiles of 4: +61 MB of anonymous memory without a trim, +16 MB with one after
each tile). ``malloc_trim(0)`` returns the free pages at the top of the heap and, since glibc 2.8, the
free pages inside it. Elsewhere (macOS, Windows, musl) there is nothing to call and nothing is done."""
from __future__ import annotations

import functools
import sys


def no_hugepage_madvise() -> bool:
    """Stop NumPy's huge-page madvise on new arrays. Returns True when the setting was applied."""
    try:
        from numpy._core.multiarray import _set_madvise_hugepage
    except ImportError:  # NumPy < 2
        try:
            from numpy.core.multiarray import _set_madvise_hugepage  # type: ignore[no-redef]
        except ImportError:  # pragma: no cover - an older or other NumPy: nothing to change
            return False
    _set_madvise_hugepage(False)
    return True


@functools.cache
def _release():
    """The call that hands the allocator's free memory back: tcmalloc's where the process allocates through it
    (preloaded, as the test workers are: conftest.py), else glibc's ``malloc_trim(0)``; None where neither."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes
    import ctypes.util
    try:  # the symbols of what the process has loaded: tcmalloc's C API is there only when it was preloaded
        release = ctypes.CDLL(None).MallocExtension_ReleaseFreeMemory
        release.restype = None
        return release
    except (OSError, AttributeError):
        pass
    try:
        trim = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
        return lambda: trim(0)
    except (OSError, AttributeError):  # no glibc (musl has no malloc_trim)
        return None


def give_back() -> bool:
    """Freed heap memory handed back to the system; False where the C library cannot."""
    release = _release()
    if release is None:
        return False
    release()
    return True
