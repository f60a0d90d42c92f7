"""Memory and speed modes at real configurations (random weights), for bench_video_models.py --real.

Cases (built in memory, on the GPU, seeded: every mode gets the same weights):
  * wan14b:   Wan 2.1 14B's transformer (dim 5120, 40 heads, 40 layers, ffn 13824) at 832x480x33;
  * wan22_5b: Wan 2.2 TI2V-5B's transformer (dim 3072, 24 heads, 30 layers, 48 latent channels,
              expand_timesteps) with a 48-channel Wan VAE at 1280x704x41;
  * wan13b:   Wan 2.1 1.3B at 832x480x33 (the speed modes' case).
A 2-layer UMT5 of the real width stands in for UMT5-XXL (its size is said, not measured).

Memory modes (gpu, model_offload, block_offload, fp8, fp8+block_offload) are applied with
nodes.video_models.memory.modes.apply_memory, the function Load Video Model uses, each under a cap
set with torch.cuda.set_per_process_memory_fraction standing for a smaller card (``--caps
none,24,16,12,8``); the block modes keep as many blocks on the card as the cap leaves room for
(residency.py), and the line says how many. Speed modes (compile, attention, first_block, taylorseer, faster) run on the
uncapped all-on-GPU pipeline through nodes.video_models.memory.speed. Each run reports its time against
the uncapped all-on-GPU run of the same case, peak GPU memory, the planner's predicted peak, and
the frames' max difference (in 1/255) and PSNR against that reference. A mode written
``mode@cap`` runs under that cap alone (``--modes fp8@22,plan@16,plan@12,plan@8``). Each line is printed as
soon as it is measured (a killed run still reports) and the JSON is rewritten after every line.

The reference (uncapped gpu) frames and time are kept in the results folder, so the cases can
be run in pieces (``--modes``, ``--caps``) in separate calls on the same machine.

One process per case, its model built once (issue 73's H100 check): the random-weight model is
built on the card (seconds; on the host a 14 B model takes half a minute), the reference runs
first, then its weights are copied to the host once (:func:`snapshot`) and every mode and cap
gets a fresh pipeline made from that copy (:func:`restore`: a meta-device build whose tensors are
the copy's, nothing re-initialised). Each run has a warm-up of the same call with fewer steps
(:data:`WARMUP_STEPS`) before the timed one, and the timed row carries the caching allocator's
counters (retries, reserved peak): what the anomaly of the first H100 check (16 GB 1.45x, 12 GB
1.13x) needs to be told apart next time."""
from __future__ import annotations

import gc
import json
import os
import tempfile
import time
from contextlib import ExitStack, nullcontext

CASES = {  # name: (transformer kwargs, width, height, frames, vae kind, pipeline kwargs)
    "wan14b": (dict(num_attention_heads=40, attention_head_dim=128, ffn_dim=13824, num_layers=40, in_channels=16,
                    out_channels=16), 832, 480, 33, "wan21", {}),
    "wan22_5b": (dict(num_attention_heads=24, attention_head_dim=128, ffn_dim=14336, num_layers=30, in_channels=48,
                      out_channels=48), 1280, 704, 41, "wan22", {"expand_timesteps": True}),
    # Wan 2.2 A14B: two experts of Wan 14B's config (high noise, then low noise at the boundary)
    "wan22_a14b": (dict(num_attention_heads=40, attention_head_dim=128, ffn_dim=13824, num_layers=40, in_channels=16,
                        out_channels=16), 832, 480, 33, "wan21", {"boundary_ratio": 0.875}),
    "wan13b": (dict(num_attention_heads=12, attention_head_dim=128, ffn_dim=8960, num_layers=30, in_channels=16,
                    out_channels=16), 832, 480, 33, "wan21", {}),
}
WARMUP_STEPS = 2  # the timed call with 2 steps: text, both guidance passes (the first traces group offload's
# prefetch order, the second runs with it), the scheduler's second order, the decode at the same size, and
# both of Wan 2.2 A14B's experts (1 step ran only the high-noise one: the other's trace fell in the timed run)
MEMORY = ("gpu", "model_offload", "block_offload", "fp8", "fp8+block_offload", "plan")  # plan: what the plan picks
SPEED = ("compile", "attention", "first_block", "taylorseer", "faster")
PROFILE_CALL = False  # bench_video_models.py --profile-call: each streamed row's extra profiled call (gpu_probe.py)


