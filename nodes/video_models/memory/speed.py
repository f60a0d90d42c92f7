"""The speed setting of the generator nodes: regional compile, the attention backend, a step cache.

Each is diffusers' own maintained API (nothing rewritten):

* **compile**: ``ModelMixin.compile_repeated_blocks()``: torch.compile of the
  denoiser's repeated block class only (a denoiser that declares none, SVD's UNet: the whole of it) (Wan: ``WanTransformerBlock``), so compiling takes one
  block's time, not the model's, and the model loaded once stays compiled (a later run with other
  frames or another seed reuses it: a changed shape is compiled once more with dynamic shapes).
  'auto': on with CUDA, off on the CPU and MPS (there it rarely pays for its compile time). A
  compile that fails (torch compiles at the first call: inductor's LoweringException for
  flex_attention on the CPU) is a warning and the run goes on uncompiled.
* **attention**: ``ModelMixin.set_attention_backend``: 'native' is torch's SDPA (the default);
  'auto' takes the fastest installed of FlashAttention 3, SageAttention, FlashAttention 2,
  cuDNN SDPA (CUDA only).
* **step cache**: ``ModelMixin.enable_cache`` with a diffusers config; skips work on steps
  that change little. Off by default: each trades quality for speed (see ``CACHE_HELP``).

Attention backend and step cache are on only for the run (the cached model is left as it was);
compile stays on the model (that is its point). Importing this module costs nothing."""
from __future__ import annotations

import time
from contextlib import ExitStack, contextmanager

COMPILE_CHOICES = ("auto", "on", "off")
ATTENTION_CHOICES = ("native", "auto", "_flash_3", "sage", "flash", "_native_cudnn", "_native_flash",
                     "_native_efficient", "xformers", "flex")
FASTEST = ("_flash_3", "sage", "flash", "_native_cudnn")  # 'auto' takes the first installed
# forward only in diffusers (training cannot use them): Sage's backward raises NotImplementedError,
# FlashAttention 3's wrapped op registers no autograd formula
INFERENCE_ONLY = ("_flash_3", "sage")
TRAIN_ATTENTION_CHOICES = tuple(c for c in ATTENTION_CHOICES if c not in INFERENCE_ONLY)
CACHE_CHOICES = ("off", "first_block", "taylorseer", "faster")
COMPILE_HELP = ("regional torch.compile of the model's repeated blocks (diffusers compile_repeated_blocks). "
                "auto: on with CUDA, off on the CPU. The first run compiles (its time is said); later runs, "
                "other seeds and frame counts reuse it")
ATTENTION_HELP = ("attention kernel (diffusers set_attention_backend). native: torch SDPA; auto: the fastest "
                  "installed (FlashAttention 3, SageAttention, FlashAttention 2, cuDNN). Sage quantises "
                  "attention to int8 (small quality cost)")
CACHE_HELP = ("reuse work between steps (off: exact). first_block: FirstBlockCacheConfig(threshold=0.05): skips "
              "the other blocks when the first block's output barely changed (faster, detail can soften). "
              "taylorseer: TaylorSeerCacheConfig(lite): predicts the output on 4 of 5 steps after the first 3 "
              "(about 2x, "
              "can blur fast motion). faster: FasterCacheConfig: reuses spatial attention on alternate steps "
              "(mild speed-up, mildest change). MagCache is not offered: diffusers needs per-model ratios")
# fullgraph=False: a graph break falls back to eager instead of failing the run (compile is on by
# default on CUDA). Tests set backend='eager' (no C++ compile on a shared 2-core machine).
COMPILE_KWARGS: dict = {"fullgraph": False}


def compile_wanted(choice: str, device) -> bool:
    kind = getattr(device, "type", str(device)).split(":")[0]
    return choice == "on" or (choice == "auto" and kind == "cuda")


def device_words(device) -> str:
    """'CPU', 'GPU (cuda:0)', 'Apple GPU': the device as a user names it."""
    kind = getattr(device, "type", str(device)).split(":")[0]
    return {"cpu": "CPU", "mps": "Apple GPU"}.get(kind, f"GPU ({device})" if kind == "cuda" else str(device))


