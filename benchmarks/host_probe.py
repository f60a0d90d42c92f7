"""What the host was doing while a streamed run ran (issue 73).

On the H200 (2026-11-26, second lease) the same 12 GB plan (fp8+block_offload, 15 of 40 blocks kept)
took 1.45x the all-on-GPU time as its process's first streamed run and 1.14x as its third, each
denoiser call steady within a run (1462-1553 ms against 1164-1206 ms): the slow run loses about
16 ms per streamed block per call, about one whole H2D copy of a block, as if no copy overlapped.
Its expandable-segments twin was as slow (1.46x), so the GPU allocator's fragments are not it. What
is left is on the host, and this records it for each timed call:

* the H2D bandwidth from the run's own pinned block copies (diffusers' ``cpu_param_dict``) against a
  freshly pinned and a pageable buffer of the same size (a slow pinned copy: where the pages lie);
* the host time spent in diffusers' onloads and, of it, waiting in ``Stream.synchronize`` (a host
  that waits on every copy is one the GPU waits on);
* the machine's memory and CPU while the call ran (/proc: available memory, swap, reclaim and
  compaction counters, the share of the CPUs busy; the process's own CPU time and Python's garbage
  collections; the pinned bytes torch holds).

On the third H200 lease (2026-11-27) these figures were the same in the slow and the fast runs (the host
waited 0.1-0.2 s, the pinned copies ran at 54 GB/s): the time is lost on the card (gpu_probe.py).

Plain functions, no GPU needed to import; what needs CUDA says so by returning nothing."""
from __future__ import annotations

import gc
import os
import time
from contextlib import contextmanager

VMSTAT_KEYS = ("pgmajfault", "pswpin", "pswpout", "compact_stall", "pgscan_kswapd", "pgscan_direct",
               "thp_fault_alloc", "thp_collapse_alloc")


MEMINFO_KEYS = ("MemTotal", "MemAvailable", "Cached", "SwapTotal", "SwapFree", "Mlocked", "AnonHugePages")


def _proc_table(path: str, sep: str, keys) -> dict:
    """{key: the first number after it} for ``keys`` in a /proc table of "key<sep> number ..." lines
    (none where there is no such file)."""
    out = {}
    try:
        with open(path) as fh:
            for line in fh:
                k, _, rest = line.partition(sep)
                if k in keys:
                    out[k] = int(rest.split()[0])
    except OSError:
        pass
    return out


def meminfo(path: str = "/proc/meminfo") -> dict:
    """{MemAvailable, SwapFree, Cached, ...} in GiB (what is there)."""
    return {k: round(v / 2 ** 20, 2) for k, v in _proc_table(path, ":", MEMINFO_KEYS).items()}


def vmstat(path: str = "/proc/vmstat") -> dict:
    return _proc_table(path, " ", VMSTAT_KEYS)


def cpu_ticks(path: str = "/proc/stat") -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs since boot."""
    try:
        with open(path) as fh:
            f = [int(x) for x in fh.readline().split()[1:]]
    except (OSError, ValueError):
        return 0, 0
    idle = f[3] + (f[4] if len(f) > 4 else 0)
    return sum(f) - idle, sum(f)


class Window:
    """The machine between :meth:`start` and :meth:`stop`: CPUs busy (share), this process's CPU
    seconds, the vmstat counters' deltas, memory at both ends."""

    def start(self) -> None:
        self.gc_s, self.gc_n, self._gc_t = 0.0, 0, 0.0
        gc.callbacks.append(self._gc)
        self.t0, self.cpu0, self.vm0 = time.perf_counter(), cpu_ticks(), vmstat()
        self.proc0, self.mem0 = time.process_time(), meminfo()

    def _gc(self, phase: str, info: dict) -> None:
        """Python's garbage collections while inside (a host slowed by collections over many objects)."""
        if phase == "start":
            self._gc_t = time.perf_counter()
        else:
            self.gc_s += time.perf_counter() - self._gc_t
            self.gc_n += 1

    def stop(self) -> dict:
        wall = time.perf_counter() - self.t0
        if self._gc in gc.callbacks:
            gc.callbacks.remove(self._gc)
        b1, t1 = cpu_ticks()
        vm1 = vmstat()
        dt = t1 - self.cpu0[1]
        return {"cpus_busy": round((b1 - self.cpu0[0]) / dt, 3) if dt > 0 else None,
                "cpus": os.cpu_count(), "gc_collections": self.gc_n, "gc_s": round(self.gc_s, 3),
                "process_cpu_per_wall": round((time.process_time() - self.proc0) / wall, 2) if wall > 0 else None,
                "vmstat_delta": {k: vm1[k] - self.vm0.get(k, 0) for k in vm1 if vm1[k] != self.vm0.get(k, 0)},
                "mem_before_gib": self.mem0, "mem_after_gib": meminfo()}