def make_pipe(case: str, small: bool, device: str):
    """The case's WanPipeline, built on ``device`` in bf16 from seed 0 (the same weights each time)."""
    import torch
    from diffusers import AutoencoderKLWan, UniPCMultistepScheduler, WanPipeline, WanTransformer3DModel

    from benchmarks.real_video_models import _text_encoder
    tr_kw, *_rest, vae_kind, pipe_kw = CASES[case]
    if small:
        tr_kw = dict(tr_kw, num_attention_heads=2, attention_head_dim=16, ffn_dim=64, num_layers=3)
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.bfloat16)  # a 14 B model initialised in fp32 would need 57 GB
    try:
        with torch.device(device):
            torch.manual_seed(0)
            with tempfile.TemporaryDirectory(prefix="studio-bench-tok-") as tok_dir:  # read whole: not kept
                tok, te, width = _text_encoder(small, tok_dir)
            tr = WanTransformer3DModel(patch_size=(1, 2, 2), text_dim=width, freq_dim=256, cross_attn_norm=True,
                                       qk_norm="rms_norm_across_heads", eps=1e-6, rope_max_seq_len=1024, **tr_kw)
            if "boundary_ratio" in pipe_kw:
                pipe_kw = dict(pipe_kw, transformer_2=WanTransformer3DModel(
                    patch_size=(1, 2, 2), text_dim=width, freq_dim=256, cross_attn_norm=True,
                    qk_norm="rms_norm_across_heads", eps=1e-6, rope_max_seq_len=1024, **tr_kw))
            if vae_kind == "wan22":
                z = tr_kw["in_channels"]
                vae = AutoencoderKLWan(base_dim=16 if small else 160, decoder_base_dim=16 if small else 256, z_dim=z,
                                       dim_mult=[1, 2, 4, 4], num_res_blocks=1 if small else 2,
                                       temperal_downsample=[False, True, True], is_residual=True, in_channels=12,
                                       out_channels=12, patch_size=2, scale_factor_temporal=4, scale_factor_spatial=16,
                                       latents_mean=[0.0] * z, latents_std=[1.0] * z)
            else:
                vae = AutoencoderKLWan(base_dim=8 if small else 96, z_dim=16, dim_mult=[1, 2, 4, 4],
                                       num_res_blocks=1 if small else 2, temperal_downsample=[False, True, True])
            with torch.no_grad():
                for m in (tr, vae, te) + ((pipe_kw["transformer_2"],) if "transformer_2" in pipe_kw else ()):
                    for p in m.parameters():
                        p.mul_(0.5)
            te = te.to(torch.bfloat16)
    finally:
        torch.set_default_dtype(old)
    sched = UniPCMultistepScheduler(prediction_type="flow_prediction", use_flow_sigmas=True, flow_shift=3.0)
    pipe = WanPipeline(tokenizer=tok, text_encoder=te, vae=vae.float() if small else vae, transformer=tr,
                       scheduler=sched, **pipe_kw)
    pipe.set_progress_bar_config(disable=True)
    return pipe


def _call(pipe, case: str, steps: int, small: bool, device: str):
    import numpy as np
    import torch
    _tr, w, h, frames, *_ = CASES[case]
    if small:
        w, h, frames = 64, 64, 5
    g = torch.Generator("cpu").manual_seed(1)
    with torch.inference_mode():
        out = pipe(prompt="a red fox running in snow", negative_prompt="blurry", height=h, width=w, num_frames=frames,
                   num_inference_steps=steps, guidance_scale=5.0, generator=g, output_type="pt")
    f = out.frames[0]
    if device == "cuda":
        torch.cuda.synchronize()
    return np.ascontiguousarray(f.permute(0, 2, 3, 1).float().cpu().numpy())


def _compare(frames, ref) -> dict:
    import numpy as np
    if ref is None or frames.shape != ref.shape:
        return {}
    mse = float(np.mean((frames - ref) ** 2))
    return {"max_diff_255": float(np.abs(frames - ref).max() * 255),
            "psnr_db": float(10 * np.log10(1.0 / max(mse, 1e-12)))}


def _free(pipe=None):
    import torch
    del pipe
    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()


