"""Process-wide memory settings for frames.

NumPy asks the kernel for transparent huge pages on every large array (madvise). Where the
kernel's THP defrag setting is "madvise" (the default on many distributions, and on the machines
Studio is developed on), each fresh 1080p float frame then stalls while the kernel compacts memory
for huge pages: measured here, a new 25 MB array allocated and filled took 51-61 ms with the
madvise and 10 ms without. Frames that are kept (the frame cache, the viewer's cache, training
sets) are always fresh memory, so scrubbing uncached frames paid that stall on every frame. The
cost of going without is a little TLB pressure on large arrays, far smaller than the stall."""
from __future__ import annotations


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
