"""What a run puts on the card, counted part by part, and the memory mode planned from it.

Issue 73: under a 12 GB cap the old plan (modes.predicted_peak: the weights plus one allowance)
accepted fp8 and fp8+block_offload with 23 of 40 blocks kept, and both ran out of memory. What it
left out shows in the measured table (Wan 2.1 14B, 832x480x33): the peak of a block-offload run
is not in the denoising but in the VAE decode, with the kept blocks still on the card beside the
decoder's own 4.4 GB. So the count here is made phase by phase, each phase everything that is on
the card while it runs, and the plan is the largest:

* **text**: the text encoder (streamed leaf by leaf in the fp8 and block modes: its largest two
  leaves), with whatever stays resident;
* **denoise**: the weights kept resident (all of the denoiser in 'gpu' and 'fp8'; the kept blocks
  in the block modes, plus the denoiser's parts outside its blocks, onloaded with the first block),
  the blocks in flight (the running one and the one prefetched on the side stream), the up-cast
  copy of the running layer (fp8 storage: each layer cast to bf16 while it runs), and the run's
  tensors for the clip: tokens x (a x hidden + b x FFN width) bytes (the family's MemoryCounts);
* **decode**: what stays resident, the VAE and its decode (bytes per output pixel, or per tile
  when tiled).

Then the kernels' workspaces (:data:`WORKSPACE`) and the allocator's fragments on top
(:data:`FRAGMENTATION`). A mode is accepted when that fits what a plan may use of the card
(sizes.usable: HEADROOM of it, and ALLOCATOR_SLACK under it); the block modes keep as many blocks
as still fit (not as many as the weights alone leave room for). Nothing here loads a model: the facts come from the modules (a
meta-device model will do: parameters are counted, never read). Importing it costs nothing."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .sizes import GB, fmt_gb, module_bytes, usable

# The run's tensors per token where the family has not measured its own (base/capabilities.py MemoryCounts):
# an estimate from the transformer's config, said as such. a x hidden + b x FFN width bytes: about 16 bf16 values
# a channel live at the attention's peak (the residual, the norm's fp32 copy, q, k, v, their rotated copies, the
# output) and three FFN-wide bf16 tensors (the up projection, its activation, a gate); plus, per head, the
# attention's fp32 softmax statistics (HEAD_BYTES). Wan's measured factor (24, 4) is below it.
ESTIMATED_ACTIVATION = (32, 6)
DEFAULT_ACTIVATION = ESTIMATED_ACTIVATION
HEAD_BYTES = 8  # per head per token in the estimate (two fp32 numbers: the softmax's max and sum)
# a video VAE's decode peak per output pixel: Wan 2.1's at 832x480x33 measured 4.43 GB above the weights
# all on the GPU (32.0 - 27.57) and 4.46 beside 40 fp8 blocks; this says 4.54
DECODE_BYTES_PER_PIXEL = 370
TILE = 256 * 256  # the pixels of one tile of a tiled decode (diffusers' Wan VAE tile_sample_min)
FRAGMENTATION = 0.05  # the allocator's fragments on top of what is allocated at the peak
WORKSPACE = 256 * 1024 ** 2  # cuBLAS and cuDNN workspaces (taken from the caching allocator) and small tensors
MODES_IN_ORDER = ("gpu", "model_offload", "fp8", "fp8+block_offload", "block_offload")


@dataclass(frozen=True)
class Denoiser:
    """A denoiser's bytes at the load dtype and in fp8 storage, and its widths."""
    blocks: int  # how many blocks (per expert)
    block: int  # one block
    block_fp8: int  # one block under layerwise casting (its norms stay at the load dtype)
    outside: int  # the parts outside the blocks (embeddings, heads)
    outside_fp8: int
    layer: int  # the largest fp8 layer's weights at the compute dtype: its up-cast copy while it runs
    hidden: int
    ffn: int
    experts: int = 1  # Wan 2.2 A14B: 2 (one runs at a time; both are kept where they stay)
    activation: tuple[int, int] = DEFAULT_ACTIVATION  # the family's MemoryCounts
    patch: tuple[int, int, int] = (1, 2, 2)
    vae_scale: tuple[int, int] = (4, 8)  # frames and pixels per latent
    heads: int = 0
    measured: bool = False  # ``activation`` measured for the family (MemoryCounts), not ESTIMATED_ACTIVATION
    text_tokens: int = 0  # the prompt's tokens the denoiser's attention runs over beside the video's (joint attention)

    def weights(self, fp8: bool) -> int:
        """Bytes of one expert, whole."""
        return self.blocks * (self.block_fp8 if fp8 else self.block) + (self.outside_fp8 if fp8 else self.outside)