def card_free_before(pipe, free_now: int, device_type: str) -> int:
    """What the card had free before ``pipe`` went on it: ``free_now`` plus the bytes of the
    pipe's tensors on ``device_type`` (each once: a tied weight is one tensor). The reference is
    built on the card (fast) and planned after: without this, Wan 2.2 A14B's 54 GB counted
    against itself on an 80 GB H100 (80 - 54 free) and its all-on-GPU reference was refused."""
    import torch
    seen: set[int] = set()
    n = 0
    for comp in pipe.components.values():
        if not isinstance(comp, torch.nn.Module):
            continue
        for t in list(comp.parameters()) + list(comp.buffers()):
            if t.device.type == device_type and id(t) not in seen:
                seen.add(id(t))
                n += t.numel() * t.element_size()
    return free_now + n


def _modules(pipe) -> dict:
    import torch
    return {n: c for n, c in pipe.components.items() if isinstance(c, torch.nn.Module)}


def snapshot(pipe) -> dict:
    """{component: {name: tensor on the host}} of every parameter and buffer of ``pipe``: the
    weights every mode of a case starts from (copied once, not rebuilt per mode)."""
    out: dict = {}
    copies: dict[int, object] = {}  # a tied weight (UMT5's shared embedding) copied once
    for name, comp in _modules(pipe).items():
        out[name] = {n: copies.setdefault(id(t), t.detach().to("cpu", copy=True)) for n, t in _tensors(comp)}
    return out


def _tensors(module) -> list:
    """(name, tensor) of every parameter and buffer, a tied one under each of its names."""
    return list(module.named_parameters(remove_duplicate=False)) + list(module.named_buffers(remove_duplicate=False))


def restore(case: str, small: bool, snap: dict):
    """A fresh pipeline of ``case`` on the host whose tensors are ``snap``'s (not copied: every
    mode replaces a weight's data rather than writing into it, so the snapshot stays as built)."""
    pipe = make_pipe(case, small, "meta")
    for name, comp in _modules(pipe).items():
        comp.to_empty(device="cpu")  # keeps the Parameter objects, ties included; then their data swapped
        tensors = snap[name]
        for n, t in _tensors(comp):
            t.data = tensors[n]
    return pipe


def _warm_solver(device: str) -> None:
    """UniPC's corrector solves a small linear system from its third step on (torch.linalg.solve
    on the device): the first solve in a process loads the solver library, which a 2-step warm-up
    does not reach; one tiny solve here, so the timed call does not pay it."""
    import torch
    torch.linalg.solve(torch.eye(2, device=device), torch.ones(2, device=device))


