"""The loop's loss read-back policy (issue 28): each step's losses stay on the device and are read
back together (one host sync for many steps); on the CPU every step (there is no sync to save)."""
from __future__ import annotations

import math
import time

import torch


class LossLog:
    """Per-step losses kept on the device and read back in one go. ``add`` takes the step's logs
    (tensors or floats); ``due`` says whether a read is owed; ``read`` returns ``[(step, {name:
    float})]`` for every step since the last read and raises FloatingPointError naming the first
    step whose loss is not finite."""

    def __init__(self, device: torch.device, every: int | None = None, seconds: float | None = None):
        on_cpu = device.type == "cpu"
        self.every = max(1, every if every is not None else (1 if on_cpu else 50))
        self.seconds = (0.0 if on_cpu else 0.25) if seconds is None else seconds
        self.pending: list[tuple[int, tuple[str, ...], torch.Tensor | list[float]]] = []
        self.last_read = time.perf_counter()

    def add(self, step: int, logs: dict) -> None:
        keys = tuple(logs)
        vals = list(logs.values())
        if all(isinstance(v, torch.Tensor) for v in vals):
            packed = torch.stack([v.detach().float().reshape(()) for v in vals]) if vals else []
        else:
            packed = [float(v) for v in vals]
        self.pending.append((step, keys, packed))

    def due(self) -> bool:
        return bool(self.pending) and (len(self.pending) >= self.every or
                                       (self.seconds > 0 and time.perf_counter() - self.last_read >= self.seconds))

    def read(self) -> list[tuple[int, dict[str, float]]]:
        if not self.pending:
            return []
        tensors = [p for _, _, p in self.pending if isinstance(p, torch.Tensor)]
        flat = torch.cat(tensors).tolist() if tensors else []  # the one host sync
        out, k = [], 0
        for step, keys, packed in self.pending:
            if isinstance(packed, torch.Tensor):
                vals = flat[k:k + len(keys)]
                k += len(keys)
            else:
                vals = packed
            out.append((step, dict(zip(keys, vals))))
        self.pending.clear()
        self.last_read = time.perf_counter()
        for step, logs in out:
            loss = logs.get("loss")
            if loss is not None and not math.isfinite(loss):
                raise FloatingPointError(f"the loss became {loss} at step {step}: lower the learning rate")
        return out
