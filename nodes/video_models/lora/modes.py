"""How a Train Video LoRA run uses the model as Load Video Model put it in memory, and the speed
settings of its step.

The loaded model is shared (the model cache serves it to other nodes and later runs): a training
run never changes how its weights are stored. By Load Video Model's memory:

* ``gpu``: every part on the GPU (the text encoder goes to the host for the run when
  offload_text_encoder is on: train.py).
* ``fp8`` on CUDA: the denoiser stays on the GPU (memory/modes.py keep_denoisers), the other parts
  group-offloaded: nothing is moved for the run.
* ``model_offload`` on CUDA: the task pipeline keeps its CPU-offload hooks (accelerate).
  For the run every part goes to the host and the denoiser to the GPU (where its hook would move it
  at the first step) before the LoRA layers are made, so they and the optimiser's state are made on
  the GPU; afterwards the hooks are re-armed with every part on the host, as a sampling run leaves
  them (diffusers' ``maybe_free_model_hooks``). A validation sample moves the denoiser to the host;
  the next step's hook brings it back.
* ``fp8``: the frozen base weights stay in diffusers' layerwise casting as Load applied it
  (``enable_layerwise_casting(storage_dtype=float8_e4m3fn, compute_dtype=bf16)``, whose default skip
  patterns keep norms, embeddings and peft's LoRA layers out of the casting). The LoRA layers made
  for the run carry no casting hook and train in fp32 (made in the compute dtype, as on a bf16
  model: memory.adapters_in_compute_dtype, not float8 as peft would). Gradient checkpointing is always on:
  without it the backward pass keeps every layer's bf16 compute copy alive, all the weights in bf16
  again (seen with saved-tensor hooks on the tiny model). Regional compile is off: with layerwise
  casting under checkpointing, compiled blocks recompute with the float8 weights where the forward
  saved bf16 ones and PyTorch refuses the backward (seen with the aot_eager backend on the CPU).
* ``block_offload``, ``fp8+block_offload``: refused, :func:`training_problem` says why.

The predicted peak (:func:`training_peak`, a pure function of sizes) is said before training, and
a warning names what would fit when it does not."""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass

import torch

from studio.core.errors import StudioError

from ..memory.modes import fp8_available, free_memory
from ..memory.sizes import fmt_gb, module_bytes, usable

TRAINABLE_MODES = {"gpu": "all on the GPU", "model_offload": "the denoiser on the GPU, the other parts on the host",
                   "fp8": "base weights stored in 8 bits, computed in bf16; the other parts on the host"}
FP8_WORDS = "base weights stored in 8 bits, computed in bf16"
# a block's forward keeps about this many times its input for the backward pass (saved-tensor
# hooks on the CPU, one block in Wan 14B's proportions: 37); checkpointing keeps one per block
# and recomputes one block at a time. An estimate: not measured on a GPU.
BLOCK_SAVED = 40
ADAM_BYTES = 16  # a trained weight in fp32, its gradient and AdamW's two moments


def training_problem(memory: str) -> str | None:
    """Why Train Video LoRA cannot train a model loaded with ``memory`` (None: it can)."""
    if memory in TRAINABLE_MODES:
        return None
    return (f"Train Video LoRA cannot train a model that Load Video Model loaded with memory '{memory}': "
            "diffusers' group offloading is built for inference (the blocks the backward pass recomputes are "
            "loaded onto the GPU and never offloaded, since PyTorch ends a recompute before the offload hook "
            "runs, and the LoRA's own weights go to the host with their block). Set memory to 'fp8': base "
            "weights stored in 8 bits, half the memory (Wan 14B's denoiser: about 14 GB)")


def training_peak(weights: int, lora_params: int, hidden: int, blocks: int, checkpointing: bool,
                  block_compute: int = 0) -> int:
    """Bytes on the device at the peak of a training step: the weights kept there, one block's
    weights cast up to compute (fp8 storage), the LoRA in fp32 with its gradient and AdamW's two
    moments, and the activations. ``hidden``: one block's input (batch x tokens x width x compute
    bytes); checkpointing keeps one per block and recomputes one block, else every block keeps
    ``BLOCK_SAVED`` of them."""
    act = hidden * (blocks + BLOCK_SAVED) if checkpointing else hidden * blocks * BLOCK_SAVED
    return weights + block_compute + ADAM_BYTES * lora_params + act


# -- sizes of the run ----------------------------------------------------------------------------
def main_blocks(transformer) -> list:
    return list(getattr(transformer, "blocks", None) or getattr(transformer, "transformer_blocks", None) or [])


def lora_param_count(transformer, targets, rank: int) -> int:
    """Weights of a rank-``rank`` LoRA on the linear layers named by ``targets``."""
    n = 0
    for name, m in transformer.named_modules():
        base = getattr(m, "base_layer", m)
        if isinstance(base, torch.nn.Linear) and any(name == t or name.endswith("." + t) for t in targets):
            n += int(rank) * (base.in_features + base.out_features)
    return n


