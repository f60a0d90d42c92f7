"""What the GPU was doing while a streamed run ran (issue 73), beside host_probe.py's host figures.

On the H200 (2026-11-27) the host probe cleared the host: the same 12 GB plan took 1.45-1.49x as its
process's first streamed run and 1.13-1.15x later, with the host waiting 0.1-0.2 s in ~400 onloads in
both, the run's own pinned copies at 54 GB/s in both, and the host's time per denoiser call equal to
the GPU's (1550-1570 ms slow, 1180-1200 ms fast). ``nvidia-smi`` sampled every 0.5 s told what the
card did: in a fast run it drew 620-700 W throughout (one sample in three at the call's boundary still
20-38 % busy); in the slow run one sample in three was 3-10 % busy (the card idle most of that half
second) and the busy ones drew 340-500 W. So in every slow call the card waits about a third of a
second with no kernel running. On what, this records for each streamed row:

* the caching allocator's own counters over the timed call (``cudaMalloc``/``cudaFree`` made, whole-
  device synchronisations): an allocator at its cap that frees and re-maps segments stalls the card
  in every call (a ``cudaFree`` synchronises the device) without counting a retry;
* the card's power, utilisation and clock sampled by ``nvidia-smi`` every 100 ms (:class:`Sampler`);
* one denoiser call after the timed run, profiled (:func:`profile_call`): the runtime calls the host
  made (count and milliseconds: ``cudaFree``, ``cudaMalloc``, ``cudaStreamSynchronize``,
  ``cudaStreamWaitEvent`` ...), the kernels that took the longest, the H2D copies' time and the time
  the card ran no kernel within the call.

Plain functions: without CUDA or ``nvidia-smi`` the counters and samples are empty and a profiled call holds
the host's side alone; the summaries are pure
(:func:`summarize_events`, :func:`summarize_samples`), tested on the CPU."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess

ALLOCATOR_KEYS = {"num_device_alloc": "device_mallocs", "num_device_free": "device_frees",
                  "num_sync_all_streams": "syncs_all_streams"}  # the retries: each row's own alloc_retries
SMI_FIELDS = ("power.draw", "utilization.gpu", "clocks.sm")
IDLE_BELOW = 50  # a sample under this utilisation (%) counts as the card mostly idle


def allocator_counts(stats: dict | None = None) -> dict:
    """The caching allocator's counters since the last ``reset_accumulated_memory_stats``, from ``stats``
    (``torch.cuda.memory_stats()`` read by the caller) or read now ({} without CUDA)."""
    if stats is None:
        import torch
        if not torch.cuda.is_available():
            return {}
        stats = torch.cuda.memory_stats()
    return {name: int(stats.get(key, 0)) for key, name in ALLOCATOR_KEYS.items()}


def summarize_samples(lines) -> dict:
    """``nvidia-smi --format=csv,noheader,nounits`` lines of power (W), utilisation (%), SM clock (MHz):
    their means, the lowest power, and the share of samples under :data:`IDLE_BELOW` % busy."""
    rows = []
    for line in lines:
        try:
            p, u, c = (float(x) for x in line.split(",")[:3])
        except ValueError:
            continue
        rows.append((p, u, c))
    if not rows:
        return {}
    n = len(rows)
    return {"samples": n, "power_w": round(sum(r[0] for r in rows) / n, 1),
            "power_w_min": round(min(r[0] for r in rows), 1), "util_pct": round(sum(r[1] for r in rows) / n, 1),
            "idle_share": round(sum(r[1] < IDLE_BELOW for r in rows) / n, 3),
            "sm_mhz": round(sum(r[2] for r in rows) / n)}


class Sampler:
    """``nvidia-smi`` sampling the first GPU every ``ms`` between :meth:`start` and :meth:`stop`
    (nothing where there is no ``nvidia-smi``)."""

    def __init__(self, ms: int = 100, exe: str = "nvidia-smi"):
        self.ms, self.exe, self.proc = ms, shutil.which(exe), None

    def start(self) -> None:
        if self.exe is None:
            return
        self.proc = subprocess.Popen([self.exe, "-i", "0", f"--query-gpu={','.join(SMI_FIELDS)}",
                                      "--format=csv,noheader,nounits", f"-lms={self.ms}"],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                                     start_new_session=True)  # its own group: stop ends whatever it started

    def stop(self) -> dict:
        if self.proc is None:
            return {}
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            out, _ = self.proc.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            out, _ = self.proc.communicate()
        self.proc = None
        return summarize_samples(out.splitlines())


def _gaps_us(spans) -> list[float]:
    """Microseconds of each gap between the union of (start, end) spans, in order."""
    gaps, end = [], None
    for a, b in sorted(spans):
        if end is not None and a > end:
            gaps.append(a - end)
        end = b if end is None else max(end, b)
    return gaps


def summarize_events(events, top: int = 6) -> dict:
    """One profiled call from ``events``, (name, on_device, start_us, end_us) each: the runtime calls
    (names starting ``cuda``, on the host) by count and milliseconds, the ``top`` kernels by device
    milliseconds, the H2D copies' milliseconds, the milliseconds of the device span with no
    kernel running (``idle_ms``; copies are not kernels) and how many of those gaps were 1 ms or more,
    with their milliseconds (``gaps_over_1ms``)."""
    runtime, kernels, copies, spans, host = {}, {}, [0, 0.0], [], {}
    for name, on_device, a, b in events:
        ms = (b - a) / 1000
        if on_device:
            if "memcpy" in name.lower() and ("htod" in name.lower() or "host to device" in name.lower()):
                copies[0] += 1
                copies[1] += ms
            elif "memcpy" not in name.lower() and "memset" not in name.lower():
                k = kernels.setdefault(name, [0, 0.0])
                k[0] += 1
                k[1] += ms
                spans.append((a, b))
        elif name.startswith("cuda"):
            r = runtime.setdefault(name, [0, 0.0])
            r[0] += 1
            r[1] += ms
        else:  # the host's own ops (nested: aten::linear holds its aten::addmm)
            h = host.setdefault(name, [0, 0.0])
            h[0] += 1
            h[1] += ms
    out = {"runtime": {k: [n, round(ms, 1)] for k, (n, ms) in sorted(runtime.items(), key=lambda kv: -kv[1][1])},
           "kernels": {k[:60]: [n, round(ms, 1)] for k, (n, ms) in
                       sorted(kernels.items(), key=lambda kv: -kv[1][1])[:top]},
           "h2d": [copies[0], round(copies[1], 1)],
           "host_ops": {k[:60]: [n, round(ms, 1)] for k, (n, ms) in
                        sorted(host.items(), key=lambda kv: -kv[1][1])[:top + 4]}}
    if spans:
        gaps = _gaps_us(spans)
        big = [g for g in gaps if g >= 1000]
        out["span_ms"] = round((max(b for _, b in spans) - min(a for a, _ in spans)) / 1000, 1)
        out["idle_ms"] = round(sum(gaps) / 1000, 1)
        out["gaps_over_1ms"] = [len(big), round(sum(big) / 1000, 1)]  # one per streamed block, or one long wait
    return out


def _events(prof) -> list:
    """(name, on_device, start_us, end_us) of a torch profiler's events."""
    from torch.autograd import DeviceType
    out = []
    for e in prof.events():
        tr = getattr(e, "time_range", None)
        if tr is None:
            continue
        out.append((e.name, getattr(e, "device_type", None) == DeviceType.CUDA, tr.start, tr.end))
    return out


