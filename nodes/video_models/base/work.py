"""The work of torch calls, counted in units a CPU's time follows: calls, convolutions, elements made,
multiply-adds (runs/decode_cost.py predicts a first run's decode from it: the first denoising step is
counted here as it runs, by the guard's hooks). Importing this module costs nothing."""
from __future__ import annotations

from dataclasses import dataclass

# seconds a CPU spends on each unit (a call, a convolution called, an element made, a multiply-add): only
# their ratios matter. Fitted on this project's tiny models (Wan at 16x16x9, 64x64x33 and 128x128x17,
# LTX-Video, CogVideoX: a step and a decode timed, 15 runs on a 2-core machine under load: 9 of 15
# within 2x, the median 1.0), where calls dominate (a tiny VAE's convolution costs 100 plain calls); at
# real sizes the multiply-adds do (40 GFLOP/s), then the elements (1 GB/s of float32 written)
COST = {"ops": 2e-5, "convs": 2e-3, "elements": 1e-9, "flops": 2.5e-11}


@dataclass
class Work:
    ops: int = 0
    convs: int = 0  # of the ops, convolutions (a CPU's costliest call: im2col, its own threads)
    elements: int = 0
    flops: float = 0.0

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
            if isinstance(out, torch.Tensor):
                w = self.work
                name = getattr(func, "__name__", "")
                w.ops += 1
                w.convs += name.startswith("conv")
                w.elements += out.numel()
                w.flops += _flops(name, args, kwargs, out)
            return out
    return WorkCounter()