def clip_tokens(pipe, transformer, bucket) -> int:
    """The denoiser's tokens for one clip of ``bucket`` (the VAE's compression, the patch size)."""
    cfg = transformer.config
    t = getattr(pipe, "vae_scale_factor_temporal", None) or getattr(pipe, "vae_temporal_compression_ratio", None) or 4
    sp = getattr(pipe, "vae_scale_factor_spatial", None) or getattr(pipe, "vae_spatial_compression_ratio", None) or 8
    p = cfg.get("patch_size", 1) or 1
    pt, ph, pw = tuple(p) if isinstance(p, (list, tuple)) else (cfg.get("patch_size_t") or 1, p, p)
    frames = (bucket.frames - 1) // int(t) + 1
    return -(-frames // pt) * max(1, bucket.height // int(sp) // ph) * max(1, bucket.width // int(sp) // pw)


def resident_bytes(pipe, transformer, offloaded: bool, text_encoder_off: bool) -> int:
    """The weights on the device while training: the denoiser alone when the other parts are
    offloaded, else every part but the text encoder moved to the host."""
    if offloaded:
        return module_bytes(transformer)
    return sum(module_bytes(c) for n, c in pipe.components.items()
               if isinstance(c, torch.nn.Module) and not (text_encoder_off and n == "text_encoder"))


# -- the plan, said before training ---------------------------------------------------------------
@dataclass(frozen=True)
class TrainingPlan:
    mode: str  # Load Video Model's memory, which the run trains in
    checkpointing: bool
    compile: str  # the compile choice the step takes ('off' under fp8)
    compiles: bool  # the step is compiled (the loop's first step is set-up)
    peak: int
    free: int | None
    said: str  # under the node before training
    notes: tuple[str, ...] = ()
    warning: str | None = None


def plan_training(ref, pipe, transformer, s, bucket, targets) -> TrainingPlan:
    """The memory mode a run trains in, its predicted peak and what it changes (StudioError when
    the mode cannot train)."""
    from ..memory.speed import compile_wanted
    problem = training_problem(ref.memory)
    if problem:
        raise StudioError(problem)
    dev = torch.device(ref.device) if ref.device is not None else torch.device("cpu")
    mode, fp8, notes = ref.memory, ref.memory == "fp8", []
    ckpt, comp = bool(s.gradient_checkpointing), s.compile
    if fp8 and not ckpt:
        ckpt = True
        notes.append("gradient checkpointing is on for fp8 base weights (without it the backward pass keeps a bf16 "
                     "copy of every layer: no memory saved)")
    if fp8 and compile_wanted(comp, dev):
        comp = "off"
        notes.append("regional compile is off for fp8 base weights (compiled blocks recompute with the fp8 weights "
                     "under gradient checkpointing, which PyTorch refuses)")
    blocks = main_blocks(transformer)
    cbytes = transformer.dtype.itemsize  # the compute dtype (diffusers reports it under layerwise casting)
    hidden = int(s.batch) * clip_tokens(pipe, transformer, bucket) * cbytes * \
        int(transformer.config.num_attention_heads) * int(transformer.config.attention_head_dim)
    block_compute = max((sum(p.numel() for p in b.parameters()) for b in blocks), default=0) * cbytes
    lora = lora_param_count(transformer, targets, s.rank)
    te_off = bool(s.offload_text_encoder) and dev.type != "cpu"

    def peak_of(weights: int, checkpointing: bool, cast: bool) -> int:
        return training_peak(weights, lora, hidden, len(blocks), checkpointing, block_compute if cast else 0)
    resident = resident_bytes(pipe, transformer, bool(ref.offload) or (fp8 and dev.type == "cuda"), te_off)
    peak = peak_of(resident, ckpt, fp8)
    free = free_memory(dev)
    where = f"of {fmt_gb(free)} free on the GPU" if free is not None else "in the host's memory (no GPU)"
    what = TRAINABLE_MODES[mode] if dev.type != "cpu" else FP8_WORDS if fp8 else "all in memory"
    said = (f"training memory: {mode} ({what}){', gradient checkpointing' if ckpt else ''}; "
            f"peak about {fmt_gb(peak)} {where}")
    warning = None
    if free is not None and peak > usable(free):
        fits = []
        if not ckpt and peak_of(resident, True, fp8) <= usable(free):
            fits.append("gradient_checkpointing on")
        if not fp8 and fp8_available(ref.dtype):
            p8 = peak_of(module_bytes(transformer) // 2, True, True)
            if p8 <= usable(free):
                fits.append(f"Load Video Model's memory 'fp8' (peak about {fmt_gb(p8)})")
        warning = (f"training is predicted to need about {fmt_gb(peak)} but {fmt_gb(free)} is free on the GPU: it "
                   "will likely run out of memory; " + (" or ".join(fits) + " would fit" if fits else
                                                        "lower the frames, size, batch or rank"))
    return TrainingPlan(mode, ckpt, comp, compile_wanted(comp, dev), peak, free, said, tuple(notes), warning)


# -- for the run -----------------------------------------------------------------------------------
@contextmanager
def placed(ref, pipe, transformer, device):
    """Model offload on CUDA: every part on the host and the denoiser on
    the GPU for the run; the offload hooks re-armed after, every part on the host."""
    if not ref.offload:
        yield
        return
    pipe.maybe_free_model_hooks()
    transformer.to(device)
    try:
        yield
    finally:
        pipe.maybe_free_model_hooks()


def step_speed(tr):
    """The speed settings on the denoiser for the run (speed.speed_applied, training: backends
    with a backward pass only): the attention backend, and regional compile as planned."""
    from types import SimpleNamespace

    from ..memory.speed import speed_applied
    return speed_applied(SimpleNamespace(info=tr.info, warn=tr.warn), tr.ref, tr.pipe,
                         {"compile": tr.plan.compile, "attention": tr.s.attention}, training=True)
