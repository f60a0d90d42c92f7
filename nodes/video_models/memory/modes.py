"""Where a video model's weights live while it runs: the memory setting of Load Video Model.

Every mode is one of diffusers' own maintained APIs, applied as documented (nothing rewritten):

* ``gpu``: every component on the device (fastest; needs room for all weights).
* ``model_offload``: ``enable_model_cpu_offload``: each component moves to the GPU when it runs
  and back after, so the text encoder runs and leaves the GPU before the denoiser loads.
* ``block_offload``: ``enable_group_offload(offload_type="block_level", num_blocks_per_group=1,
  use_stream=True)``: the weights stay on the host and each block is copied in just before it
  runs, the next one prefetched on a CUDA stream while this one computes. A 28 GB transformer
  runs in a few GB. As many of the denoiser's blocks as the card has room for stay on it, the
  rest streamed between them (residency.py: the card used fully, no setting to guess). Without
  CUDA (the CPU, MPS) streams cannot be used: offload runs without them, and the loader says so.
* ``fp8``: ``enable_layerwise_casting(storage_dtype=float8_e4m3fn, compute_dtype=bf16/fp16)`` on
  the denoiser: weights stored in 8 bits (half of bf16), each layer cast up when it runs;
  diffusers keeps embeddings and norms in full precision. The denoiser stays on the GPU; the other
  components are group-offloaded (:func:`group_offload`: each onloaded from pinned host memory
  while it runs, the text encoder leaf by leaf). Before issue 73 the whole pipeline was
  model-offloaded: diffusers' ``maybe_free_model_hooks`` ends every call with ``pipe.to("cpu")``,
  so the 13.5 GB fp8 denoiser of Wan 14B went to the host and back each run (1.66x the all-on-GPU
  time, where fp8 with every block resident took 1.12x).
* ``fp8+block_offload``: both: fp8 weights, streamed block by block (half the bytes to copy).
* ``auto``: :func:`choose_memory`, a pure function of sizes (tested): the first of gpu,
  model_offload, fp8, fp8+block_offload whose predicted peak fits 90 % of the card's free memory.

Importing this module costs nothing: torch and diffusers are imported inside functions."""
from __future__ import annotations

from contextlib import contextmanager

from .sizes import Sizes, activation_allowance, fmt_gb, module_bytes, usable

MEMORY_MODES = ("auto", "gpu", "model_offload", "block_offload", "fp8", "fp8+block_offload")
MEMORY_HELP = (
    "where the weights live while the model runs. auto: chosen from the model's size and the card's free "
    "memory (the node says what and why). gpu: all on the GPU (fastest). model_offload: each part moves to "
    "the GPU only while it runs (the text encoder leaves before the denoiser loads). block_offload: the "
    "denoiser's blocks are streamed from the host one at a time (a 28 GB model in a few GB; slower). fp8: "
    "weights stored in 8 bits, computed in bf16 (half the memory, small quality cost). fp8+block_offload: both")


