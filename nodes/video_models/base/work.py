"""The work of torch calls, counted in units a CPU's time follows: calls, convolutions, elements made,
multiply-adds (estimates/decode_cost.py predicts a first run's decode from it: the first denoising step is
counted here as it runs, by the guard's hooks). Importing this module costs nothing."""
from __future__ import annotations

import functools
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
    unfolded: float = 0.0  # the convolutions' inputs as unfolded (im2col: an output pixel's inputs, each kernel tap):
    # what a VAE of few channels costs a CPU; not in ``cost`` (fitted without it): estimates/vae_work.VAE_COST weighs it
    conv3d: float = 0.0  # of the multiply-adds, 3D convolutions' a CPU does not unfold (oneDNN's: slower a
    # multiply-add than its 2D ones)
    attention: float = 0.0  # of the multiply-adds, attention's (growing as the square of what it attends over)
    calls: int = 0  # every call the mode saw (a tensor made or not): what counting cost the step
    per_call_s: float = 0.0  # what one call cost more under the mode, measured as the counting began

    def cost(self) -> float:
        return (self.ops * COST["ops"] + self.convs * COST["convs"] + self.elements * COST["elements"] +
                self.flops * COST["flops"])


_MATMULS = ("linear", "matmul", "__matmul__", "__rmatmul__", "mm", "bmm", "baddbmm", "addmm")


@functools.cache
def _torch():
    """torch, imported once: these run for every torch call of a counted step, and an import statement costs
    microseconds each time where an import hook is installed (Qt's, in the app and the tests)."""
    import torch
    return torch


def _flops(name: str, args, kwargs, out) -> float:
    """Multiply-adds (x2) of one call by its shapes: linear, convolution, matrix product, attention."""
    torch = _torch()
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


_SHAPE_KEEPING: set = set()  # the functions whose result is a tensor like their first argument (filled once)


def _shape_keeping() -> set:
    """Norms and activations: their result has their input's shape and dtype. On meta tensors (the decode
    counted on a meta VAE) torch runs each through Python meta kernels, 1-2 ms a call (a tiny Wan VAE's
    decode: half its counting time in F.normalize), for a result known without them."""
    if not _SHAPE_KEEPING:
        import torch
        import torch.nn.functional as F
        _SHAPE_KEEPING.update(f for f in (F.normalize, F.group_norm, F.layer_norm, getattr(F, "rms_norm", None),
                                          F.gelu, F.silu, F.relu, F.mish, F.dropout, torch.sigmoid, torch.tanh)
                              if f is not None)
    return _SHAPE_KEEPING


_BINARY: set = set()  # out-of-place arithmetic of two operands (filled once)
_DIVISIONS: set = set()


def _binary() -> set:
    if not _BINARY:
        import torch
        T = torch.Tensor
        _BINARY.update((torch.add, torch.mul, torch.sub, torch.div, T.add, T.mul, T.sub, T.div, T.__add__,
                        T.__radd__, T.__mul__, T.__rmul__, T.__sub__, T.__rsub__, T.__truediv__, T.__rtruediv__))
        _DIVISIONS.update((torch.div, T.div, T.__truediv__, T.__rtruediv__))
    return _BINARY


def _meta_result(func, args, kwargs):
    """The result of ``func`` on meta tensors made without running it, where its shape is known from its
    arguments (None: run it)."""
    torch = _torch()
    x = args[0] if args else None
    if func is torch.cat and isinstance(x, (list, tuple)) and x and len(args) <= 2 and set(kwargs) <= {"dim"}:
        dim = args[1] if len(args) > 1 else kwargs.get("dim", 0)
        if all(isinstance(t, torch.Tensor) and t.is_meta and t.dtype == x[0].dtype and t.dim() == x[0].dim()
               for t in x):
            shape = list(x[0].shape)
            shape[dim] = sum(t.shape[dim] for t in x)
            return torch.empty(shape, dtype=x[0].dtype, device="meta")
        return None
    if not (isinstance(x, torch.Tensor) and x.is_meta):
        return None
    if func in _binary() and len(args) == 2 and set(kwargs) <= {"alpha"}:
        y = args[1]
        if isinstance(y, torch.Tensor) and not y.is_meta:
            return None
        dtype = torch.result_type(x, y)
        if func in _DIVISIONS and not dtype.is_floating_point:  # integers divided make floats
            return None
        shape = torch.broadcast_shapes(x.shape, y.shape) if isinstance(y, torch.Tensor) else x.shape
        return torch.empty(shape, dtype=dtype, device="meta")
    if func in _shape_keeping():
        return torch.empty_like(x)
    if func is torch.nn.functional.scaled_dot_product_attention and len(args) >= 3 and args[2].is_meta:
        return torch.empty((*x.shape[:-1], args[2].shape[-1]), dtype=x.dtype, device="meta")
    return None


