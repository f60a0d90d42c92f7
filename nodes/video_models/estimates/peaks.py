"""How much GPU memory a pretrained video model's run will take at its peak, said before it starts.

The loader plans the memory mode from the weights' sizes and a fixed allowance for the run's own
tensors (memory/modes.py), before the clip is known. What a clip needs on top of the weights (latents,
attention, the VAE decode and its workspaces, streamed blocks, model-offloaded parts) depends on
the family, the size, the frames, the card's kernels and the allocator: a formula misses much of
it (issue 33's H100 figures: Wan 2.1 1.3B at 832x480x33 peaked about 4 GB above its weights,
SVD-XT at 1024x576x14 about 8.8 GB). So, as for the run's time (times.py), the peak is predicted from this machine's own
earlier runs with the same model, card and settings: each finished run on a CUDA GPU records the
memory allocated when it started (``base``: the weights that stay, other cached models) and its
peak (``torch.cuda.max_memory_allocated``, its counter reset as the run starts). A later run is
predicted as the memory allocated now plus the recorded runs' own bytes (peak - base) at its size:
the nearest record's, scaled linearly in pixels through a second record of another size when
there is one, else kept for a smaller clip and scaled up in proportion for a larger one (an
over- rather than an under-estimate). The prediction is said beside the time ("predicted: about
2 min, peak about 7.9 GB"); one that will not fit the card's free memory is a warning before the
run, naming a memory mode that would fit; after the run its measured peak is said against the
prediction. CUDA only (the CPU's memory is not the limit the artist can change with a mode)."""
from __future__ import annotations


def measurable(device) -> bool:
    """A CUDA device whose allocator reports its peak."""
    import torch
    return getattr(device, "type", str(device)).split(":")[0] == "cuda" and torch.cuda.is_available()


def allocated(device) -> int:
    import torch
    return int(torch.cuda.memory_allocated(torch.device(device)))


def reset_peak(device) -> None:
    import torch
    torch.cuda.reset_peak_memory_stats(torch.device(device))  # the allocator's counter: no device sync


def peak(device) -> int:
    import torch
    return int(torch.cuda.max_memory_allocated(torch.device(device)))


def free(device) -> int | None:
    """What more the card can give (memory.free_memory: free plus the allocator's unused cache)."""
    from ..memory.modes import free_memory
    return free_memory(device)


def run_bytes(records: list[dict], pixels: int) -> tuple[int, dict] | None:
    """(the run's own bytes on top of its base, the record it comes from) for ``pixels`` per
    window, or None without records that measured memory (module docstring)."""
    from .records import nearest_and_far
    recs = [r for r in records if r.get("pixels", 0) > 0 and "peak" in r and "base" in r]
    if not recs or pixels <= 0:
        return None
    near, far = nearest_and_far(recs, pixels)
    own = lambda r: max(0, int(r["peak"]) - int(r["base"]))  # noqa: E731
    if far is not None:  # two sizes: a + b * pixels
        slope = max(0.0, (own(far) - own(near)) / (far["pixels"] - near["pixels"]))
        return max(0, int(own(near) + slope * (pixels - near["pixels"]))), near
    return int(own(near) * max(1.0, pixels / near["pixels"])), near


class PeakMeter:
    """One run's peak on a CUDA device: ``predict`` before it (from records), ``start`` as it
    starts, ``record_fields`` after it. Inert elsewhere."""

    def __init__(self, device):
        self.device = device
        self.on = measurable(device)
        self.base: int | None = None
        self.predicted: int | None = None

    def predict(self, records: list[dict], pixels: int) -> tuple[int, dict] | None:
        """(the predicted peak in bytes, the record it comes from), or None."""
        if not self.on:
            return None
        got = run_bytes(records, pixels)
        if got is None:
            return None
        self.predicted = allocated(self.device) + got[0]
        return self.predicted, got[1]

    def start(self) -> None:
        if self.on:
            self.base = allocated(self.device)
            reset_peak(self.device)

    def record_fields(self) -> dict:
        """``base`` and ``peak`` of the run that just ended ({} when not measured)."""
        if not self.on or self.base is None:
            return {}
        return {"base": self.base, "peak": peak(self.device)}