@dataclass(frozen=True)
class Parts:
    denoiser: Denoiser
    text: int = 0  # the text encoder(s)
    vae: int = 0
    other: int = 0  # image encoder and the like
    text_streamed: int = 0  # on the card while a leaf-streamed text encoder runs (0: all of it)


@dataclass(frozen=True)
class Clip:
    width: int = 832
    height: int = 480
    frames: int = 33
    tiled: bool = False  # the VAE decodes in tiles

    def words(self) -> str:
        return f"{self.width}x{self.height}x{self.frames}"


PLAN_CLIP = Clip()  # what the loader plans for before the clip is known (the size of the measured table)


@dataclass(frozen=True)
class Layout:
    """Where each part is in a mode."""
    fp8: bool = False
    denoiser_stays: bool = True  # the whole denoiser stays on the card through the run
    others_stay: bool = True  # the text encoder and VAE stay on the card
    streamed: bool = False  # the denoiser's blocks streamed (block offload), ``kept`` of them resident
    text_streamed: bool = False  # the text encoder streamed leaf by leaf while it runs (modes.group_offload)


LAYOUTS = {
    "gpu": Layout(),
    "model_offload": Layout(denoiser_stays=False, others_stay=False),
    # fp8: the denoiser stays on the card in fp8, the others move on while they run (modes.py)
    "fp8": Layout(fp8=True, others_stay=False, text_streamed=True),
    "block_offload": Layout(denoiser_stays=False, others_stay=False, streamed=True, text_streamed=True),
    "fp8+block_offload": Layout(fp8=True, denoiser_stays=False, others_stay=False, streamed=True,
                                text_streamed=True),
}
# what 'fp8' was before issue 73: every part model-offloaded, the denoiser too (moved on and off each run)
FP8_MODEL_OFFLOAD = Layout(fp8=True, denoiser_stays=False, others_stay=False)


