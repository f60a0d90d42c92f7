"""CUDA's autocast policy, emulated on the CPU, for tests.

The trainer opens ``torch.autocast("cuda", dtype=torch.bfloat16)`` on a GPU and no autocast on the
CPU, so CPU tests never saw what CUDA's autocast does to the generator models: it refuses
``binary_cross_entropy`` on probabilities, and it runs some ops in bf16 (matmul, einsum, conv,
linear) and others in float32 (exp, log, pow, sums, norms, losses), so two tensors that meet in an op
wanting one dtype (``linalg.solve``) can differ. Both failed the text_to_video models' first step on
an H100 (issue 32) while every CPU test passed.

``cuda_autocast_on_cpu()`` opens a ``TorchFunctionMode`` that applies CUDA's lists to CPU tensors
(not the CPU's own autocast, whose lists differ: it runs ``linalg.solve`` in float32, CUDA does
not): the lower-precision ops get bf16 inputs,
the float32 ops float32 inputs, the promote ops their widest float type, and the refused ops raise
as CUDA does; a ``torch.autocast(..., enabled=False)`` in the code switches it off inside (with
``trainer_uses_cuda_autocast``). The lists are CUDA's, from aten/src/ATen/autocast_mode.cpp.
"""
from __future__ import annotations

import contextlib
import threading

import torch
import torch.nn.functional as F
from torch.overrides import TorchFunctionMode

T = torch.Tensor
LOWER = {torch.matmul, T.matmul, T.__matmul__, T.__rmatmul__, torch.mm, T.mm, torch.bmm, T.bmm, torch.mv, T.mv,
         torch.einsum, F.linear, F.conv1d, F.conv2d, F.conv3d, F.conv_transpose1d, F.conv_transpose2d,
         F.conv_transpose3d, torch.addmm, T.addmm, torch.baddbmm, T.baddbmm, torch.addbmm, torch.addmv,
         torch.addr, torch.chain_matmul, torch.linalg.multi_dot, torch.linalg.vecdot, F.prelu,
         F.scaled_dot_product_attention, torch._VF.gru_cell, torch._VF.lstm_cell, torch._VF.rnn_tanh_cell,
         torch._VF.rnn_relu_cell}
FP32 = {torch.exp, T.exp, torch.expm1, torch.log, T.log, torch.log2, torch.log10, torch.log1p, T.log1p,
        torch.reciprocal, T.reciprocal, torch.rsqrt, T.rsqrt, torch.pow, T.pow, T.__pow__, torch.acos, torch.asin,
        torch.cosh, torch.sinh, torch.tan, torch.erfinv, F.softplus, F.layer_norm, F.group_norm, torch.norm, T.norm,
        torch.linalg.vector_norm, torch.linalg.matrix_norm, F.cosine_similarity, F.nll_loss, F.kl_div, F.l1_loss,
        F.smooth_l1_loss, F.huber_loss, F.mse_loss, F.margin_ranking_loss, F.soft_margin_loss,
        F.binary_cross_entropy_with_logits, torch.dist, torch.cdist, torch.logsumexp, T.logsumexp,
        torch.softmax, T.softmax, F.softmax, torch.log_softmax, T.log_softmax, F.log_softmax, torch.cumsum, T.cumsum,
        torch.cumprod, torch.prod, T.prod, torch.sum, T.sum, F.cross_entropy}
PROMOTE = {torch.addcdiv, torch.addcmul, torch.atan2, torch.cross, torch.linalg.cross, torch.dot, F.grid_sample,
           torch.index_put, torch.scatter_add, torch.tensordot, torch.cat, torch.stack}
REFUSED = {F.binary_cross_entropy}


def _floats(x, fn):
    if isinstance(x, torch.Tensor):
        return fn(x) if x.is_floating_point() else x
    if isinstance(x, (list, tuple)):
        return type(x)(_floats(v, fn) for v in x)
    return x


def _widest(args) -> torch.dtype | None:
    found: list[torch.dtype] = []
    _floats(args, lambda t: found.append(t.dtype) or t)
    return max(found, key=lambda d: torch.finfo(d).bits) if found else None


_STATE = threading.local()  # the emulated autocast's on/off, nested like torch.autocast's


def _on() -> bool:
    return getattr(_STATE, "on", False)


class _CudaPolicy(TorchFunctionMode):
    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        if _on():
            if func in REFUSED:
                raise RuntimeError(f"{getattr(func, '__name__', func)} is unsafe to autocast "
                                   "(CUDA's autocast refuses it; emulated on the CPU)")
            if func in LOWER:
                cast = lambda t: t.to(torch.bfloat16)  # noqa: E731
            elif func in FP32 and "dtype" not in kwargs:
                cast = lambda t: t.float()  # noqa: E731
            elif func in PROMOTE:
                wide = _widest((args, list(kwargs.values())))
                cast = (lambda t: t.to(wide)) if wide is not None else None  # noqa: E731
            else:
                cast = None
            if cast is not None:
                args, kwargs = _floats(args, cast), {k: _floats(v, cast) for k, v in kwargs.items()}
        return func(*args, **kwargs)


class _Switch:
    """Stands in for ``torch.autocast`` while emulating: ``enabled=False`` turns the emulation off
    inside (the code's float32 islands), as the real one turns CUDA's autocast off."""
    def __init__(self, device_type="cuda", dtype=None, enabled=True, cache_enabled=None):
        self.enabled = enabled

    def __enter__(self):
        self.before = _on()
        _STATE.on = bool(self.enabled)
        return self

    def __exit__(self, *exc):
        _STATE.on = self.before
        return False


@contextlib.contextmanager
def cuda_autocast_on_cpu():
    """CUDA's bf16 autocast policy applied to CPU tensors (see the module's docstring)."""
    before = _on()
    _STATE.on = True
    try:
        with _CudaPolicy():
            yield
    finally:
        _STATE.on = before


@contextlib.contextmanager
def trainer_uses_cuda_autocast(monkeypatch):
    """Make the generators' ``autocast(device, amp)`` open ``cuda_autocast_on_cpu`` on the CPU, and
    ``torch.autocast(..., enabled=False)`` inside it switch the emulation off."""
    import sys
    from nodes.generators import nets
    real = nets.autocast

    def emulated(device, amp):  # the trainer asks for amp only on CUDA: here, always
        return cuda_autocast_on_cpu()
    for mod in list(sys.modules.values()):
        if getattr(mod, "__name__", "").startswith("nodes.") and getattr(mod, "autocast", None) is real:
            monkeypatch.setattr(mod, "autocast", emulated)
    monkeypatch.setattr(torch, "autocast", _Switch)
    yield
