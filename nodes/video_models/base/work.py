"""The work of torch calls, counted in units a CPU's time follows: calls, convolutions, elements made,
multiply-adds (runs/decode_cost.py predicts a first run's decode from it: the first denoising step is
counted here as it runs, by the guard's hooks). Importing this module costs nothing."""
from __future__ import annotations

from dataclasses import dataclass

# seconds a CPU spends on each unit (a call, a convolution called, an element made, a multiply-add): only
# their ratios matter. Fitted (benchmarks/results/estimates_fit.txt) on 13 tiny-model cases through the node
# (Wan text and image to video at six sizes, two shots, Wan-Move, InfiniteTalk, LTX-Video, CogVideoX, SVD,
# HunyuanVideo; 6 runs each on a 2-core machine, quiet and under load) against the measured decode / step
# ratio: each case's ratio predicted within 0.58x-1.66x of its runs' geometric mean when the case is left
# out of the fit (the weights before: 0.49x-3.1x). A tiny model's step is mostly what is not counted (module
# calls, hooks, Python): there the weights are a proxy; at real sizes the multiply-adds dominate both (40
# GFLOP/s), then the elements (memory)
COST = {"ops": 5e-7, "convs": 2e-6, "elements": 4e-10, "flops": 2.5e-11}


@dataclass
class Work:
    ops: int = 0
    convs: int = 0  # of the ops, convolutions (a CPU's costliest call: im2col, its own threads)
    elements: int = 0
    flops: float = 0.0
    calls: int = 0  # every call the mode saw (a tensor made or not): what counting cost the step
    per_call_s: float = 0.0  # what one call cost more under the mode, measured as the counting began

    def cost(self) -> float:
        return (self.ops * COST["ops"] + self.convs * COST["convs"] + self.elements * COST["elements"] +
                self.flops * COST["flops"])


_MATMULS = ("linear", "matmul", "__matmul__", "__rmatmul__", "mm", "bmm", "baddbmm", "addmm")


def _flops(name: str, args, kwargs, out) -> float:
    """Multiply-adds (x2) of one call by its shapes: linear, convolution, matrix product, attention."""
    import torch
    try:
        if not isinstance(out, torch.Tensor):
            return 0.0
        if name.startswith("conv"):
            w = args[1] if len(args) > 1 else kwargs["weight"]
            if name.startswith("conv_transpose"):  # each input element meets the kernel once
                x = args[0]
                return 2.0 * x.numel() * (w.numel() / max(1, w.shape[0]))
            return 2.0 * out.numel() * (w.numel() / max(1, w.shape[0]))
        if name == "linear":
            w = args[1] if len(args) > 1 else kwargs["weight"]
            return 2.0 * out.numel() * w.shape[-1]
        if name in _MATMULS:
            a = args[1] if name in ("baddbmm", "addmm") else args[0]
            if isinstance(a, torch.Tensor):
                return 2.0 * out.numel() * a.shape[-1]
        if name == "scaled_dot_product_attention":
            q = args[0] if args else kwargs["query"]
            k = args[1] if len(args) > 1 else kwargs["key"]
            return 4.0 * q.numel() * k.shape[-2]
    except (IndexError, KeyError, AttributeError, TypeError):
        pass
    return 0.0


def counter():
    """A fresh function mode counting the work of the torch calls made under it (``.work``): those that
    make a tensor. A function mode, not a dispatch mode: a dispatch mode's first use in a process costs
    seconds (what it imports), which would land in the step being timed."""
    import torch
    from torch.overrides import TorchFunctionMode

    class WorkCounter(TorchFunctionMode):
        def __init__(self):
            super().__init__()
            self.work = Work()

        def __torch_function__(self, func, types, args=(), kwargs=None):
            kwargs = kwargs or {}
            out = func(*args, **kwargs)
            self.work.calls += 1
            if isinstance(out, torch.Tensor):
                w = self.work
                name = getattr(func, "__name__", "")
                w.ops += 1
                w.convs += name.startswith("conv")
                w.elements += out.numel()
                w.flops += _flops(name, args, kwargs, out)
            return out
    return WorkCounter()


def overhead_per_call(n: int = 200) -> float:
    """Seconds a torch call costs more under a counting mode, here and now (a few microseconds on an idle
    CPU, tens under load): the first step's counted time, less its calls' share of this, is its own."""
    import time

    import torch
    x = torch.zeros(1)
    with torch.inference_mode():
        t0 = time.perf_counter()
        for _ in range(n):
            x.add(0)
        t1 = time.perf_counter()
        with counter():
            for _ in range(n):
                x.add(0)
        t2 = time.perf_counter()
    return max(0.0, ((t2 - t1) - (t1 - t0)) / n)