def offload_groups(module) -> list:
    """diffusers' ModuleGroups under ``module`` that hold pinned host copies (block offload with
    streams), in module order, each once."""
    seen, out = set(), []
    for m in module.modules():
        reg = getattr(m, "_diffusers_hook", None)
        hook = reg.get_hook("group_offloading") if reg is not None else None
        group = getattr(hook, "group", None)
        if group is not None and getattr(group, "cpu_param_dict", None) and id(group) not in seen:
            seen.add(id(group))
            out.append(group)
    return out


def h2d_gbps(tensors: list, device="cuda", reps: int = 3) -> float | None:
    """GB/s of copying ``tensors`` (host) to ``device`` on a side stream, best of ``reps``."""
    import torch
    if not tensors or not torch.cuda.is_available():
        return None
    n = sum(t.numel() * t.element_size() for t in tensors)
    stream = torch.cuda.Stream()
    best = None
    for _ in range(reps):
        a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        with torch.cuda.stream(stream):
            a.record()
            got = [t.to(device, non_blocking=True) for t in tensors]
            b.record()
        b.synchronize()
        ms = a.elapsed_time(b)
        del got
        best = ms if best is None else min(best, ms)
    return round(n / (best / 1000) / 1e9, 1) if best else None


def bandwidth(module) -> dict:
    """H2D GB/s from the first streamed block's own pinned copies, from a buffer of the same size
    pinned now, and from a pageable one (nothing without CUDA or streamed blocks)."""
    import torch
    groups = offload_groups(module)
    if not groups or not torch.cuda.is_available():
        return {}
    own = [t for t in groups[0].cpu_param_dict.values() if t.device.type == "cpu"]
    n = sum(t.numel() * t.element_size() for t in own)
    fresh = torch.empty(n, dtype=torch.uint8, pin_memory=True)
    pageable = torch.empty(n, dtype=torch.uint8)
    pageable.fill_(1)
    out = {"block_mb": round(n / 2 ** 20, 1), "streamed_groups": len(groups),
           "own_pinned_gbps": h2d_gbps(own), "all_pinned": all(t.is_pinned() for t in own),
           "fresh_pinned_gbps": h2d_gbps([fresh]), "pageable_gbps": h2d_gbps([pageable])}
    stats = getattr(torch.cuda, "host_memory_stats", None)
    if stats is not None:
        try:
            s = stats()
            out["host_pinned_gib"] = round(s.get("allocated_bytes.current", s.get("allocated_bytes", 0)) / 2 ** 30, 2)
            out["host_pinned_reserved_gib"] = round(s.get("reserved_bytes.current", 0) / 2 ** 30, 2)
        except Exception:  # noqa: BLE001 - a statistic, not the measurement
            pass
    return out


@contextmanager
def onload_clock(into: dict):
    """While inside: the host seconds spent in diffusers' ``ModuleGroup.onload_``, how many onloads, and the
    host seconds in ``torch.cuda.Stream.synchronize`` (waiting for the side stream, wherever it is called:
    inside the onloads and in diffusers' pre-forward hooks); written to ``into`` on leaving. Patches the two
    methods on their classes for the block's duration."""
    import torch
    from diffusers.hooks.group_offloading import ModuleGroup
    acc = {"onloads": 0, "onload_s": 0.0, "sync_s": 0.0}
    orig_onload, orig_sync = ModuleGroup.onload_, torch.cuda.Stream.synchronize

    def onload_(self, *a, **k):
        t = time.perf_counter()
        try:
            return orig_onload(self, *a, **k)
        finally:
            acc["onloads"] += 1
            acc["onload_s"] += time.perf_counter() - t

    def synchronize(self, *a, **k):
        t = time.perf_counter()
        try:
            return orig_sync(self, *a, **k)
        finally:
            acc["sync_s"] += time.perf_counter() - t

    ModuleGroup.onload_, torch.cuda.Stream.synchronize = onload_, synchronize
    try:
        yield acc
    finally:
        ModuleGroup.onload_, torch.cuda.Stream.synchronize = orig_onload, orig_sync
        into.update({k: round(v, 3) if isinstance(v, float) else v for k, v in acc.items()})