def speed_words(compile_choice: str, backend: str, cache: str, device) -> str:
    """What compile, attention and the step cache do on ``device``, in plain words: 'no compile
    (auto: CPU), SDPA attention, step cache off'."""
    kind = getattr(device, "type", str(device)).split(":")[0]
    on = compile_wanted(compile_choice, device)
    comp = ("regional compile" if on else "no compile") + (f" (auto: {device_words(device).split(' ')[0]})"
                                                           if compile_choice == "auto" else "")
    attn = "SDPA attention" if backend == "native" else f"{backend} attention"
    if compile_choice == "on" and kind != "cuda":
        comp += ", slow to start"
    return f"{comp}, {attn}, step cache {cache}"


def installed_backend(name: str) -> bool:
    from diffusers.models.attention_dispatch import AttentionBackendName, _check_attention_backend_requirements
    try:
        _check_attention_backend_requirements(AttentionBackendName(name))
        return True
    except (ValueError, RuntimeError, ImportError):
        return False


def pick_backend(choice: str, device, training: bool = False) -> tuple[str, str | None]:
    """(backend, note or None). A named backend not installed is said and native used.
    ``training``: only backends with a backward pass, on CUDA (flex and the efficient SDPA kernel
    have none on the CPU)."""
    kind = getattr(device, "type", str(device)).split(":")[0]
    if choice == "native":
        return "native", None
    if training and choice in INFERENCE_ONLY:
        return "native", f"attention '{choice}' has no backward pass in diffusers: native used for training"
    if choice == "auto":
        if kind != "cuda":
            return "native", None
        for name in FASTEST:
            if not (training and name in INFERENCE_ONLY) and installed_backend(name):
                return name, f"attention: {name} (the fastest installed{' that trains' if training else ''})"
        return "native", None
    if kind != "cuda" and (training or choice not in ("flex", "_native_efficient")):
        return "native", f"attention '{choice}' needs CUDA{' to train' if training else ''}: native used"
    if not installed_backend(choice):
        return "native", f"attention '{choice}' is not installed: native used"
    return choice, None


def cache_config(name: str, pipe, layout: str):
    import diffusers
    if name == "first_block":
        return diffusers.FirstBlockCacheConfig(threshold=0.05)
    if name == "taylorseer":
        return diffusers.TaylorSeerCacheConfig(cache_interval=5, disable_cache_before_step=3, use_lite_mode=True)
    if name == "faster":
        return diffusers.FasterCacheConfig(
            spatial_attention_block_skip_range=2, spatial_attention_timestep_skip_range=(-1, 681),
            current_timestep_callback=lambda: getattr(pipe, "current_timestep", None) or 0,
            attention_weight_callback=lambda _: 0.3, unconditional_batch_skip_range=1,
            tensor_format="BFCHW" if layout == "BTCHW" else "BCFHW", is_guidance_distilled=True)
    raise ValueError(f"unknown step cache '{name}'")


def _denoisers(ref, pipe) -> list:
    from .modes import denoisers
    return denoisers(pipe, ref.fam.denoiser)


def _compile_failures() -> tuple[type, ...]:
    """What torch raises when a compile (not the model) fails: dynamo's errors (a backend's failure
    comes wrapped in BackendCompilerFailed), inductor's (a LoweringException: flex_attention on the
    CPU), a missing or failing C++ compiler."""
    from torch._dynamo.exc import TorchDynamoException
    from torch._inductor import exc as inductor
    return (TorchDynamoException,) + tuple(getattr(inductor, n) for n in (
        "InductorError", "OperatorIssue", "CppCompileError", "InvalidCxxCompiler") if hasattr(inductor, n))


def _guarded(ref, pipe, module, compiled):
    """``module``'s compiled call, which falls back to eager if compiling fails: torch compiles at
    the first call (and again for a new shape), so a failure shows there, not when compile is
    turned on. The model is then uncompiled, said once, and this block's call runs eagerly (the
    failure comes before anything ran). The model remembers it: later runs do not try again."""
    def call(*args, **kwargs):
        try:
            return compiled(*args, **kwargs)
        except _compile_failures() as e:
            set_compiled(ref, pipe, False)
            first = (str(e).strip().splitlines() or [""])[0]
            ref.shared.compile_failed = f"{type(e).__name__}: {first[:157] + '...' if len(first) > 160 else first}"
            warn = ref.shared.compile_warn
            if warn is not None:
                warn(f"compile: torch.compile failed on this model ({ref.shared.compile_failed}): running "
                     "uncompiled (set 'compile' to off to skip the attempt)")
            return module(*args, **kwargs)  # uncompiled now: the eager call
    call.studio_guarded = True
    return call


