"""Device choice (CUDA, then MPS, then CPU) and torch thread policy."""
from __future__ import annotations

import functools
import os
import sys

from studio.core.errors import StudioError

DEVICES = ("auto", "cpu", "cuda", "mps")


@functools.lru_cache(maxsize=1)
def _available() -> tuple[str, ...]:
    torch = torch_module()
    out = ["cpu"]
    if torch.cuda.is_available():
        out.insert(0, "cuda")
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        out.insert(0 if "cuda" not in out else 1, "mps")
    return tuple(out)


def available_devices() -> list[str]:
    """Devices torch can use here, best first (the first call costs ~40 ms; then cached)."""
    return list(_available())


def check_device(pref: str | None) -> str:
    """The device ``pref`` names, checked as :func:`resolve_device` checks it, without importing
    torch where the answer is known anyway ("cpu", and "auto" before it is resolved)."""
    pref = (pref or "auto").lower()
    if pref not in DEVICES:
        raise StudioError(f"unknown device '{pref}' (use one of {', '.join(DEVICES)})")
    if pref in ("auto", "cpu"):
        return pref
    avail = ["cpu"] if "torch" not in sys.modules and cpu_only_build() else available_devices()  # no torch needed
    if pref not in avail:
        raise StudioError(f"device '{pref}' is not available on this machine (available: {', '.join(avail)})")
    return pref


def setting_problem(pref: str | None, setting: str = "device") -> str | None:
    """Why a node's device setting (``setting``) cannot be used on this machine, said for the
    artist, or None: a graph saved on a GPU machine and opened on a laptop is told so at validate
    and before anything loads, the same in a fresh process and after other runs."""
    pref = (pref or "auto").lower()
    try:
        check_device(pref)
    except StudioError as e:
        if pref not in DEVICES:
            return f"'{setting}': {e}"
        have = ", ".join(["cpu"] if "torch" not in sys.modules and cpu_only_build() else available_devices())
        return (f"'{setting}' is {pref}, which this machine does not have (it has: {have}): set '{setting}' to auto "
                "(the graph's device) or to one it has")
    return None


def resolve_device(pref: str | None) -> "torch.device":  # noqa: F821
    torch = torch_module()
    pref = check_device(pref)
    return torch.device(available_devices()[0] if pref == "auto" else pref)


@functools.lru_cache(maxsize=1)
def cpu_only_build() -> bool:
    """Whether the installed torch can only ever use the CPU (built without CUDA and ROCm, and not
    on macOS, where MPS may be there), read from its version file without importing it."""
    if sys.platform == "darwin":
        return False
    import importlib.util
    import re
    try:
        spec = importlib.util.find_spec("torch")
        folder = list(spec.submodule_search_locations or [])[0] if spec is not None else None
        with open(os.path.join(folder, "version.py"), encoding="utf-8") as f:
            text = f.read()
    except (ImportError, ValueError, IndexError, TypeError, OSError):
        return False
    none = r"^{}\b[^=\n]*=\s*None\s*$"
    return all(re.search(none.format(k), text, re.M) for k in ("cuda", "hip"))


def device_name(pref: str | None) -> str:
    """The device ``pref`` resolves to, by name ("cpu", "cuda", "mps"). torch is imported only
    when the answer needs it: a CPU-only torch, or "cpu" asked for, never does (a render worker
    whose graph uses no torch node then never loads it)."""
    pref = check_device(pref)
    if pref == "cpu" or (pref == "auto" and "torch" not in sys.modules and cpu_only_build()):
        return "cpu"
    return str(resolve_device(pref))


def plan_device(pref: str | None) -> str:
    """The device a run's plan carries, by name, resolved only as far as it can be without
    importing torch or starting CUDA: a graph whose nodes never ask for a device (OpenCV/numpy
    only) then never loads torch, whatever the setting (issue 28: on a GPU machine, starting CUDA
    for such a graph cost 4 s). A node that asks (``ctx.device``) resolves and checks it then.

    "cpu" stays "cpu"; "cuda"/"mps" are refused at once where the answer is known without torch
    (a CPU-only torch build) or cheap (torch already loaded), else checked when a node first asks;
    "auto" is resolved where that is known or cheap, else stays "auto" (the same device for every
    node of this process, resolved when the first one asks)."""
    pref = (pref or "auto").lower()
    if pref not in DEVICES:
        raise StudioError(f"unknown device '{pref}' (use one of {', '.join(DEVICES)})")
    if pref == "cpu":
        return pref
    known = "torch" in sys.modules or cpu_only_build()
    if pref == "auto":
        return device_name(pref) if known else "auto"
    if known:
        check_device(pref)
    return pref


