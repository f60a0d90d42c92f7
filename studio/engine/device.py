"""Device choice (CUDA, then MPS, then CPU) and torch thread policy."""
from __future__ import annotations

import functools
import os
import sys

from studio.core.errors import StudioError

DEVICES = ("auto", "cpu", "cuda", "mps")


@functools.lru_cache(maxsize=1)
def _available() -> tuple[str, ...]:
    torch = _torch()
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
    avail = available_devices()
    if pref not in avail:
        raise StudioError(f"device '{pref}' is not available on this machine (available: {', '.join(avail)})")
    return pref


def resolve_device(pref: str | None) -> "torch.device":  # noqa: F821
    torch = _torch()
    pref = check_device(pref)
    return torch.device(available_devices()[0] if pref == "auto" else pref)


_worker_threads: int | None = None


def configure_threads(interactive: bool) -> int:
    """Torch (and the video encoder) on all cores, or all but one while a window must stay
    responsive (measured: with another process busy, two torch threads made training steps ten
    times slower than one)."""
    global _worker_threads
    n = os.cpu_count() or 1
    want = max(1, n - 1) if interactive else n
    _worker_threads = want
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(want)
    else:  # applied when the engine first imports torch (see _torch): start-up does not wait for it
        global _threads_pending
        _threads_pending = want
    return want


_threads_pending: int | None = None


def _torch():
    """torch, imported on first use (~1.5 s: validate and the window's start-up never need it),
    with the thread policy :func:`configure_threads` chose before it was imported."""
    global _threads_pending
    import torch
    if _threads_pending is not None:
        torch.set_num_threads(_threads_pending)
        _threads_pending = None
    return torch


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