class PhaseClock:
    """Where a timed call's GPU time goes: CUDA events recorded around each text-encoder and
    denoiser forward and each VAE decode (no host sync until :meth:`seconds`), summed per phase.
    What a mode slower than the all-on-GPU run needs told apart (issue 73: fp8 1.66x, 16 GB 1.46x
    while 8 GB was 1.14x): the denoising, the text encoder or the decode."""

    PHASES = {"text": ("text_encoder",), "denoise": ("transformer", "transformer_2"), "decode": ("vae",)}

    def __init__(self, pipe):
        import torch
        self.spans: dict[str, list] = {k: [] for k in self.PHASES}  # [start, stop] events of each call
        self.host: dict[str, list] = {k: [] for k in self.PHASES}  # [start, stop] perf_counter of each call
        self._undo: list = []
        for phase, names in self.PHASES.items():
            for name in names:
                mod = pipe.components.get(name)
                if not isinstance(mod, torch.nn.Module):
                    continue
                if phase == "decode":
                    self._wrap_decode(mod)
                else:
                    self._undo.append(mod.register_forward_pre_hook(lambda *_a, ph=phase: self._start(ph)))
                    self._undo.append(mod.register_forward_hook(lambda *_a, ph=phase: self._stop(ph)))

    def _wrap_decode(self, vae) -> None:
        orig = vae.decode

        def decode(*a, **k):
            self._start("decode")
            try:
                return orig(*a, **k)
            finally:
                self._stop("decode")
        vae.decode = decode
        self._undo.append(lambda: vae.__dict__.pop("decode", None))

    def _start(self, phase: str) -> None:
        import torch
        ev = torch.cuda.Event(enable_timing=True)
        ev.record()
        self.spans[phase].append([ev, None])
        self.host[phase].append([time.perf_counter(), None])

    def _stop(self, phase: str) -> None:
        import torch
        ev = torch.cuda.Event(enable_timing=True)
        ev.record()
        if self.spans[phase] and self.spans[phase][-1][1] is None:
            self.spans[phase][-1][1] = ev
            self.host[phase][-1][1] = time.perf_counter()

    def reset(self) -> None:
        self.spans = {k: [] for k in self.PHASES}
        self.host = {k: [] for k in self.PHASES}

    def close(self) -> None:
        for u in self._undo:
            u.remove() if hasattr(u, "remove") else u()
        self._undo = []

    def seconds(self) -> dict:
        """{phase: seconds of GPU time between its start and stop events}, after a synchronize."""
        import torch
        torch.cuda.synchronize()
        return {k: round(sum(a.elapsed_time(b) for a, b in v if b is not None) / 1000, 3)
                for k, v in self.spans.items() if v}

    def spread_ms(self, phase: str = "denoise") -> list[float]:
        """[fastest, median, slowest] milliseconds of one call of ``phase`` (after :meth:`seconds`):
        whether a slow streamed run is slow in every denoiser call (the prefetch not overlapping) or
        in a few (allocator retries, a first call's tracing)."""
        return _spread(a.elapsed_time(b) for a, b in self.spans.get(phase, []) if b is not None)

    def host_spread_ms(self, phase: str = "denoise") -> list[float]:
        """The same for the host's time from a call's start to its return (the kernels queued, not
        run): close to the GPU's, the host waited on the GPU (diffusers' onloads synchronise the side
        stream); far under it, the host ran ahead."""
        return _spread((b - a) * 1000 for a, b in self.host.get(phase, []) if b is not None)