def tokens(d: Denoiser, clip: Clip) -> int:
    ft, fs = d.vae_scale
    pt, ph, pw = d.patch
    lat_f = (max(1, clip.frames) - 1) // ft + 1
    return -(-lat_f // pt) * -(-(clip.height // fs) // ph) * -(-(clip.width // fs) // pw)


def activations(d: Denoiser, clip: Clip) -> int:
    a, b = d.activation
    per_head = 0 if d.measured else HEAD_BYTES * d.heads
    return (tokens(d, clip) + d.text_tokens) * (a * d.hidden + b * d.ffn + per_head)


def decode_bytes(clip: Clip) -> int:
    pixels = clip.width * clip.height
    if clip.tiled:
        return DECODE_BYTES_PER_PIXEL * clip.frames * min(pixels, TILE) + 12 * clip.frames * pixels
    return DECODE_BYTES_PER_PIXEL * clip.frames * pixels


def phases(p: Parts, layout: Layout, clip: Clip, kept: int = 0) -> dict[str, int]:
    """Bytes allocated at the peak of each phase (module docstring), before fragmentation.
    ``kept``: the blocks a streamed layout keeps resident (over every expert)."""
    d = p.denoiser
    blk, out = (d.block_fp8, d.outside_fp8) if layout.fp8 else (d.block, d.outside)
    one = d.weights(layout.fp8)
    if layout.streamed:
        stays = min(kept, d.blocks * d.experts) * blk
        running = 2 * blk + out  # the block running, the one prefetched, the parts outside the blocks
    elif layout.denoiser_stays:
        stays, running = d.experts * one, 0
    else:
        stays, running = 0, one  # model offload: the running expert alone, moved on for the denoising
    others = p.text + p.vae + p.other if layout.others_stay else 0
    upcast = d.layer if layout.fp8 else 0
    text = (p.text_streamed or p.text) if layout.text_streamed else p.text
    return {"text": stays + (others or text),
            "denoise": stays + others + running + upcast + activations(d, clip),
            "decode": stays + (others or p.vae) + decode_bytes(clip)}


def peak(p: Parts, layout: Layout, clip: Clip, kept: int = 0) -> int:
    return int((max(phases(p, layout, clip, kept).values()) + WORKSPACE) * (1 + FRAGMENTATION))


@dataclass(frozen=True)
class Plan:
    mode: str
    peak: int  # bytes predicted at the peak, fragments included
    fits: bool
    kept: int = 0  # blocks kept resident (block modes)
    blocks: int = 0  # the denoisers' blocks in all
    clip: Clip = PLAN_CLIP
    estimated: bool = False  # the run's tensors estimated from the config (no measured factor for the family)

    def words(self) -> str:
        kept = (f", {self.kept} of {self.blocks} blocks kept on the card" if "block" in self.mode else "")
        est = " (the run's tensors estimated from the model's config, not measured)" if self.estimated else ""
        return f"'{self.mode}'{kept}, peak about {fmt_gb(self.peak)} at {self.clip.words()}{est}"


def plan_mode(p: Parts, mode: str, cap: int, clip: Clip = PLAN_CLIP, kept: int | None = None) -> Plan:
    """``mode`` on a card with ``cap`` bytes free: its predicted peak and whether it fits what a plan may use
    of them. A block mode keeps as many blocks as fit (or ``kept``, to check a given residency)."""
    layout = LAYOUTS[mode]
    budget = usable(cap)
    n = p.denoiser.blocks * p.denoiser.experts
    if layout.streamed and kept is None:
        kept = 0
        lo, hi = 0, n  # the most blocks whose peak still fits (the peak grows with them)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if peak(p, layout, clip, mid) <= budget:
                lo = mid
            else:
                hi = mid - 1
        kept = lo
    kept = kept or 0
    pk = peak(p, layout, clip, kept)
    return Plan(mode, pk, pk <= budget, kept if layout.streamed else 0, n, clip, not p.denoiser.measured)


def best_plan(p: Parts, cap: int, clip: Clip = PLAN_CLIP, fp8_ok: bool = True) -> Plan | None:
    """The fastest mode that fits (MODES_IN_ORDER), None when none does."""
    for mode in MODES_IN_ORDER:
        if mode.startswith("fp8") and not fp8_ok:
            continue
        got = plan_mode(p, mode, cap, clip)
        if got.fits:
            return got
    return None


def settle(p: Parts, asked: str, cap: int, clip: Clip = PLAN_CLIP, fp8_ok: bool = True) -> tuple[Plan, str | None]:
    """(the plan to run, what to say or None): the asked mode when it fits; else the fastest that
    does, said in words, before anything goes on the card. Raises ValueError when none fits."""
    if asked != "auto":
        got = plan_mode(p, asked, cap, clip)
        if got.fits:
            return got, None
    best = best_plan(p, cap, clip, fp8_ok)
    if best is None:
        last = plan_mode(p, "fp8+block_offload" if fp8_ok else "block_offload", cap, clip, kept=0)
        raise ValueError(f"no memory mode fits {fmt_gb(cap)} free on the GPU at {clip.words()}: even "
                         f"{last.words()}; lower the size or frames, or free the GPU")
    if asked == "auto":
        return best, None
    return best, (f"memory '{asked}' needs about {fmt_gb(got.peak)} at {clip.words()} but {fmt_gb(cap)} is free "
                  f"on the GPU: it would run out of memory, so {best.words()} is used instead")


def clip_check(p: Parts, plan: Plan, cap: int, clip: Clip) -> str | None:
    """Before a run: the clip asked for against the plan the model was loaded with (for
    PLAN_CLIP, its blocks kept as planned). None when it fits; else the words, with the most
    frames that fit (the decode tiled when whole it would not fit, as the sampler does)."""
    layout = LAYOUTS.get(plan.mode)
    if layout is None:
        return None
    budget = usable(cap)

    def need(frames: int) -> int:
        c = replace(clip, frames=frames)
        whole = peak(p, layout, c, plan.kept)
        return whole if whole <= budget else peak(p, layout, replace(c, tiled=True), plan.kept)
    got = need(clip.frames)
    if got <= budget:
        return None
    ft = p.denoiser.vae_scale[0]
    fits = next((f for f in range(clip.frames - 1, 0, -1) if (f - 1) % ft == 0 and need(f) <= budget), None)
    return (f"{clip.words()} is predicted to need about {fmt_gb(got)} of GPU memory at its peak with memory "
            f"{plan.words().split(', peak')[0]}, planned for {plan.clip.words()} on {fmt_gb(cap)}: it may run out "
            "of memory; " + (f"{fits} frames fit at this size" if fits else "lower the size") +
            ", or load the model again for this clip")


# -- the facts, from modules (a meta-device model will do) ----------------------------------------
def _fp8_bytes(module, skip: tuple[str, ...]) -> tuple[dict[str, int], int]:
    """({name: bytes} of each parameter under diffusers' layerwise casting to fp8, the most weights
    of one layer it casts). Its rule: a layer of the kinds it casts, not matched by a skip
    pattern, stores its weights in 1 byte; the rest stay as they are."""
    from diffusers.hooks._common import _GO_LC_SUPPORTED_PYTORCH_LAYERS
    out: dict[str, int] = {}
    largest = [0]

    def walk(m, prefix: str, cast: bool) -> None:
        if prefix and any(re.search(pat, prefix) for pat in skip):
            cast = False
        here = cast and isinstance(m, _GO_LC_SUPPORTED_PYTORCH_LAYERS)
        if here:
            largest[0] = max(largest[0], sum(t.numel() for t in m.parameters()))
        for name, t in list(m.named_parameters(recurse=False)) + list(m.named_buffers(recurse=False)):
            if t is not None:
                out[f"{prefix}.{name}" if prefix else name] = t.numel() * (1 if here else t.element_size())
        for name, c in m.named_children():
            walk(c, f"{prefix}.{name}" if prefix else name, cast and not here)
    walk(module, "", True)
    return out, largest[0]


def _config_widths(cfg: dict) -> tuple[int, int, int, tuple[int, int, int]]:
    """(hidden, FFN width, heads, patch (t, h, w)) from a transformer's config, in the names the
    families' diffusers configs use (Wan: ffn_dim; HunyuanVideo: mlp_ratio, patch_size_t; LTX and
    CogVideoX: a 4x FFN); 0 where it does not tell."""
    heads, dim = int(cfg.get("num_attention_heads") or 0), int(cfg.get("attention_head_dim") or 0)
    hidden = heads * dim or int(cfg.get("hidden_size") or 0) or int(cfg.get("inner_dim") or 0)
    ffn = int(cfg.get("ffn_dim") or 0) or int(float(cfg.get("mlp_ratio") or 4.0) * hidden)
    patch = cfg.get("patch_size") or (1, 2, 2)
    if isinstance(patch, int):
        patch = (int(cfg.get("patch_size_t") or 1), patch, patch)
    patch = tuple(int(x) for x in patch)
    return hidden, ffn, heads, patch if len(patch) == 3 else (1,) + patch


def denoiser_facts(module, experts: int = 1, activation: tuple[int, int] | None = None,
                   vae_scale: tuple[int, int] = (4, 8), text_tokens: int = 0) -> Denoiser:
    """The facts of a denoiser module (its first expert for both when ``experts`` is 2).
    ``activation``: the family's measured factor (MemoryCounts); None: ESTIMATED_ACTIVATION with
    the heads' share, said as estimated."""
    from diffusers.hooks.layerwise_casting import DEFAULT_SKIP_MODULES_PATTERN

    from .residency import flat_blocks
    skip = tuple(getattr(module, "_skip_layerwise_casting_patterns", None) or DEFAULT_SKIP_MODULES_PATTERN)
    fp8, largest = _fp8_bytes(module, skip)
    names = {id(p): n for n, p in module.named_parameters()}
    blocks = flat_blocks(module)
    block = max((module_bytes(b) for b in blocks), default=0)
    in_block = [sum(fp8.get(names.get(id(t)), 0) for t in b.parameters()) for b in blocks]
    whole = module_bytes(module)
    hidden, ffn, heads, patch = _config_widths(dict(getattr(module, "config", None) or {}))
    return Denoiser(blocks=len(blocks), block=block, block_fp8=max(in_block, default=0),
                    outside=whole - sum(module_bytes(b) for b in blocks),
                    outside_fp8=sum(fp8.values()) - sum(in_block), layer=2 * largest,
                    hidden=hidden, ffn=ffn, experts=experts,
                    activation=activation or ESTIMATED_ACTIVATION, patch=patch, vae_scale=vae_scale, heads=heads,
                    measured=activation is not None, text_tokens=text_tokens)


def vae_scale_of(pipe) -> tuple[int, int]:
    """(frames, pixels) per latent of a pipeline, from the attributes its diffusers class sets
    (Wan, HunyuanVideo, CogVideoX: vae_scale_factor_*; LTX: vae_*_compression_ratio); Wan's 4 and 8
    where it has none."""
    t = getattr(pipe, "vae_scale_factor_temporal", None) or getattr(pipe, "vae_temporal_compression_ratio", None)
    s = getattr(pipe, "vae_scale_factor_spatial", None) or getattr(pipe, "vae_spatial_compression_ratio", None)
    return (int(t) if isinstance(t, int) and t > 0 else 4), (int(s) if isinstance(s, int) and s > 0 else 8)


JOINT_TEXT_TOKENS = 256  # a joint-attention denoiser (HunyuanVideo, CogVideoX, Mochi) runs its attention over the
# prompt's tokens beside the video's: their share of the run, at the prompt length these pipelines pad to or near


def joint_text_tokens(den) -> int:
    """The prompt's tokens a denoiser's attention runs over beside the video's: CogVideoX's config
    says them (max_text_seq_length); a joint-attention block (HunyuanVideo's dual blocks, Mochi:
    diffusers' Attention with ``add_q_proj``) JOINT_TEXT_TOKENS; 0 for cross-attention (Wan, LTX)."""
    cfg = dict(getattr(den, "config", None) or {})
    if cfg.get("max_text_seq_length"):
        return int(cfg["max_text_seq_length"])
    return JOINT_TEXT_TOKENS if any(n.endswith("add_q_proj") for n, _ in den.named_modules()) else 0


def pipeline_parts(pipe, denoiser: str, activation: tuple[int, int] | None = None) -> Parts:
    """The facts of a loaded pipeline (on the CPU: nothing is moved). ``activation``: the family's
    measured factor; None: estimated from the denoiser's config."""
    import torch
    comps = {n: c for n, c in pipe.components.items() if isinstance(c, torch.nn.Module)}
    dens = [n for n in comps if n in (denoiser, f"{denoiser}_2")]
    den = comps[denoiser]
    d = denoiser_facts(den, experts=len(dens), activation=activation, vae_scale=vae_scale_of(pipe),
                       text_tokens=0 if activation is not None else joint_text_tokens(den))
    text = sum(module_bytes(c) for n, c in comps.items() if n.startswith("text_encoder"))
    # leaf by leaf: the largest leaf (UMT5's shared embedding) and the next, prefetched
    leaf = max((sum(t.numel() * t.element_size() for t in m.parameters(recurse=False)) for n, c in comps.items()
                if n.startswith("text_encoder") for m in c.modules()), default=0)
    vae = sum(module_bytes(c) for n, c in comps.items() if n.startswith("vae"))
    other = sum(module_bytes(c) for n, c in comps.items()) - text - vae - sum(module_bytes(comps[n]) for n in dens)
    return Parts(d, text, vae, other, text_streamed=min(text, 2 * leaf))


def header_parts(den_bytes: int, other_bytes: int, config: dict | None = None, experts: int = 1,
                 vae_scale: tuple[int, int] = (4, 8)) -> Parts | None:
    """The plan's parts from what the weight files' headers tell before anything is read (the
    picker, the node's check before loading): the denoiser's bytes, the other parts' bytes, and
    its config.json where there is one (blocks, widths). Approximate where a loaded model is
    counted: the blocks taken as equal and holding 97 % of the denoiser, fp8 halving them, the
    VAE as at most 0.5 GB of the rest, the text encoder whole on the card while it runs; the
    run's tensors estimated (ESTIMATED_ACTIVATION). None when the config does not give the widths
    (then the caller keeps the size-only plan)."""
    cfg = dict(config or {})
    hidden, ffn, heads, patch = _config_widths(cfg)
    blocks = sum(int(cfg.get(k) or 0) for k in ("num_layers", "num_single_layers"))
    if not hidden or not blocks or den_bytes <= 0:
        return None
    one = den_bytes // max(1, experts)
    block = int(one * 0.97) // blocks
    outside = one - block * blocks
    d = Denoiser(blocks=blocks, block=block, block_fp8=block // 2 + 1, outside=outside, outside_fp8=outside,
                 layer=2 * hidden * ffn, hidden=hidden, ffn=ffn, experts=experts, patch=patch, vae_scale=vae_scale,
                 heads=heads, text_tokens=int(cfg.get("max_text_seq_length") or 0) or (
                     JOINT_TEXT_TOKENS if cfg.get("num_single_layers") else 0))
    vae = min(other_bytes, GB // 2)
    return Parts(d, text=other_bytes - vae, vae=vae)


def with_experts(p: Parts, experts: int) -> Parts:
    return replace(p, denoiser=replace(p.denoiser, experts=experts))

