"""Loading the engine ahead of the first run, on a thread that is not the GUI's.

The window starts without torch (start-up stays short); the first run used to import it on the
GUI thread and froze the window for 1.5-3 s ("loading the engine…"). The window now calls
:func:`warm_up` on a background thread soon after it shows. An import on another thread still
holds the GIL in its C parts, so two of them are made cheap for the GUI thread:

- the dynamic loader maps and relocates torch's 100+ MB libraries while Python's import holds the
  GIL (a 150-450 ms stall of the GUI thread); :func:`preload_libraries` has libc's ``dlopen``
  load them first through a ctypes foreign call, which releases the GIL, so the import that
  follows finds them loaded. PyAV's bundled FFmpeg (``av.libs``, 70 MB) likewise: its import on
  this thread stalled the GUI thread 80-120 ms when a run began as the window opened
  (benchmarks/bench_gui_stall_template.py --at-once);
- the Python part of the import is bytecode: the GUI thread takes the GIL back every switch
  interval (``configure_gil``: 1 ms).

Plain Python, no Qt: ``benchmarks/bench_gui_stall.py`` measures what the GUI thread sees.
"""
from __future__ import annotations

import glob
import importlib.util
import os
import sys
import threading
import time

_RTLD_NOW = 0x2
_handles: list[int] = []  # keep the preloaded libraries loaded
_lock = threading.Lock()
_done = threading.Event()


def _torch_libraries() -> list[str]:
    """torch's large native libraries, biggest dependency first, without importing torch."""
    try:
        spec = importlib.util.find_spec("torch")
    except (ImportError, ValueError):
        return []
    if spec is None or not spec.submodule_search_locations:
        return []
    lib = os.path.join(list(spec.submodule_search_locations)[0], "lib")
    ext = ".dylib" if sys.platform == "darwin" else ".so"
    names = ["libc10", "libtorch_cpu", "libc10_cuda", "libtorch_cuda", "libtorch", "libtorch_python"]
    out = []
    for n in names:
        out += sorted(glob.glob(os.path.join(lib, n + ext)))
    return out


def bundled_libraries(package: str) -> list[str]:
    """The native libraries a wheel carries beside ``package`` (auditwheel's ``<package>.libs``
    folder: PyAV's FFmpeg, say), without importing it; biggest first, so one ``dlopen`` maps a
    library with the siblings it needs."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return []
    if spec is None or not spec.submodule_search_locations:
        return []
    folder = os.path.join(os.path.dirname(list(spec.submodule_search_locations)[0]), package + ".libs")
    found = glob.glob(os.path.join(folder, "*.so*")) + glob.glob(os.path.join(folder, "*.dylib"))
    return sorted(found, key=lambda p: -os.path.getsize(p))


def preload_libraries(paths: list[str] | None = None, package: str = "torch") -> list[str]:
    """``dlopen`` each library (torch's by default) with the GIL released (ctypes releases it
    around a foreign call; Python's own import of an extension does not), unless ``package`` is
    imported already. Returns those loaded. Linux and macOS; a library that fails to load is
    left to the import, which will say why."""
    if sys.platform not in ("linux", "darwin") or package in sys.modules:
        return []
    import ctypes
    try:
        libc = ctypes.CDLL(None)
        dlopen = libc.dlopen
    except (OSError, AttributeError):
        return []
    dlopen.restype = ctypes.c_void_p
    dlopen.argtypes = [ctypes.c_char_p, ctypes.c_int]
    loaded = []
    for p in _torch_libraries() if paths is None else paths:
        h = dlopen(os.fsencode(p), _RTLD_NOW)  # RTLD_LOCAL: symbols stay as torch's import expects
        if h:
            _handles.append(h)
            loaded.append(p)
    return loaded


def warm_up(type_ids=(), registry=None) -> float:
    """Load torch, the media libraries and the modules of the node types ``type_ids`` (the open
    graph's), and what each of those nodes starts ahead of its first run (its class's ``warm_up``:
    Load Video Model's diffusers, 2.8 s), so the first run finds them loaded. Safe to call from any thread, and more than
    once (later calls wait for the first). Returns the seconds it took."""
    from .quiet_gc import imports_quietly
    t0 = time.perf_counter()
    with _lock, imports_quietly():  # no full collection beside the GUI thread while the libraries come in
        if not _done.is_set():
            preload_libraries()
            from .device import available_devices
            available_devices()  # imports torch with the thread policy chosen before
            preload_libraries(bundled_libraries("av"), package="av")
            import av  # noqa: F401 - the decoders and encoders every video node uses
            _done.set()
        if registry is not None:
            for t in type_ids:
                try:
                    spec = registry.get(t)
                    cls = getattr(spec, "cls", None)  # a lazy spec imports its module
                    ahead = getattr(cls, "warm_up", None)  # what a node's first run would start (its libraries)
                    if callable(ahead):
                        ahead()
                except Exception:  # noqa: BLE001 - the run says what is wrong with the node
                    pass
    return time.perf_counter() - t0


def warmed_up() -> bool:
    return _done.is_set()