def _spread(ms) -> list[float]:
    """[fastest, median, slowest] of ``ms``, rounded to 0.1 ([] for none)."""
    t = sorted(ms)
    return [round(t[0], 1), round(t[len(t) // 2], 1), round(t[-1], 1)] if t else []


def _allocator(out: dict) -> None:
    import torch
    from benchmarks import gpu_probe
    st = torch.cuda.memory_stats()
    out["alloc_retries"] = st.get("num_alloc_retries", 0)
    out["reserved_peak_gb"] = st.get("reserved_bytes.all.peak", 0) / 2 ** 30
    out["allocator_counts"] = gpu_probe.allocator_counts(st)  # cudaMalloc/cudaFree, whole-device syncs


def _plan_meta(case: str, small: bool, cap_gb, mode: str, meta: dict) -> tuple[str | None, dict]:
    """The plan on the case's meta-device copy (built once per case): (the mode to run or None
    when refused, what to record)."""
    from nodes.video_models.families.wan.memory_counts import ACTIVATION as WAN
    from nodes.video_models.memory import plan as mplan
    from nodes.video_models.memory.sizes import GB
    w, h, frames = (64, 64, 5) if small else CASES[case][1:4]
    clip = mplan.Clip(w, h, frames)
    if "parts" not in meta:
        meta["parts"] = mplan.pipeline_parts(make_pipe(case, small, "meta"), "transformer", WAN)
    parts, free, out = meta["parts"], int(cap_gb * GB), {}
    best = mplan.best_plan(parts, free, clip)
    if mode == "plan":
        if best is None:
            return None, {"error": "refused by the plan: nothing fits"}
        out["planned"], mode = best.words(), best.mode
    got = mplan.plan_mode(parts, mode, free, clip)
    if not got.fits:
        return None, {"predicted_peak_gb": got.peak / GB,
                      "error": "refused by the plan" + (f": {best.words()} fits" if best else ": nothing fits")}
    return mode, out


def run_one(case: str, mode: str, cap_gb, steps: int, small: bool, device: str, ref, snap=None,
            meta: dict | None = None, keep: dict | None = None) -> dict:
    """One (case, mode, cap): a warm-up of the same call with WARMUP_STEPS steps, then the timed
    call. The pipeline: from ``snap`` (:func:`restore`), or built on the device when None (the
    reference: then the card's free memory is counted as before it went on, card_free_before).
    ``keep``: filled with the snapshot of a pipeline built here, before it is freed."""
    import torch

    from nodes.video_models.memory import speed as speedmod
    from nodes.video_models.memory.modes import apply_memory, free_memory, pipeline_sizes, predicted_peak
    from nodes.video_models.memory.sizes import GB
    cuda = device == "cuda"
    out: dict = {"case": case, "mode": mode, "cap_gb": cap_gb}
    if os.environ.get("PYTORCH_CUDA_ALLOC_CONF"):  # the caching allocator's settings, when not its defaults
        out["allocator"] = os.environ["PYTORCH_CUDA_ALLOC_CONF"]
    if cuda:  # what an earlier run left allocated (it counts against this one's cap)
        _free()
        out["left_on_card_gb"] = torch.cuda.memory_allocated() / 2 ** 30
    t0 = time.perf_counter()
    clock = sampler = None
    if mode in MEMORY and cuda and cap_gb:  # planned on a meta-device copy: a refused mode builds nothing
        mode, said = _plan_meta(case, small, cap_gb, mode, {} if meta is None else meta)
        out.update(said)
        if mode is None:
            return out, None
    elif mode == "plan":
        mode = "gpu"
    on_card = snap is None
    pipe = make_pipe(case, small, device) if on_card else restore(case, small, snap)
    sizes = pipeline_sizes(pipe, "transformer")
    out["weights_gb"] = sizes.total / GB
    if on_card and mode in MEMORY and mode != "gpu":
        pipe.to("cpu")
        _free()
        on_card = False
    scope = ExitStack()  # what a mode sets for the process, put back when the mode ends
    try:
        if cuda:
            torch.cuda.reset_peak_memory_stats()
            total = torch.cuda.get_device_properties(0).total_memory
            torch.cuda.set_per_process_memory_fraction(min(1.0, (cap_gb * GB) / total) if cap_gb else 1.0)
        t1 = time.perf_counter()
        if mode in MEMORY:
            free = free_memory(torch.device(device))  # under the cap: what the card stood for has free
            if free is not None and on_card:  # the reference, built on the card: free as before it went on
                free = card_free_before(pipe, free, torch.device(device).type)
            budget = None
            if free is not None:  # the plan counted part by part (memory/plan.py), as the loader makes it
                from nodes.video_models.families.wan.memory_counts import ACTIVATION as WAN
                from nodes.video_models.memory import plan as mplan
                parts = mplan.pipeline_parts(pipe, "transformer", WAN)
                w, h, frames = (64, 64, 5) if small else CASES[case][1:4]
                got = mplan.plan_mode(parts, mode, free, mplan.Clip(w, h, frames))
                out["predicted_peak_gb"] = got.peak / GB
                if not got.fits:  # refused before anything goes on the card, naming what fits
                    best = mplan.best_plan(parts, free, mplan.Clip(w, h, frames))
                    out["error"] = "refused by the plan" + (f": {best.words()} fits" if best else ": nothing fits")
                    return out, None
                blk = parts.denoiser.block_fp8 if mode.startswith("fp8") else parts.denoiser.block
                budget = got.kept * blk + blk // 2 if "block" in mode else None
            else:
                out["predicted_peak_gb"] = predicted_peak(mode, sizes, free) / GB
            done: list[str] = []
            apply_memory(pipe, mode, device, torch.bfloat16, "transformer", resident_budget=budget, done=done)
            if done:
                out["resident"] = done[0]  # block modes: how many blocks stayed on the card
        else:
            apply_memory(pipe, "gpu", device, torch.bfloat16, "transformer")
            if mode == "compile":
                pipe.transformer.compile_repeated_blocks(**speedmod.COMPILE_KWARGS)
            elif mode == "attention":
                name, _ = speedmod.pick_backend("auto", device)
                out["backend"] = name
                # for this mode only: the modes after it ran with its kernel, the process's default
                scope.enter_context(speedmod.attention_on([pipe.transformer], name))
            else:
                pipe.transformer.enable_cache(speedmod.cache_config(mode, pipe, "BCTHW"))
        out["setup_s"] = time.perf_counter() - t1
        out["build_s"] = t1 - t0
        t2 = time.perf_counter()
        clock = PhaseClock(pipe) if cuda else None  # from the warm-up on: a warm-up out of memory says in what
        warm = lambda: _call(pipe, case, min(WARMUP_STEPS, steps) if mode in MEMORY else steps, small, device)  # noqa: E731
        if PROFILE_CALL and cuda and "block" in mode:  # the warm-up's second denoiser call profiled as it runs, unsynced:
            from benchmarks import gpu_probe  # a first streamed run is slow here already (2026-11-29: 1.43x)
            out["profiled_warmup"] = gpu_probe.profile_call(pipe.transformer, warm, sync=False)
        else:
            warm()
        _warm_solver(device)
        out["first_run_s"] = time.perf_counter() - t2
        if mode in SPEED and hasattr(pipe.transformer, "disable_cache") and mode in ("first_block", "taylorseer",
                                                                                      "faster"):
            pipe.transformer.disable_cache()  # the cache's state is per run: fresh for the timed run
            pipe.transformer.enable_cache(speedmod.cache_config(mode, pipe, "BCTHW"))
        if cuda:
            torch.cuda.reset_peak_memory_stats()
            torch.cuda.reset_accumulated_memory_stats()  # the retries counted for the timed call alone
            clock.reset()
        from benchmarks import gpu_probe, host_probe
        window, streamed = host_probe.Window(), "block" in mode
        sampler = gpu_probe.Sampler() if cuda else None
        host = out["host"] = {}
        window.start()
        if sampler is not None:
            sampler.start()
        t3 = time.perf_counter()
        with host_probe.onload_clock(host) if streamed else nullcontext():
            frames = _call(pipe, case, steps, small, device)
        out["seconds"] = time.perf_counter() - t3
        host.update(window.stop())
        if sampler is not None:
            out["card"] = sampler.stop()
        if clock is not None:
            out["phases_s"] = clock.seconds()
            out["denoise_call_ms"] = clock.spread_ms()
            out["denoise_call_host_ms"] = clock.host_spread_ms()
            clock.close()
        if cuda:
            out["peak_gb"] = torch.cuda.max_memory_allocated() / GB
            _allocator(out)
            if streamed:  # after the peak was read: the copies below are not the run's
                out["bandwidth"] = host_probe.bandwidth(pipe.transformer)
                if PROFILE_CALL:  # one more 1-step call, its second denoiser call profiled: what a slow call waits on
                    out["profiled_call"] = gpu_probe.profile_call(pipe.transformer,
                                                                  lambda: _call(pipe, case, 1, small, device))
                    # the fifth lease: a slow first streamed run's calls were fast under the profiler. The same
                    # timed call again, whole, under it (CPU and CUDA activity, nothing exported), then plain again:
                    # the profiler's effect in the same state, and whether it lasts
                    out["timed_under_profiler_s"] = gpu_probe.timed_under_profiler(
                        lambda: _call(pipe, case, steps, small, device))
                    t4 = time.perf_counter()
                    _call(pipe, case, steps, small, device)
                    torch.cuda.synchronize()
                    out["timed_again_s"] = time.perf_counter() - t4
        out.update(_compare(frames, ref))
        return out, frames
    except torch.OutOfMemoryError as e:  # a mode that does not fit the cap is a result
        out["error"] = "out of memory"
        out["oom_said"] = " ".join(str(e).split())[:400]  # torch's figures: allocated, reserved but unallocated
        out["oom_phase"] = next((k for k, v in (clock.spans if clock else {}).items() if v and v[-1][1] is None), None)
        return out, None
    finally:
        if sampler is not None:
            sampler.stop()  # nvidia-smi ended when the call ran out of memory (a second stop does nothing)
        if cuda:
            torch.cuda.set_per_process_memory_fraction(1.0)
        scope.close()
        if keep is not None and snap is None:  # the weights as built (a run writes none of them)
            keep.update(snapshot(pipe))
        # this frame's own reference dropped before collecting: _free(pipe) alone left the pipeline (and its
        # blocks on the card, the hooks' cycles) alive until the next collection, so the mode after a run was
        # planned against the last one's leftovers (the first H200 check: fp8@22 and plan@12 refused "nothing
        # fits" after the reference and plan@16, plan@8 then ran)
        pipe = None
        _free()


def run_modes(cases: list[str], modes: list[str], caps: list, steps: int, small: bool, out_dir: str) -> dict:
    """Each case in turn, in this process: its reference first (unless kept from an earlier call),
    built on the device; the weights copied to the host once; then every mode and cap from that copy."""
    import numpy as np
    import torch
    device = "cuda" if torch.cuda.is_available() else "cpu"
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, "real_modes_small.json" if small else "real_modes.json")
    res = json.load(open(path)) if os.path.exists(path) else {"runs": [], "references": {}}
    res.update(device=torch.cuda.get_device_name() if device == "cuda" else "cpu", torch=torch.__version__,
               steps=steps, warmup_steps=WARMUP_STEPS)

    def save():
        with open(path, "w") as f:
            json.dump(res, f, indent=1)
    print(f"{'case':9} {'mode':18} {'cap':>4} {'peak GB':>8} {'pred GB':>8} {'s':>7} {'x gpu':>6} "
          f"{'max/255':>8} {'PSNR':>6} {'setup s':>8} {'1st s':>6}", flush=True)
    for case in cases:
        ref_file = os.path.join(out_dir, f"ref_{case}{'_small' if small else ''}_{steps}.npy")
        ref = np.load(ref_file) if os.path.exists(ref_file) else None
        ref_s = res["references"].get(f"{case}:{steps}")
        todo = [(m, c) for m, c in runs(modes, caps) if not (m == "gpu" and c is None)]
        meta: dict = {}
        snap: dict = {}
        if ref is None or ref_s is None:  # the reference first, in this process (built on the device)
            r, frames = run_one(case, "gpu", None, steps, small, device, None, None, meta, keep=snap if todo else None)
            if frames is not None:
                np.save(ref_file, frames)
                ref, ref_s = frames, r["seconds"]
                res["references"][f"{case}:{steps}"] = ref_s
            r["reference"] = True
            res["runs"].append(r)
            _print(r, ref_s)
            save()
        if todo and not snap:  # built on the device (seconds), copied to the host for every mode
            t = time.perf_counter()
            built = make_pipe(case, small, device)
            snap = snapshot(built)
            del built
            _free()
            print(f"{case}: weights built and copied to the host once in {time.perf_counter() - t:.1f} s",
                  flush=True)
        for mode, cap in todo:
            r, _ = run_one(case, mode, cap, steps, small, device, ref, snap, meta)
            res["runs"].append(r)
            _print(r, ref_s)
            save()
        del snap
        _free()
    print("wrote", path, flush=True)
    return res


def runs(modes: list[str], caps: list) -> list[tuple[str, float | None]]:
    """(mode, cap) in order: a memory mode under each of ``caps``, a speed mode once, and a mode
    written ``mode@cap`` under that cap alone (``fp8@22,plan@16,plan@12``: one process, one build)."""
    out = []
    for m in modes:
        if "@" in m:
            m, c = m.split("@", 1)
            out.append((m, None if c in ("", "none") else float(c)))
        else:
            out += [(m, c) for c in (caps if m in MEMORY else [None])]
    return out


def _print(r: dict, ref_s) -> None:
    f = lambda k, fmt: (format(r[k], fmt) if isinstance(r.get(k), (int, float)) else "-")  # noqa: E731
    ratio = format(r["seconds"] / ref_s, ".2f") if r.get("seconds") and ref_s else "-"
    print(f"{r['case']:9} {r['mode']:18} {str(r['cap_gb'] or '-'):>4} {f('peak_gb', '8.1f'):>8} "
          f"{f('predicted_peak_gb', '8.1f'):>8} {f('seconds', '7.2f'):>7} {ratio:>6} {f('max_diff_255', '8.2f'):>8} "
          f"{f('psnr_db', '6.1f'):>6} {f('setup_s', '8.1f'):>8} {f('first_run_s', '6.1f'):>6}"
          + (f"  {r['error']}" if r.get("error") else "") + (f"  {r['resident']}" if r.get("resident") else "")
          + ("  phases " + ", ".join(f"{k} {v:.2f} s" for k, v in r["phases_s"].items()) if r.get("phases_s") else "")
          + (f" (a denoiser call {'/'.join(map(str, r['denoise_call_ms']))} ms)" if r.get("denoise_call_ms") else "")
          + (f"  left on card {r['left_on_card_gb']:.1f} GB" if r.get("left_on_card_gb", 0) > 0.05 else ""),
          flush=True)
