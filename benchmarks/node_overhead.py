"""Where a video-model node's time beyond diffusers' own call goes (issue 33's overhead aim:
LTX-Video 768x512x49 measured 1.077 on an H100, the aim is <= 1.02). ``bench_video_models.py
--real --ablate`` runs it after the node-against-direct comparison; ``--small`` checks it on a CPU.

Three views, so that one GPU call can tell the causes apart:

* **Variants**, each timed against the direct call (interleaved, median): the node as it is; with
  previews off; with the Stop hooks out (``RunGuard`` a no-op); with the decode rescue out
  (``DecodeRescue`` a pass-through); with all three out. A part whose removal closes the gap is the
  cause. Each row also splits the node's time into the pipeline call and the node's own work
  around it (the executor, the plan, the run-time records, the frames to the host).
* **Kernels**: one node run and one direct run under ``torch.profiler``: both totals of device
  time (CUDA kernels; on the CPU, the operators' own CPU time) and the operators that differ most.
  Equal kernel time with a longer wall means the node's host work or a sync, not its kernels.
* **Host profile**: cProfile of one node run, the functions with the most own time.
"""
from __future__ import annotations

import contextlib
import functools
import io
import time


class _Inert:
    """A context manager taking any arguments and doing nothing: what a part taken out leaves."""

    def __init__(self, *a, **k):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


class _NoGuard(_Inert):
    """RunGuard's interface, doing nothing: the node without its Stop hooks."""

    first_forward_start = None

    def step_done(self, *_a):
        pass

    def tick(self, *_a):
        pass

    def window_made(self, *_a):
        pass

    def decoding(self, *_a):
        pass


class _NoRescue(_Inert):
    """DecodeRescue's interface, passing the decode through: the node without the rescue."""

    kept = None
    light = False

    def finish(self):
        pass


@contextlib.contextmanager
def _patched(obj, name: str, value):
    old = getattr(obj, name)
    setattr(obj, name, value)
    try:
        yield
    finally:
        setattr(obj, name, old)


@contextlib.contextmanager
def variant(g, name: str):
    """The node with one part of its own work taken out (``name``: node, previews_off, no_guard,
    no_rescue, bare)."""
    from nodes.video_models.base import guard
    from nodes.video_models.sampling import sampler as sampling
    with contextlib.ExitStack() as st:
        if name in ("previews_off", "bare"):
            g.set_param("gen", "previews", False)
            st.callback(g.set_param, "gen", "previews", True)
        if name in ("no_guard", "bare"):
            st.enter_context(_patched(guard, "RunGuard", _NoGuard))
        if name in ("no_rescue", "bare"):
            st.enter_context(_patched(sampling, "DecodeRescue", _NoRescue))
        yield


@contextlib.contextmanager
def call_timer(pipe_cls, box: list):
    """Adds each ``pipe_cls.__call__``'s wall time (synchronised by the caller's ``sync``) to ``box``."""
    orig = pipe_cls.__call__

    @functools.wraps(orig)
    def timed(self, *a, **k):
        t0 = time.perf_counter()
        try:
            return orig(self, *a, **k)
        finally:
            box.append(time.perf_counter() - t0)
    pipe_cls.__call__ = timed
    try:
        yield
    finally:
        pipe_cls.__call__ = orig


