"""Loaded models, kept between runs (like ComfyUI's model management).

A pretrained video model is gigabytes of weights that take seconds (a cold disk: minutes) to read
and move to the device. The output cache (:mod:`studio.engine.cache`) is a host-RAM budget for
results and would refuse a model larger than it, so every run would load the model again. Models
live here instead:

* keyed by the loader's *model key*: its node type, parameters, device and the fingerprints of the
  weight files (not its seed, nor its place in the graph), so a second run, another graph or a
  second loader naming the same model never loads it again;
* budgeted by the memory of the device that holds them (CUDA: ``torch.cuda.mem_get_info`` plus what
  torch's allocator holds free; CPU: the host's available RAM): before a model is loaded, the
  least recently used models *on the same device* are unloaded until the new one fits (beside a
  reserve for activations), and only then. Switching models on a small GPU thus frees the old
  one; on a large one both stay;
* not counted against the output cache;
* shareable by several executors (the window's and its Queue's, studio/ui/window/queue_dock.py): a
  model a run uses (:meth:`ModelCache.hold`) is never unloaded by another executor's room-making nor
  by Clear until that run lets go.

An unloaded model is released for good (its tensors are moved to the ``meta`` device by the
value's ``release()``), so a reference kept elsewhere (the window's last outputs) cannot hold its
memory; the executor also drops the output-cache entries that refer to it.

The rule for everything that uses a cached model (generators, the Video LoRA node, the LoRA
trainer): **a cached model is never left modified.** It is shared by every run and every branch,
so a node that changes it (LoRA adapters, fused weights, a training step, hooks, a different
device or dtype) must undo the change before it returns, on success, error or cancel alike (a
``try/finally``). The Video LoRA node only records the LoRA on a copy of the reference; the
generator loads the adapters when it samples and unloads them in its ``finally``. A node that
needs a changed model for longer (training) works on its own copy of the weights it changes.

Plain Python: torch is used only when it is already loaded (a model exists only then)."""
from __future__ import annotations

import gc
import os
import sys
import threading
import time
from collections import Counter, OrderedDict
from dataclasses import dataclass
from typing import Any, Callable, Hashable

GiB = 1 << 30
RESERVE = {"cuda": 2 * GiB, "mps": 2 * GiB, "cpu": 2 * GiB}  # kept free beside the models (activations)


@dataclass
class ModelEntry:
    key: Hashable
    value: Any  # the loader's outputs (a dict of port -> value)
    device: str  # where the weights live: "cuda:0", "cpu", "mps"
    nbytes: int
    seconds: float  # how long it took to load
    last_used: float = 0.0


# -- loads that go on after a Stop ----------------------------------------------------------------
_BACKGROUND: list[tuple[threading.Thread, str]] = []  # (the loading thread, what it loads)


def background_load(thread: threading.Thread, what: str) -> None:
    """A load Stop could not interrupt (reading weights) goes on in ``thread``: the next run waits
    for it (:func:`wait_for_background_loads`)."""
    _BACKGROUND.append((thread, what))


def wait_for_background_loads(say: Callable[[str], None], check: Callable[[], None]) -> float:
    """Wait for the loads a Stop left running, saying so; ``check`` raises when this run is stopped
    too. Why wait: diffusers loads inside accelerate's ``init_empty_weights``, which patches
    ``torch.nn.Module`` for every thread, so a model made meanwhile (by any node) would get
    parameters with no data. Seconds waited."""
    t0 = time.perf_counter()
    while _BACKGROUND:
        thread, what = _BACKGROUND[0]
        if thread.is_alive():
            say(f"waiting for the load of {what}, stopped earlier, to end (reading weights cannot be "
                "interrupted, and a model made while it runs would be broken)")
            while thread.is_alive():
                thread.join(0.05)
                check()
        _BACKGROUND.pop(0)
    return time.perf_counter() - t0


def device_kind(device: str) -> str:
    return str(device).split(":")[0]


