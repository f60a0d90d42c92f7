"""Device choice (CUDA, then MPS, then CPU) and torch thread policy."""
from __future__ import annotations

import functools
import os

import torch

from studio.core.errors import StudioError

DEVICES = ("auto", "cpu", "cuda", "mps")


@functools.lru_cache(maxsize=1)
def _available() -> tuple[str, ...]:
    out = ["cpu"]
    if torch.cuda.is_available():
        out.insert(0, "cuda")
    if getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
        out.insert(0 if "cuda" not in out else 1, "mps")
    return tuple(out)


def available_devices() -> list[str]:
    """Devices torch can use here, best first (the first call costs ~40 ms; then cached)."""
    return list(_available())


def resolve_device(pref: str | None) -> torch.device:
    pref = (pref or "auto").lower()
    if pref not in DEVICES:
        raise StudioError(f"unknown device '{pref}' (use one of {', '.join(DEVICES)})")
    avail = available_devices()
    if pref == "auto":
        return torch.device(avail[0])
    if pref not in avail:
        raise StudioError(f"device '{pref}' is not available on this machine (available: {', '.join(avail)})")
    return torch.device(pref)


_worker_threads: int | None = None


def configure_threads(interactive: bool) -> int:
    """Torch (and the video encoder) on all cores, or all but one while a window must stay
    responsive (measured: with another process busy, two torch threads made training steps ten
    times slower than one)."""
    global _worker_threads
    n = os.cpu_count() or 1
    want = max(1, n - 1) if interactive else n
    torch.set_num_threads(want)
    _worker_threads = want
    return want


def worker_threads() -> int:
    """Threads heavy native work (encoders, decoders) may use: the configured policy, else all."""
    return _worker_threads or (os.cpu_count() or 1)