@functools.cache
def _constructors() -> frozenset:
    """The torch functions that make a tensor from nothing and take a ``device``: those ``torch.device(...)`` as
    a context places (torch/utils/_device.py's own list)."""
    from torch.utils._device import _device_constructors
    return frozenset(_device_constructors())


# a CPU convolution of one sample is unfolded (im2col: the slow path) unless its input's first four sizes hold more
# than this many elements, its kernel is over 3x3, or it is grouped (PyTorch's ConvUtils use_mkldnn: measured here,
# a 3D convolution of 8 channels over 9x48 rows unfolded, of 8 over 30x100 did not); a real VAE's channels always
# take oneDNN's, a tiny one's mostly not: the tiny Wan's and CogVideoX's decodes were 53-94 % slow_conv3d
UNFOLD_LIMIT = 20480


def unfolds(args, kwargs, rows: float = 1.0) -> bool:
    """Whether the CPU unfolds this convolution (``args``, ``kwargs``: F.conv2d's or F.conv3d's), its input's
    rows ``rows`` times as many as the counted ones (a decode counted on fewer latent rows: vae_work.SIDE_CAP)."""
    torch = _torch()
    try:
        x, w = args[0], (args[1] if len(args) > 1 else kwargs["weight"])
        groups = args[6] if len(args) > 6 else kwargs.get("groups", 1)
        if x.dim() not in (4, 5) or x.dtype != torch.float32 or groups != 1 or x.shape[0] > 1:
            return False
        if w.shape[-1] > 3 and w.shape[-2] > 3:
            return False
        return x.shape[0] * x.shape[1] * x.shape[2] * x.shape[3] * rows <= UNFOLD_LIMIT
    except (IndexError, KeyError, AttributeError, TypeError):
        return False


def counter(device=None, rows: float = 1.0):
    """A fresh function mode counting the work of the torch calls made under it (``.work``): those that
    make a tensor. A function mode, not a dispatch mode: a dispatch mode's first use in a process costs
    seconds (what it imports), which would land in the step being timed. ``device``: where a tensor made
    from nothing (torch.zeros, torch.arange...) with no device given is made, as ``torch.device(device)``
    would place it, without a second mode between every call and its kernel (the meta decode's: a third of
    its time went through ``torch.device('meta')``'s mode). ``rows``: the real input's rows over the counted
    ones (a decode counted on a capped latent: which convolutions a CPU unfolds follows the real size)."""
    import torch
    from torch.overrides import TorchFunctionMode
    made_here = _constructors() if device is not None else frozenset()

    class WorkCounter(TorchFunctionMode):
        def __init__(self):
            super().__init__()
            self.work = Work()

        def __torch_function__(self, func, types, args=(), kwargs=None):
            kwargs = kwargs or {}
            if func in made_here and kwargs.get("device") is None:
                kwargs = dict(kwargs, device=device)
            out = _meta_result(func, args, kwargs)
            if out is None:
                out = func(*args, **kwargs)
            self.work.calls += 1
            if isinstance(out, torch.Tensor):
                w = self.work
                name = getattr(func, "__name__", "")
                w.ops += 1
                w.elements += out.numel()
                flops = _flops(name, args, kwargs, out)
                w.flops += flops
                if name == "scaled_dot_product_attention":
                    w.attention += flops
                if name.startswith("conv"):
                    w.convs += 1
                    if name.startswith("conv_transpose") or unfolds(args, kwargs, rows):
                        w.unfolded += flops / (2.0 * max(1, out.shape[1] if out.dim() > 1 else 1))
                    elif name == "conv3d":
                        w.conv3d += flops
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