def profile_call(module, run, index: int = 1, sync: bool = True) -> dict:
    """Run ``run()`` with the ``index``-th forward of ``module`` (0 the first) profiled (the host's runtime
    calls and, with CUDA, the card's kernels and copies), summarised by :func:`summarize_events` ({} when
    ``module`` ran fewer times). ``sync``: the card emptied before the profiled forward (False: profiled as it
    comes, the host ahead of the card as in a run; kernels queued before it are not in its figures)."""
    import torch
    from torch.profiler import ProfilerActivity, profile
    cuda = torch.cuda.is_available()
    acts = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if cuda else [])
    state = {"n": 0, "prof": None, "done": None}
    sync_before = sync

    def sync():
        if cuda:
            torch.cuda.synchronize()

    def pre(*_a):
        if state["n"] == index:
            if sync_before:
                sync()
            state["prof"] = profile(activities=acts)
            state["prof"].__enter__()

    def post(*_a):
        if state["n"] == index and state["prof"] is not None:
            sync()
            state["prof"].__exit__(None, None, None)
            state["done"] = state["prof"]
        state["n"] += 1

    hooks = [module.register_forward_pre_hook(pre), module.register_forward_hook(post)]
    try:
        run()
    finally:
        for h in hooks:
            h.remove()
    return summarize_events(_events(state["done"])) if state["done"] is not None else {}


def timed_under_profiler(run) -> float:
    """Seconds of ``run()`` with torch's profiler recording the host and, with CUDA, the card (CUPTI) all through,
    the card synchronised at both ends; the events are dropped unread."""
    import time

    import torch
    from torch.profiler import ProfilerActivity, profile
    cuda = torch.cuda.is_available()
    acts = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if cuda else [])
    if cuda:
        torch.cuda.synchronize()
    with profile(activities=acts):
        t = time.perf_counter()
        run()
        if cuda:
            torch.cuda.synchronize()
        took = time.perf_counter() - t
    return took