def host_available() -> int:
    """Bytes of host RAM the system can give without swapping (MemAvailable)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        import psutil  # macOS, Windows: where there is no /proc
        return int(psutil.virtual_memory().available)
    except ImportError:  # pragma: no cover
        pages, size = os.sysconf("SC_AVPHYS_PAGES"), os.sysconf("SC_PAGE_SIZE")
        return int(pages * size)


def device_free(device: str) -> int:
    """Bytes a new model could take on ``device`` now: the device's free memory plus what torch's
    caching allocator holds but does not use, and never more than a cap this process was given
    (``torch.cuda.set_per_process_memory_fraction``: how a benchmark stands a big card in for a
    24 GB one, and how a user shares a card; the device's own free figure does not see it)."""
    kind = device_kind(device)
    torch = sys.modules.get("torch")
    if kind in ("cuda", "mps") and torch is not None:
        from .device import available_devices
        if kind not in available_devices():  # a setting for a device this machine lacks: its node says so
            return 0
    if kind == "cuda" and torch is not None:
        idx = torch.device(device).index
        idx = torch.cuda.current_device() if idx is None else idx
        free, total = torch.cuda.mem_get_info(idx)
        allocated = torch.cuda.memory_allocated(idx)
        room = int(free + torch.cuda.memory_reserved(idx) - allocated)
        fraction = getattr(torch.cuda, "get_per_process_memory_fraction", None)
        if fraction is not None:
            room = min(room, int(fraction(idx) * total) - allocated)
        return max(0, room)
    if kind == "mps" and torch is not None:
        return int(torch.mps.recommended_max_memory() - torch.mps.driver_allocated_memory())
    return host_available()


def empty_device_cache(device: str) -> None:
    """Give the allocator's free blocks back to the device (after an unload or a cancelled run)."""
    torch = sys.modules.get("torch")
    if torch is None:
        return
    kind = device_kind(device)
    if kind == "cuda" and torch.cuda.is_initialized():
        torch.cuda.empty_cache()
    elif kind == "mps":
        torch.mps.empty_cache()


def _values(e: ModelEntry) -> tuple:
    """The loader's outputs an entry holds (a dict of port -> value, or one value)."""
    return tuple(e.value.values()) if isinstance(e.value, dict) else (e.value,)


def _held_on(e: ModelEntry) -> set[str]:
    """The device kinds an entry's weights take memory on: where they live, and any device a value
    says it also holds some on (``held_on``: a video model under block offload lives on the host but
    keeps the blocks that fit on the GPU), so making room there can unload it too."""
    kinds = {device_kind(e.device)}
    for v in _values(e):
        held = getattr(v, "held_on", None)
        if held:
            kinds.add(device_kind(str(held)))
    return kinds


class ModelCache:
    """Loaded models by model key, budgeted by device memory. Thread-safe.

    ``free_bytes(device)`` says how much a device can still take (tests pass their own);
    ``reserve`` maps a device kind to bytes kept free beside the models."""

    def __init__(self, free_bytes: Callable[[str], int] | None = None, reserve: dict[str, int] | None = None):
        self.free_bytes = free_bytes or device_free
        self.reserve = dict(RESERVE if reserve is None else reserve)
        self._d: OrderedDict[Hashable, ModelEntry] = OrderedDict()
        self._lock = threading.RLock()
        self.on_unload: list[Callable[[ModelEntry], None]] = []  # called with each unloaded entry
        self._held: Counter = Counter()  # key -> runs using it now (hold / let_go)
        self.loads = 0
        self.hits = 0
        self.unloads = 0

    def hold(self, key: Hashable) -> None:
        """A run uses the model under ``key`` (loaded or about to be): no other run's room-making and no
        :meth:`clear` unloads it until the run lets go (:meth:`let_go`)."""
        with self._lock:
            self._held[key] += 1

    def let_go(self, keys) -> None:
        """A run that held ``keys`` ended."""
        with self._lock:
            self._held.subtract(keys)
            for k in [k for k, n in self._held.items() if n <= 0]:
                del self._held[k]

    def held(self, key: Hashable) -> bool:
        with self._lock:
            return self._held.get(key, 0) > 0

    def __contains__(self, key: Hashable) -> bool:
        with self._lock:
            return key in self._d

    def __len__(self) -> int:
        return len(self._d)

    def entries(self) -> list[ModelEntry]:
        with self._lock:
            return list(self._d.values())

    def bytes_on(self, device: str) -> int:
        with self._lock:
            return sum(e.nbytes for e in self._d.values() if device_kind(e.device) == device_kind(device))

    def get(self, key: Hashable) -> Any:
        e = self.entry(key)
        return None if e is None else e.value

    def entry(self, key: Hashable) -> ModelEntry | None:
        """The entry held under ``key`` (a hit: it becomes the most recently used), or None."""
        with self._lock:
            e = self._d.get(key)
            if e is None:
                return None
            self._d.move_to_end(key)
            e.last_used = time.monotonic()
            self.hits += 1
            return e

    def put(self, key: Hashable, value: Any, device: str, nbytes: int, seconds: float = 0.0) -> None:
        with self._lock:
            old = self._d.pop(key, None)
            if old is not None and old.value is not value:
                self._unload(old)
            self._d[key] = ModelEntry(key, value, str(device), int(nbytes), seconds, time.monotonic())
            self.loads += 1

    def make_room(self, device: str, need: int, keep=()) -> list[Hashable]:
        """Unload the least recently used models on ``device``'s kind until ``need`` bytes (and the
        reserve) are free there, never those in ``keep`` (the models the run going on uses).
        Returns the keys unloaded (none when the device has room)."""
        kind = device_kind(device)
        gone: list[Hashable] = []
        with self._lock:
            want = int(need) + self.reserve.get(kind, 0)
            while self.free_bytes(device) < want:
                victim = next((k for k, e in self._d.items()
                               if k not in keep and k not in self._held and kind in _held_on(e)), None)
                if victim is None:
                    break
                self._unload(self._d.pop(victim))
                gone.append(victim)
                gc.collect()
                empty_device_cache(device)
        return gone

    def unload(self, key: Hashable) -> bool:
        with self._lock:
            e = self._d.pop(key, None)
        if e is None:
            return False
        self._unload(e)
        gc.collect()
        empty_device_cache(e.device)
        return True

    def clear(self) -> list[ModelEntry]:
        """Every model unloaded but those a run uses now (:meth:`hold`); returns those unloaded."""
        with self._lock:
            entries = [e for k, e in self._d.items() if k not in self._held]
            for e in entries:
                del self._d[e.key]
        if not entries:  # nothing unloaded: no full collection (0.3 s in a process holding torch and diffusers)
            return entries
        for e in entries:
            self._unload(e)
        gc.collect()
        for dev in {e.device for e in entries}:
            empty_device_cache(dev)
        return entries

    def unload_all(self) -> tuple[int, int]:
        """Every model unloaded (but those a run uses now) and the host memory its weights held given
        back to the system (Run > Pause): (models, bytes) unloaded."""
        entries = self.clear()
        from .memory import give_back
        give_back()  # the C allocator keeps what torch freed until asked
        return len(entries), sum(e.nbytes for e in entries)

    def _unload(self, e: ModelEntry) -> None:
        self.unloads += 1
        for cb in list(self.on_unload):
            cb(e)
        for v in _values(e):
            release = getattr(v, "release", None)
            if callable(release):
                release()


def module_bytes(value: Any) -> int:
    """Bytes of the parameters and buffers of the torch modules in ``value`` (a ModelRef, a
    diffusers pipeline, a module, or a dict of those), each tensor counted once."""
    torch = sys.modules.get("torch")
    if torch is None:
        return 0
    seen: set[int] = set()
    total = 0

    def add(m) -> None:
        nonlocal total
        for t in list(m.parameters()) + list(m.buffers()):
            if id(t) not in seen and t.device.type != "meta":
                seen.add(id(t))
                total += t.element_size() * t.nelement()

    def walk(v, depth=0) -> None:
        if depth > 6 or v is None:
            return
        if isinstance(v, torch.nn.Module):
            add(v)
        elif isinstance(v, dict):
            for x in v.values():
                walk(x, depth + 1)
        elif hasattr(v, "components") and isinstance(getattr(v, "components"), dict):  # a diffusers pipeline
            walk(v.components, depth + 1)
        elif hasattr(v, "module"):
            walk(v.module, depth + 1)
    walk(value)
    return total


def setup_of(outs: Any) -> str:
    """What loading did on the device, in plain words, from the first output that says it
    (``ModelRef.setup``): shown under the loader with its model's status."""
    for v in (outs.values() if isinstance(outs, dict) else (outs,)):
        words = getattr(v, "setup", None)
        if callable(words):
            try:
                text = words()
            except Exception:  # noqa: BLE001 - a courtesy line must never fail a run
                continue
            if text:
                return text
    return ""