def _med(x: list) -> float:
    return sorted(x)[len(x) // 2] if x else float("nan")


VARIANTS = ("node", "previews_off", "no_guard", "no_rescue", "bare")


def ablation(ex, g, pipe, kwargs: dict, seed: int, device: str, reps: int) -> dict:
    """The three views (module docstring) for the graph's generator ``gen`` and ``pipe`` called
    with ``kwargs`` (the node's own arguments, captured), on ``device``."""
    import torch
    sync = torch.cuda.synchronize if device == "cuda" else (lambda: None)
    pipe_cls = type(pipe)

    def node_run():
        ex.run(g, targets=["gen"], device=device, use_cache=False)

    def direct_run():
        with torch.inference_mode():
            pipe(**dict(kwargs, generator=torch.Generator("cpu").manual_seed(seed)))

    def timed(fn) -> float:
        sync()
        t0 = time.perf_counter()
        fn()
        sync()
        return time.perf_counter() - t0

    rows: dict = {}
    for name in VARIANTS:
        with variant(g, name):
            node_run()  # warm: this variant's first run
            node_t, direct_t, inside = [], [], []
            for _ in range(max(1, reps)):
                box: list = []
                with call_timer(pipe_cls, box):
                    node_t.append(timed(node_run))
                inside.append(sum(box))
                direct_t.append(timed(direct_run))
        n, d, c = _med(node_t), _med(direct_t), _med(inside)
        rows[name] = {"node_s": n, "direct_s": d, "ratio": n / d, "gap_ms": (n - d) * 1e3,
                      "in_call_s": c, "around_call_ms": (n - c) * 1e3}
    return {"variants": rows, "kernels": kernel_table(node_run, direct_run, device),
            "profile_tottime": host_profile(node_run, sync)}


def kernel_table(node_run, direct_run, device: str, top: int = 12) -> dict:
    """Device time by operator of one node run against one direct run (module docstring)."""
    from torch.profiler import ProfilerActivity, profile
    cuda = device == "cuda"
    acts = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if cuda else [])

    def by_op(fn) -> tuple[dict, float]:
        import torch
        with profile(activities=acts) as p:
            t0 = time.perf_counter()
            fn()
            if cuda:
                torch.cuda.synchronize()
            wall = time.perf_counter() - t0
        out: dict = {}
        for e in p.key_averages():
            us = (getattr(e, "self_device_time_total", None) or getattr(e, "self_cuda_time_total", 0)) if cuda \
                else e.self_cpu_time_total
            if us:
                out[e.key] = (out.get(e.key, (0.0, 0))[0] + us, out.get(e.key, (0.0, 0))[1] + e.count)
        return out, wall

    node, node_wall = by_op(node_run)
    direct, direct_wall = by_op(direct_run)
    keys = set(node) | set(direct)
    diff = sorted(keys, key=lambda k: -abs(node.get(k, (0, 0))[0] - direct.get(k, (0, 0))[0]))[:top]
    total = lambda d: sum(v[0] for v in d.values()) / 1e6  # noqa: E731
    return {"time": "CUDA kernel time" if cuda else "own CPU time of the operators",
            "node_total_s": total(node), "direct_total_s": total(direct),
            "node_wall_s": node_wall, "direct_wall_s": direct_wall,
            "top_differences": [{"op": k, "node_ms": node.get(k, (0, 0))[0] / 1e3,
                                 "direct_ms": direct.get(k, (0, 0))[0] / 1e3, "node_calls": node.get(k, (0, 0))[1],
                                 "direct_calls": direct.get(k, (0, 0))[1]} for k in diff]}


def host_profile(node_run, sync, lines: int = 25) -> str:
    import cProfile
    import pstats
    prof = cProfile.Profile()
    sync()
    prof.enable()
    node_run()
    sync()
    prof.disable()
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("tottime").print_stats(lines)
    return buf.getvalue()[-6000:]


def report(ab: dict) -> str:
    """The ablation as lines to print."""
    out = ["variant        node      direct    ratio   gap      in the call  around it"]
    for name, r in ab["variants"].items():
        out.append(f"{name:<13} {r['node_s']:8.3f} s {r['direct_s']:8.3f} s {r['ratio']:6.3f} {r['gap_ms']:7.1f} ms "
                   f"{r['in_call_s']:8.3f} s {r['around_call_ms']:8.1f} ms")
    k = ab["kernels"]
    out.append(f"{k['time']}: node {k['node_total_s']:.3f} s (wall {k['node_wall_s']:.3f} s), direct "
               f"{k['direct_total_s']:.3f} s (wall {k['direct_wall_s']:.3f} s); differing most:")
    for d in k["top_differences"]:
        out.append(f"  {d['node_ms'] - d['direct_ms']:+9.2f} ms  {d['op'][:70]}  (calls {d['node_calls']} vs "
                   f"{d['direct_calls']})")
    return "\n".join(out)