def set_compiled(ref, pipe, on: bool) -> bool:
    """Regional compile on (or off) for the denoiser(s); True when it was just turned on (this
    run pays the compile). A compile that fails at the first call runs eagerly (_guarded)."""
    was = ref.shared.compiled
    if on == was:
        return False
    for den in _denoisers(ref, pipe):
        if on:
            try:
                den.compile_repeated_blocks(**COMPILE_KWARGS)
            except ValueError:  # no repeated blocks declared (SVD's UNet): the whole denoiser
                den.compile(**COMPILE_KWARGS)
            for m in den.modules():
                f = getattr(m, "_compiled_call_impl", None)
                if f is not None and not getattr(f, "studio_guarded", False):
                    m._compiled_call_impl = _guarded(ref, pipe, m, f)
        else:
            uncompile(den)
    ref.shared.compiled = on
    return on


def uncompile(module) -> None:
    """Every compiled block of ``module`` back to its eager call."""
    for m in module.modules():
        if getattr(m, "_compiled_call_impl", None) is not None:
            m._compiled_call_impl = None


def compiled_blocks(module) -> int:
    return sum(1 for m in module.modules() if getattr(m, "_compiled_call_impl", None) is not None)


@contextmanager
def attention_on(models, backend: str):
    """``backend`` on the attention of ``models`` (diffusers ModelMixins) for the block, then as it was.
    ``set_attention_backend`` also makes the backend diffusers' process-wide default (the kernel of every
    model whose processors name none), and ``reset_attention_backend`` puts back only the model's: without
    diffusers' own context manager around both, every later run in the app, whatever its node asked, took
    this run's kernel (a Sage run made later native runs int8). 'native' changes nothing."""
    if backend == "native":
        yield
        return
    from diffusers import attention_backend
    done = []
    with attention_backend(backend):
        try:
            for m in models:
                m.set_attention_backend(backend)
                done.append(m)
            yield
        finally:
            for m in done:
                m.reset_attention_backend()


@contextmanager
def speed_applied(ctx, ref, pipe, params, training: bool = False):
    """The speed settings in ``params`` (a node's params; missing keys: defaults) on ``pipe``'s
    denoiser for the block. Yields a dict: 'compiling' (this run compiles), 'notes'.
    ``training``: backends with a backward pass only; the compile time is the training loop's to
    say (its set-up steps), not said here."""
    get = params.get if hasattr(params, "get") else (lambda k, d=None: d)
    state = {"compiling": False, "notes": []}
    dens = _denoisers(ref, pipe)
    want = compile_wanted(get("compile", "auto"), ref.device)
    if want and ref.shared.compile_failed:
        ctx.warn(f"compile: torch.compile failed on this model before ({ref.shared.compile_failed}): running "
                 "uncompiled")
        want = False
    state["compiling"] = set_compiled(ref, pipe, want)
    ref.shared.compile_warn = ctx.warn
    backend, note = pick_backend(get("attention", "native"), ref.device, training)
    if note and "native used" in note:
        ctx.warn(note)
    elif note:
        ctx.info(note)
    cache = get("step_cache", "off")
    ctx.info(f"{device_words(ref.device)}: {speed_words(get('compile', 'auto'), backend, cache, ref.device)}")
    cached = []
    attention = ExitStack()
    try:
        attention.enter_context(attention_on(dens, backend))
        if cache != "off":
            for d in dens:
                if not hasattr(d, "enable_cache"):
                    ctx.warn(f"{type(d).__name__} takes no step cache: off")
                    break
                d.enable_cache(cache_config(cache, pipe, ref.fam.latent_layout))
                cached.append(d)
        t0 = time.perf_counter()
        yield state
        if state["compiling"] and not training and not ref.shared.compile_failed:
            ctx.info(f"regional compile: this first run took {time.perf_counter() - t0:.0f} s, compile included "
                     "(later runs reuse it)")
    finally:
        ref.shared.compile_warn = None
        for d in cached:
            d.disable_cache()
        attention.close()
