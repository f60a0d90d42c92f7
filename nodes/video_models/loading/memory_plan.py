"""The loader's memory plan counted part by part (memory/plan.py, issue 73), made on a CUDA card
while the weights are still on the host: what settle_memory (load.py) keeps, replaces or refuses."""
from __future__ import annotations

from ..base.capabilities import MemoryCounts
from ..base.errors import ModelError


def counted_plan(pipe, fam, memory: str, device, fp8_ok: bool, waiting: int, free: int | None = None):
    """(plan, words or None, (parts, plan, free) kept for the runs' clip check) from memory/plan.py
    on a CUDA card for a denoiser whose blocks and widths are known; None elsewhere (the CPU, MPS,
    a denoiser without blocks or widths). A family without a measured factor (MemoryCounts) is
    counted all the same, the run's tensors estimated from its config and said so. ``free``: the
    card's free bytes (None: asked of the device; a test's emulated card). Raises ModelError when
    no mode fits, before anything goes on the card."""
    from dataclasses import replace

    from ..memory import plan as mplan
    from ..memory.modes import free_memory
    if free is None:
        free = free_memory(device) if getattr(device, "type", str(device)).split(":")[0] == "cuda" else None
    if free is None:
        return None
    counts = fam.capability(MemoryCounts)  # None: not measured for the family, estimated from the config
    try:
        parts = mplan.pipeline_parts(pipe, fam.denoiser, counts.activation if counts else None)
    except (KeyError, AttributeError, TypeError, ValueError):
        return None
    if not parts.denoiser.blocks or not parts.denoiser.hidden:
        return None
    parts = replace(parts, text=parts.text + waiting)
    try:
        got, said = mplan.settle(parts, memory, free, mplan.PLAN_CLIP, fp8_ok)
        return got, said, (parts, got, free)
    except ValueError as e:
        raise ModelError(f"memory '{memory}': {e}") from None


def block_bytes(pipe, denoiser: str, mode: str) -> int:
    """One denoiser block's bytes as block offload will hold it (fp8: as layerwise casting stores it)."""
    from ..memory import plan as mplan
    d = mplan.denoiser_facts(getattr(pipe, denoiser))
    return d.block_fp8 if mode.startswith("fp8") else d.block