_worker_threads: int | None = None
_interactive = False
RUN_NICENESS = 5  # how much lower a pretrained run's thread (and its torch threads) is scheduled


def configure_threads(interactive: bool) -> int:
    """Torch (and the video encoder) on all cores, or all but one while a window must stay
    responsive (measured: with another process busy, two torch threads made training steps ten
    times slower than one). A pretrained model's run in a window takes every core all the same
    (:func:`threads_for_run`)."""
    global _worker_threads, _interactive
    n = os.cpu_count() or 1
    want = max(1, n - 1) if interactive else n
    _worker_threads = want
    _interactive = bool(interactive)
    _torch_threads(want)
    return want


def threads_for_run(pretrained: bool) -> int:
    """Called on a run's own thread as it starts (the window's worker; torch's thread count is
    that thread's own). A run of a pretrained model in the window (minutes on the CPU) uses every
    core, as the command line does, and runs at a lower priority so the window still answers at
    once: the cores are the run's while the window is idle, the window's when it is used
    (issue 35: a tiny SVD estimated 9 minutes on one of two cores). Other runs keep the policy
    (all cores but one). The count is fixed for the whole run: the same frames whatever the
    artist does meanwhile. Returns the threads set (0: torch not loaded, nothing done)."""
    if "torch" not in sys.modules:
        if not pretrained:
            return 0
        import torch  # noqa: F401 - a pretrained model needs it: its thread count is set before the first op
    n = os.cpu_count() or 1
    want = n if (pretrained or not _interactive) else (_worker_threads or max(1, n - 1))
    if pretrained and _interactive and want > (_worker_threads or want):
        lower_this_thread(RUN_NICENESS)
    sys.modules["torch"].set_num_threads(want)
    return want


def lower_this_thread(by: int) -> bool:
    """Lower the calling thread's scheduling priority (Linux: a thread's nice value, which the
    threads it starts inherit: torch's OpenMP team). False where that cannot be done."""
    import threading
    try:
        tid = threading.get_native_id()
        if not sys.platform.startswith("linux"):
            return False
        os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + by))
        return True
    except (OSError, AttributeError):
        return False


def _torch_threads(n: int) -> None:
    """torch's thread count: now if it is loaded, else when the engine first imports it (see
    torch_module): start-up does not wait for it."""
    global _threads_pending
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(n)
    else:
        _threads_pending = n


_threads_pending: int | None = None


def set_threads(n: int) -> None:
    """Use ``n`` threads for torch, OpenCV and the encoders in this process (a render worker's
    share of the cores). torch is not imported for it: a graph that never needs torch does not
    pay for its import (about 1 s per worker); OMP_NUM_THREADS covers a torch a node imports
    itself."""
    global _worker_threads
    _worker_threads = n
    import cv2
    cv2.setNumThreads(n)
    if "torch" not in sys.modules:
        os.environ["OMP_NUM_THREADS"] = str(n)
        os.environ["MKL_NUM_THREADS"] = str(n)
    _torch_threads(n)


def torch_module():
    """torch, imported on first use (~1.5 s: validate and the window's start-up never need it),
    with the thread policy :func:`configure_threads` chose before it was imported."""
    global _threads_pending
    import torch
    if _threads_pending is not None:
        torch.set_num_threads(_threads_pending)
        _threads_pending = None
    return torch


def encoder_threads() -> int:
    """Threads of a video encoder: the machine's cores (at most 16), not the thread policy: the
    count changes an encoder's decisions, and the same graph must give the same file in the window
    (all cores but one) and on the command line (all cores)."""
    return max(1, min(16, os.cpu_count() or 1))


def worker_threads() -> int:
    """Threads heavy native work (encoders, decoders) may use: the configured policy, else all."""
    return _worker_threads or (os.cpu_count() or 1)


def engine_loaded() -> bool:
    """Whether torch is imported yet (the window says "loading the engine…" while a first run
    imports it)."""
    return "torch" in sys.modules


def known_devices() -> list[str]:
    """The devices to offer without importing torch: all of them once torch is loaded, else
    only the CPU (the window adds the others when the engine has loaded)."""
    return available_devices() if engine_loaded() else ["cpu"]


def describe_device(pref: str | None) -> str:
    """The device a run would use, for a status bar: resolved once torch is loaded, else the
    setting itself (checking "cuda" needs torch)."""
    if engine_loaded():
        return str(resolve_device(pref))
    pref = (pref or "auto").lower()
    if pref not in DEVICES:
        raise StudioError(f"unknown device '{pref}' (use one of {', '.join(DEVICES)})")
    return pref