def predicted_peak(mode: str, s: Sizes, free: int | None = None) -> int:
    """Bytes on the GPU at the peak of a run in ``mode`` (``auto`` excluded). ``free``: the card's
    free bytes, for the block modes, which keep as many blocks resident as fit beside the rest
    (residency.py); None: the least they need, every block streamed."""
    if free is not None and "block" in mode:
        return predicted_peak(mode, s) + resident_bytes(mode, s, free)
    act = s.activations or activation_allowance(s.denoiser)
    biggest_other = max(s.others, default=0)
    block = s.one_block
    if mode == "gpu":
        return s.total + act
    if mode == "model_offload":
        return max(s.denoiser, biggest_other) + act
    if mode == "fp8":
        return max(s.denoiser // 2, biggest_other) + act
    if mode == "block_offload":
        return 2 * block + act  # the running block and the one prefetched
    if mode == "fp8+block_offload":
        return block + act
    raise ValueError(f"unknown memory mode '{mode}'")


def resident_bytes(mode: str, s: Sizes, free: int) -> int:
    """Bytes of denoiser blocks a block mode keeps on a card with ``free`` bytes (residency.py:
    what is left of the headroom after the streamed run's own peak, in whole blocks)."""
    from .residency import kept_count
    block = s.one_block
    half = 2 if mode.startswith("fp8") else 1
    n = max(1, s.denoiser // block)
    left = usable(free) - predicted_peak(mode, s)
    return kept_count(n, block // half, left) * (block // half)


def choose_memory(s: Sizes, free: int | None, fp8_ok: bool = True) -> tuple[str, str]:
    """(mode, why) for ``auto``. ``free``: the card's free bytes, None for no GPU (then ``gpu``:
    the weights are in the device's own memory, nothing to offload to). ``fp8_ok``: False when
    fp8 storage cannot be used (fp32 asked for, no float8 in this torch): then bf16 block offload
    stands in for the fp8 modes."""
    weights = f"{fmt_gb(s.total)} of weights"
    if free is None:
        return "gpu", f"{weights}, no GPU: all in memory"
    budget = usable(free)
    card = f"{fmt_gb(free)} free on the GPU"
    order = ["gpu", "model_offload"] + (["fp8", "fp8+block_offload"] if fp8_ok else ["block_offload"])
    for mode in order:
        peak = predicted_peak(mode, s)
        if peak <= budget:
            what = {"gpu": "all on the GPU", "model_offload": "model offload (each part on the GPU while it runs)",
                    "fp8": "fp8 weights", "fp8+block_offload": "fp8 weights + block offload",
                    "block_offload": "block offload"}[mode]
            return mode, f"{weights}, {card}: {what} (peak about {fmt_gb(predicted_peak(mode, s, free))})"
    last = order[-1]
    return last, (f"{weights}, {card}: even {last} needs about {fmt_gb(predicted_peak(last, s))}; "
                  "trying it (lower the frame count or size if it runs out of memory)")


def fitting_mode(s: Sizes, free: int, fp8_ok: bool = True) -> str | None:
    """The fastest mode whose predicted peak fits, or None (the planner names it before a run)."""
    mode, _ = choose_memory(s, free, fp8_ok)
    return mode if predicted_peak(mode, s) <= usable(free) else None


def plan_note(mode: str, s: Sizes, free: int | None, fp8_ok: bool = True) -> str | None:
    """A warning before the run when ``mode`` (asked) is predicted not to fit the card, naming the
    mode that would; None when it fits (or there is no GPU to plan for)."""
    if free is None or mode == "auto":
        return None
    peak = predicted_peak(mode, s)
    if peak <= usable(free):
        return None
    alt = fitting_mode(s, free, fp8_ok)
    return (f"memory '{mode}' needs about {fmt_gb(peak)} but {fmt_gb(free)} is free on the GPU: it will likely "
            f"run out of memory; " + (f"'{alt}' fits (peak about {fmt_gb(predicted_peak(alt, s, free))})" if alt else
                                      "no mode fits: lower the size or frames, or free the GPU"))


DECODE_BYTES_PER_PIXEL = 400  # a video VAE's decode peak per output pixel (Wan: 81x480x832 ~ 12 GB)


def decode_needs_tiling(frames: int, width: int, height: int, free: int | None) -> bool:
    """True when decoding ``frames`` frames of ``width`` x ``height`` at once is predicted not to fit
    ``free`` bytes (None: no GPU, never)."""
    if free is None:
        return False
    return frames * width * height * DECODE_BYTES_PER_PIXEL > usable(free)


# -- sizes of a loaded pipeline ------------------------------------------------------------------
def pipeline_sizes(pipe, denoiser: str) -> Sizes:
    import torch
    comps = {n: c for n, c in pipe.components.items() if isinstance(c, torch.nn.Module)}
    den = comps.get(denoiser)
    # Wan 2.2 A14B: two experts, both resident in 'gpu' (transformer_2 is counted as a denoiser)
    dens = [c for n, c in comps.items() if n == denoiser or n == f"{denoiser}_2"]
    den_bytes = sum(module_bytes(c) for c in dens)
    from ..base.guard import blocks_of
    blocks = blocks_of(den) if den is not None else []
    block = max((module_bytes(b) for b in blocks), default=0)
    others = tuple(module_bytes(c) for n, c in comps.items() if c not in dens)
    return Sizes(den_bytes, others, 0, block)


def free_memory(device) -> int | None:
    """Bytes a model could take on a CUDA device (the model cache's measure: free memory plus what
    torch's allocator holds unused), None elsewhere (the CPU; MPS shares the host's memory)."""
    import torch
    if getattr(device, "type", str(device)).split(":")[0] != "cuda" or not torch.cuda.is_available():
        return None
    from studio.engine.model_cache import device_free
    return device_free(str(device))


def fp8_available(dtype) -> bool:
    import torch
    return hasattr(torch, "float8_e4m3fn") and dtype in (torch.bfloat16, torch.float16)


# -- applying a mode -----------------------------------------------------------------------------
def denoisers(pipe, denoiser: str) -> list:
    import torch
    return [c for n, c in pipe.components.items()
            if isinstance(c, torch.nn.Module) and n in (denoiser, f"{denoiser}_2")]


def enable_fp8(module, compute_dtype) -> None:
    """diffusers' layerwise casting: float8_e4m3fn storage, ``compute_dtype`` compute. A denoiser
    read from an fp8 file has it already (single_file.py: its layers stay as the file stores them)."""
    import torch
    if "layerwise_casting" in hooks_of(module):
        return
    module.enable_layerwise_casting(storage_dtype=torch.float8_e4m3fn, compute_dtype=compute_dtype)


@contextmanager
def adapters_in_compute_dtype(*modules):
    """LoRA layers made inside the block on fp8-stored ``modules`` are made in the compute dtype.
    peft makes an adapter in its base layer's dtype (float8 here: a LoRA's small weights lost in 8
    bits, and no kernel multiplies by them) unless the layer declares a ``compute_dtype`` (peft's
    rule for quantised layers): the layers diffusers' layerwise casting stores in float8 declare its
    compute dtype while the block runs. Loading a LoRA into a model already cast to fp8 is an open
    diffusers issue (huggingface/diffusers#11648)."""
    marked = []
    for module in modules:
        for m in module.modules():
            reg = getattr(m, "_diffusers_hook", None)
            hook = reg.get_hook("layerwise_casting") if reg is not None else None
            if hook is not None and "compute_dtype" not in m.__dict__:
                m.compute_dtype = hook.compute_dtype
                marked.append(m)
    try:
        yield
    finally:
        for m in marked:
            del m.compute_dtype


def enable_block_offload(pipe_or_module, device, dens: list | None = None, budget: int | None = None) -> tuple[bool, str]:
    """diffusers' group offloading, block level, one block per group; CUDA streams (the next block
    prefetched while this one runs) where the device has them. As many of the denoisers' (``dens``)
    blocks as fit ``budget`` bytes stay on the GPU, the rest streamed between them (residency.py;
    ``budget`` None: from the card's free memory, nothing kept without CUDA). (streams used, what
    stays resident)."""
    import torch

    from . import residency
    dev = torch.device(device)
    streams = dev.type == "cuda"
    dens = dens or []
    if budget is None:
        budget = residency.residency_budget(free_memory(dev), dens)
    kept = residency.plan(dens, budget)
    residency.offload_keeping(pipe_or_module, kept, dev, lambda: group_offload(pipe_or_module, dev, streams))
    return streams, residency.describe(kept, dens)


def group_offload(target, dev, streams: bool, stay: tuple[str, ...] = ()) -> None:
    """diffusers' group offloading on ``target`` (a pipeline: each component; or one module), one
    block per group, the next prefetched on a CUDA stream where there is one. A pipeline's text
    encoders are offloaded leaf by leaf (``apply_group_offloading(offload_type='leaf_level')``):
    UMT5 and T5 keep their layers below the top, where block level sees none and onloads the whole
    encoder at once (UMT5-XXL: 10.6 GB on the card for the prompt, issue 73); leaf level streams
    them, the shared embedding being the largest piece. The components named in ``stay`` go to
    ``dev`` for good (what ``enable_group_offload(exclude_modules=...)`` does)."""
    import torch
    from diffusers.hooks import apply_group_offloading
    kw = dict(onload_device=dev, offload_device=torch.device("cpu"), use_stream=streams, record_stream=streams,
              non_blocking=streams)
    comps = getattr(target, "components", None)
    if comps is None:
        target.enable_group_offload(offload_type="block_level", num_blocks_per_group=1, **kw)
        return
    for name, comp in comps.items():
        if not isinstance(comp, torch.nn.Module):
            continue
        if name in stay:
            comp.to(dev)
        elif name.startswith("text_encoder"):
            apply_group_offloading(comp, offload_type="leaf_level", **kw)
        elif hasattr(comp, "enable_group_offload"):
            comp.enable_group_offload(offload_type="block_level", num_blocks_per_group=1, **kw)
        else:
            apply_group_offloading(comp, offload_type="block_level", num_blocks_per_group=1, **kw)


def keep_denoisers(pipe, device, denoiser: str) -> bool:
    """The denoisers on ``device`` for good (fp8: they fit there), every other component
    group-offloaded: onloaded from pinned host memory when it runs, on a CUDA stream where there is
    one (:func:`group_offload`: no per-call move of the
    denoiser, which model offload's ``maybe_free_model_hooks`` made). True when streams are used."""
    import torch
    dev = torch.device(device)
    streams = dev.type == "cuda"
    names = tuple(n for n, c in pipe.components.items() if isinstance(c, torch.nn.Module)
                  and n in (denoiser, f"{denoiser}_2"))
    group_offload(pipe, dev, streams, stay=names)
    return streams


def apply_memory(pipe, mode: str, device, dtype, denoiser: str, offload_hooks: bool = True,
                 resident_budget: int | None = None, done: list[str] | None = None) -> list[str]:
    """Put ``pipe`` (just loaded, on the CPU) in ``mode`` on ``device``; notes on what was done.
    ``offload_hooks=False``: model offload's hooks are left to be put on the task pipeline that
    runs (Studio's VideoModelRef.pipeline: one set of hooks at a time on shared components).
    ``resident_budget``: bytes of denoiser blocks block offload keeps on the GPU (None: as many
    as the card's free memory allows). ``done``: what block offload keeps resident is appended
    here (a report, not a warning)."""
    import torch
    notes: list[str] = []
    dev = torch.device(device)
    if mode in ("fp8", "fp8+block_offload"):
        if not fp8_available(dtype):
            raise ValueError(f"fp8 weights need a bf16 or fp16 model (loaded as {str(dtype).replace('torch.', '')})")
        for d in denoisers(pipe, denoiser):
            enable_fp8(d, dtype)
    if mode == "gpu" or (mode == "fp8" and dev.type == "cpu"):
        if not _all_on(pipe, dev):  # a pipeline loaded on the CPU, run there: nothing to move (its .to walks
            pipe.to(dev)            # every module twice over, a tenth of a tiny model's load)
    elif mode == "model_offload":
        if offload_hooks:
            pipe.enable_model_cpu_offload(device=dev)
    elif mode == "fp8":
        keep_denoisers(pipe, dev, denoiser)
    elif mode in ("block_offload", "fp8+block_offload"):
        streams, kept = enable_block_offload(pipe, dev, denoisers(pipe, denoiser), resident_budget)
        if done is not None:
            done.append(kept)
        if not streams:
            notes.append(f"block offload without CUDA streams on {dev.type} (no prefetch: each block is copied "
                         "when it runs)")
    else:
        raise ValueError(f"unknown memory mode '{mode}'")
    return notes


def _all_on(pipe, dev) -> bool:
    """Every tensor of ``pipe``'s modules on ``dev`` already (the CPU: where a pipeline is loaded)."""
    import torch
    if dev.type != "cpu":
        return False
    mods = [c for c in getattr(pipe, "components", {}).values() if isinstance(c, torch.nn.Module)]
    return all(t.device.type == "cpu" for m in mods for t in (*m.parameters(), *m.buffers()))


def hooks_of(module) -> set[str]:
    """The names of the diffusers hooks on ``module`` and its children, plus 'accelerate' for
    accelerate's offload hook (what a test checks to see a mode applied)."""
    names: set[str] = set()
    for m in module.modules():
        reg = getattr(m, "_diffusers_hook", None)
        if reg is not None:
            names.update(reg.hooks.keys())
        if hasattr(m, "_hf_hook"):
            names.add("accelerate")
    return names


def remove_memory_hooks(module) -> None:
    """Group offloading's hooks (with their pinned host copies) off ``module``, and every diffusers
    hook registry dropped: what the model cache does before it frees a model for good (layerwise
    casting cannot be undone, by design; the module is going to the meta device anyway)."""
    reg = getattr(module, "_diffusers_hook", None)
    if reg is not None:
        for name in ("lazy_prefetch_group_offloading", "layer_execution_tracker", "group_offloading"):
            reg.remove_hook(name, recurse=True)
    for m in module.modules():
        if "_diffusers_hook" in m.__dict__:
            del m.__dict__["_diffusers_hook"]
        elif hasattr(m, "_diffusers_hook"):
            try:
                delattr(m, "_diffusers_hook")
            except AttributeError:
                pass
