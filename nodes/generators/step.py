"""The training step's fixed costs: what the trainer keeps between steps so that a step on a GPU
never waits for the host (issue 28).

* :class:`Ema`: the moving average of the weights in two foreach calls over parameter lists built
  once (the per-step ``parameters()`` walk and one ``lerp_`` per tensor cost more host time than the
  arithmetic on a GPU).
* :class:`LossLog`: each step's losses stay on the device as one small tensor; they are read back
  every ``every`` steps or after ``seconds`` (one host sync for many steps), and at once when a
  preview, a checkpoint, a cancel or the end needs them. On the CPU they are read every step (no
  sync to save there), so the progress and the loss history are exactly as before.
* :class:`Capture`: on CUDA, the networks' forward passes are compiled (``torch.compile``,
  mode "reduce-overhead": CUDA graphs, a few launches per network instead of hundreds); if
  compiling fails for an op it does not support, training goes on uncompiled and says so. Never on
  the CPU (nothing to gain where a step is arithmetic-bound).

Each piece leaves the CPU arithmetic untouched: the same ops in the same order, so 200 CPU steps
give the same losses as the step before (tests/generators/test_train_step.py).
"""
from __future__ import annotations

import os
from typing import Callable

import torch

from nodes.training.readback import LossLog  # noqa: F401 - the trainer's read-back policy lives with the loop


class Ema:
    """``ema <- lerp(ema, model, 1 - decay)`` over the parameters, buffers copied; both lists are
    built once (the modules are walked once per run, not once per step)."""

    def __init__(self, ema: torch.nn.Module, model: torch.nn.Module):
        self.pe = [p.detach() for p in ema.parameters()]
        self.pm = [p.detach() for p in model.parameters()]
        self.be = list(ema.buffers())
        self.bm = list(model.buffers())
        if len(self.pe) != len(self.pm) or len(self.be) != len(self.bm):
            raise ValueError("the EMA copy and the model have different parameters")

    @torch.no_grad()
    def update(self, decay: float) -> None:
        if self.pe:
            torch._foreach_lerp_(self.pe, self.pm, 1.0 - decay)
        if self.be:
            torch._foreach_copy_(self.be, self.bm)


def capture_wanted(device: torch.device, setting: str = "auto") -> bool:
    """Compile the networks for this run? 'auto': on CUDA only (STUDIO_TRAIN_CAPTURE=0 turns it
    off); 'off': never; 'on': also elsewhere (tests use it with the 'eager' backend on the CPU)."""
    if setting == "off" or os.environ.get("STUDIO_TRAIN_CAPTURE", "1") == "0":
        return False
    return setting == "on" or device.type == "cuda"


class Capture:
    """Compiles a model's networks in place (``module.compile``) and undoes it when training ends
    or when compiling fails. ``run(fn)`` runs one step: the first compiled steps are where an
    unsupported op shows up, so a failure there turns compiling off and the step is run again
    uncompiled (nothing was stepped: the optimisers step after the forward and backward passes)."""

    def __init__(self, model: torch.nn.Module, mode: str = "reduce-overhead", backend="inductor",
                 warn: Callable[[str], None] = lambda s: None):
        self.warn = warn
        self.targets = list(compile_targets(model))
        self.active = False
        self.failed: str | None = None
        self.cuda = any(p.is_cuda for p in model.parameters())
        try:
            kw = {"backend": backend}
            if backend == "inductor":
                kw["mode"] = mode
            for m in self.targets:
                m.compile(**kw)
            self.active = bool(self.targets)
        except Exception as e:  # noqa: BLE001 - any failure to set up compiling: train uncompiled
            self._give_up(e)

    def run(self, fn: Callable[[], dict], gen: torch.Generator | None = None) -> dict:
        """One step; redone uncompiled, from the same random state, if compiling fails in it."""
        if not self.active:
            return fn()
        if self.cuda:
            torch.compiler.cudagraph_mark_step_begin()  # a new step: earlier graph outputs may be reused
        state = gen.get_state() if gen is not None else None  # 16 bytes on CUDA
        try:
            return fn()
        except Exception as e:  # noqa: BLE001 - an op the compiler does not support, found while tracing
            if not _compile_error(e):
                raise
            self._give_up(e)
            if state is not None:
                gen.set_state(state)
            return fn()

    def _give_up(self, e: BaseException) -> None:
        inner = getattr(e, "inner_exception", None) or e  # a backend's failure: its own error says why
        text = next((ln for ln in str(inner).splitlines() if ln.strip()), "")
        self.failed = f"{type(inner).__name__}: {text}"[:300]
        self.undo()
        self.warn(f"training runs uncompiled: compiling the networks failed ({self.failed})")

    def undo(self) -> None:
        for m in self.targets:
            m._compiled_call_impl = None
        self.active = False


def compile_targets(model: torch.nn.Module) -> list[torch.nn.Module]:
    """The networks to compile: the model's own list (``compile_targets()``), else its direct
    children with trainable parameters."""
    own = getattr(model, "compile_targets", None)
    if callable(own):
        return list(own())
    return [m for m in model.children() if any(p.requires_grad for p in m.parameters())]


def _compile_error(e: BaseException) -> bool:
    """An error raised by torch.compile (dynamo, inductor, triton), not by the model's own code."""
    return any(c.__module__.startswith(_COMPILER_MODULES) for c in type(e).__mro__)


_COMPILER_MODULES = ("torch._dynamo", "torch._inductor", "torch._functorch", "torch.fx", "triton")
