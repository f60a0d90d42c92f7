"""Nothing lost at the end: an out-of-memory error while decoding a video model's latents.

Sampling a long clip can take hours; decoding it, a minute, and the decode has the largest peak of
the run. For the length of one pipeline call, :class:`DecodeRescue` wraps the pipeline's decode (the
instance attribute shadows the method; it is removed however the call ends, so the cached model is
left as it was). When that decode raises an out-of-memory error:

1. its inputs (the sampled latents and the decode's other arguments) are saved, before anything
   else, to ``<Studio's cache folder>/kept-latents/<key>.safetensors``: one file written to a
   temporary name and renamed, the tensors as safetensors and the other arguments as JSON in its
   header (nothing pickled). The key is the run's: the model's files, dtype, fp8 or not, LoRAs,
   the device kind, the pipeline, its arguments (prompt, size, frames, steps, guidance, images...)
   and the seed, the speed settings. Not in it: the memory mode (other than fp8) and VAE tiling,
   which change only where the decode runs, so turning them on after a failure still finds it;
2. the device's cached blocks are freed and the decode is run once more, lighter: VAE tiling and
   slicing on (diffusers' ``enable_tiling`` / ``enable_slicing``; back to how they were after the
   call), and for pipelines that decode in chunks of frames (SVD, AnimateDiff) one frame at a time;
3. if that works, the node says so and the kept file is deleted once the frames are made; if it
   runs out of memory too, a ModelError names the kept file. A later run with the same key skips
   sampling: it loads the file, decodes it the lighter way (through the pipeline's own decode and
   ``video_processor.postprocess_video``, so the frames are what that path makes from those latents),
   says so, and deletes the file once the frames are made.

Covered (each family's ``ResumeKeeps``, declared in its folder: the pipelines whose decode and
post-processing were read in diffusers 0.42; Studio's tests run tiny Wan, LTX-Video and SVD): Wan (T2V, I2V, V2V, VACE), LTX-Video (T2V, I2V, condition), HunyuanVideo
and 1.5, CogVideoX: one ``vae.decode(latents, [temb,] return_dict)``; SVD and AnimateDiff: one
``decode_latents(latents, ..., decode_chunk_size)`` (the wrapped call; its chunks inside are not
retried one by one). LTX-2 gets the lighter retry but keeps nothing: its sound is decoded after the
picture, from latents a kept file would not hold. Every other pipeline also gets the retry only.

The folder holds at most ``KEPT_MAX`` files (the oldest go first); a file is deleted as soon as its
frames are made. A clip made in several windows keeps the window whose decode failed; the windows
before it were kept as they finished (kept_windows.py), so the re-run samples none of them again."""
from __future__ import annotations

import dataclasses
import gc
import hashlib
import inspect
import os
import time
import weakref

from ..base.errors import ModelError

KEPT_MAX = 8  # kept files in the folder at most; the oldest are deleted first
FORMAT = 2  # 2: the file proves itself (kept_file.py)
OOM_TEXTS = ("out of memory", "can't allocate memory", "not enough memory")


def keeps(pipeline: str):
    """The ResumeKeeps a family declares for the pipeline class named ``pipeline`` (base/capabilities.py:
    its decode is followed only by video_processor.postprocess_video), or None: its latents are not kept."""
    from ..base.capabilities import ResumeKeeps
    from ..base.registry import capability_for
    return capability_for(ResumeKeeps, pipeline)


def kept_folder() -> str:
    from studio.core.manifest import cache_dir
    return os.path.join(cache_dir(), "kept-latents")


def is_oom(e: BaseException) -> bool:
    """An out-of-memory error of torch (CUDA, MPS, the CPU's allocator) or of Python."""
    import torch
    oom = tuple(c for c in (getattr(torch, "OutOfMemoryError", None), getattr(torch.cuda, "OutOfMemoryError", None))
                if c is not None)
    if isinstance(e, oom + (MemoryError,)):
        return True
    return isinstance(e, RuntimeError) and any(t in str(e).lower() for t in OOM_TEXTS)


def first_line(e: BaseException) -> str:
    s = (str(e).strip().splitlines() or [type(e).__name__])[0]
    s = s.split(". ")[0]
    return s if len(s) <= 120 else s[:117] + "..."


def attempt(fn, args: dict):
    """(``fn(**args)``, None), or (None, the first line of its out-of-memory error); any other error
    goes on. When this returns, the failed call's tensors have gone with its traceback."""
    try:
        return fn(**args), None
    except Exception as e:  # noqa: BLE001 - only out-of-memory errors are handled; others go on
        if not is_oom(e):
            raise
        return None, first_line(e)


# -- the run's key ----------------------------------------------------------------------------------
_MODULE_REPRS = weakref.WeakKeyDictionary()  # a module passed to the call (HuMo's audio layers) -> its repr


def _module_repr(m) -> str:
    """A module's repr (its structure: its weights are the model's, in the key's model identity), made once
    per module: a module's repr walks every submodule (0.3 ms a run for HuMo's audio layers)."""
    try:
        return _MODULE_REPRS[m]
    except KeyError:
        r = _MODULE_REPRS[m] = repr(m)
        return r


def _feed(h, v) -> None:
    """Hash ``v`` by value: tensors and arrays by dtype, shape and bytes; PIL images by mode, size
    and pixels; containers (and dataclasses: LTX's conditions, whose repr names addresses) item by item;
    anything else by its type and repr."""
    import numpy as np
    import torch
    if isinstance(v, torch.Tensor):
        t = v.detach().to("cpu").contiguous()
        h.update(f"T{t.dtype}{tuple(t.shape)}".encode())
        h.update(t.reshape(-1).view(torch.uint8).numpy().tobytes())
    elif isinstance(v, np.ndarray):
        h.update(f"A{v.dtype}{v.shape}".encode())
        h.update(np.ascontiguousarray(v).tobytes())
    elif hasattr(v, "tobytes") and hasattr(v, "mode") and hasattr(v, "size"):  # a PIL image
        h.update(f"I{v.mode}{v.size}".encode())
        h.update(v.tobytes())
    elif isinstance(v, dict):
        h.update(f"D{len(v)}".encode())
        for k in sorted(v, key=str):
            _feed(h, str(k))
            _feed(h, v[k])
    elif dataclasses.is_dataclass(v) and not isinstance(v, type):
        h.update(f"C{type(v).__name__}".encode())
        _feed(h, {f.name: getattr(v, f.name) for f in dataclasses.fields(v)})
    elif isinstance(v, (list, tuple)):
        h.update(f"L{len(v)}".encode())
        for x in v:
            _feed(h, x)
    else:
        s = f"{type(v).__name__}:{_module_repr(v) if isinstance(v, torch.nn.Module) else repr(v)}"
        h.update(f"S{len(s)}:{s}".encode())


def model_identity(ref) -> str:
    """The model's files (names, sizes, times), once per loaded model."""
    if ref.shared.kept_identity is None:
        from ..loading.checks import model_files
        from ..loading.load import weights_signature
        files = model_files(ref.path) + (model_files(ref.config["base"]) if ref.config.get("base") else []) + \
            sorted((ref.config.get("parts") or {}).values())  # ComfyUI's text-encoder, VAE, CLIP-vision files
        ref.shared.kept_identity = weights_signature(files)
    return ref.shared.kept_identity


def run_key(ref, pipe, kwargs: dict, seed: int, params: dict) -> str:
    """What decides one pipeline call's latents (see the module's docstring)."""
    loras = []
    for use in ref.loras:
        st = os.stat(use.path)
        expert = (use.expert,) if use.expert != "auto" else ()  # 'auto': the keys kept before the setting
        loras.append((use.path, use.strength, st.st_size, st.st_mtime_ns) + expert)
    h = hashlib.sha256()
    _feed(h, {"format": FORMAT, "pipeline": type(pipe).__name__, "model": model_identity(ref), "dtype": str(ref.dtype),
              "fp8": "fp8" in ref.memory, "device": getattr(ref.device, "type", str(ref.device)), "loras": loras,
              "seed": int(seed), "speed": {n: params.get(n) for n in ("compile", "attention", "step_cache")},
              "kwargs": kwargs})
    return h.hexdigest()[:32]


# -- the kept file ----------------------------------------------------------------------------------
def _key_of(path: str) -> str:
    """A kept file's key: its name (kept_file proves the file was written for it)."""
    return os.path.basename(path).rsplit(".safetensors", 1)[0]


def save_inputs(path: str, args: dict, meta: dict) -> None:
    """``args`` (tensors and JSON scalars) to ``path`` atomically, proving itself (kept_file.py); the
    folder pruned to KEPT_MAX."""
    import torch

    from . import kept_file
    tensors, plain = {}, {}
    for k, v in args.items():
        if isinstance(v, torch.Tensor):
            tensors[k] = v.detach().to("cpu").contiguous()
        elif v is None or isinstance(v, (bool, int, float, str)):
            plain[k] = v
        else:
            raise ValueError(f"the decode's argument '{k}' is a {type(v).__name__}")
    kept_file.write(path, _key_of(path), tensors, dict(meta, args=plain, format=FORMAT))
    prune(os.path.dirname(path))


def load_inputs(path: str, device) -> tuple[dict, dict]:
    """(the decode's arguments, with tensors on ``device``; the file's metadata) of a kept file that
    proves itself for its key and describes a decode (kept_file.KeptFileError otherwise)."""
    from . import kept_file
    tensors, meta = kept_file.read(path, _key_of(path))
    if meta.get("format") != FORMAT or meta.get("call") not in ("decode", "decode_latents") or \
            not isinstance(meta.get("args"), dict) or type(meta.get("drop_frames", 0)) is not int or \
            not 0 <= meta.get("drop_frames", 0) <= 64:
        raise kept_file.KeptFileError("it does not describe a decode of this version of Studio")
    args = {k: v.to(device) for k, v in tensors.items()}
    args.update(meta["args"])
    return args, meta


def drop(path: str | None) -> None:
    if path and os.path.lexists(path):
        try:
            os.remove(path)
        except OSError:
            pass


def prune(folder: str, keep: int | None = KEPT_MAX, max_bytes: int | None = None,
          max_age_s: float | None = None) -> None:
    """The newest kept files stay: at most ``keep`` of them, ``max_bytes`` together, none older than
    ``max_age_s`` (None: no such bound); temporary files left by a crash over an hour ago go."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    now, entries = time.time(), []
    for n in names:
        p = os.path.join(folder, n)
        try:
            st = os.stat(p)
        except OSError:
            continue
        if n.endswith(".tmp") and now - st.st_mtime > 3600:
            drop(p)
        elif n.endswith(".safetensors"):
            if max_age_s is not None and now - st.st_mtime > max_age_s:
                drop(p)
            else:
                entries.append((st.st_mtime, st.st_size, p))
    total = 0
    for k, (_, size, p) in enumerate(sorted(entries, reverse=True)):  # newest first
        total += size
        if (keep is not None and k >= keep) or (max_bytes is not None and total > max_bytes):
            drop(p)


# -- the decode, wrapped for one call ---------------------------------------------------------------
def free_device(device) -> None:
    gc.collect()
    from studio.engine.model_cache import empty_device_cache
    empty_device_cache(str(device))


class DecodeRescue:
    """One pipeline call's decode, rescued from an out-of-memory error (the module's docstring).
    ``kept``: the path of latents an earlier run kept under this key (then call
    :meth:`decode_kept` instead of the pipeline); ``light``: decode the lighter way from the start
    (an earlier window of this run ran out of memory). :meth:`finish` after the frames are made."""

    def __init__(self, ctx, ref, pipe, kwargs: dict, seed: int, light: bool = False):
        self.ctx, self.pipe, self.light = ctx, pipe, light
        self.device = ref.execution_device(pipe)
        name = type(pipe).__name__
        kept = keeps(name)
        self.keeps = kept is not None
        self.drop_frames = kept.drops(name) if kept is not None and kwargs.get(
            "image_condition_type", "latent_concat") == "latent_concat" else 0
        dl = getattr(pipe, "decode_latents", None)
        self.chunked = dl is not None and "decode_chunk_size" in inspect.signature(dl).parameters
        self.owner = pipe if self.chunked else getattr(pipe, "vae", None)
        self.name = "decode_latents" if self.chunked else "decode"
        self.path = os.path.join(kept_folder(), run_key(ref, pipe, kwargs, seed, ctx.params) + ".safetensors") \
            if self.keeps and self.owner is not None else None
        self.kept = self.path if self.path and os.path.lexists(self.path) else None  # a FIFO too: refused, removed
        self.rescued: tuple[str, str, str | None] | None = None  # (why, how, kept path) once a retry worked
        self._state: dict = {}

    # the wrap ---------------------------------------------------------------------------------------
    def __enter__(self):
        if self.owner is None:
            return self
        d = self.owner.__dict__
        self._had = (self.name in d, d.get(self.name))
        orig = getattr(self.owner, self.name)
        sig = inspect.signature(orig)

        def decode(*args, **kwargs):
            bound = sig.bind(*args, **kwargs).arguments
            return self._decode(orig, bound)
        d[self.name] = decode
        return self

    def __exit__(self, *exc):
        if self.owner is not None:
            had, prev = self._had
            if had:
                self.owner.__dict__[self.name] = prev
            else:
                self.owner.__dict__.pop(self.name, None)
        self._restore()
        return False

    def _lighten(self, args: dict) -> dict:
        """VAE tiling and slicing on (their state kept for :meth:`_restore`), chunks of one frame."""
        vae = getattr(self.pipe, "vae", None)
        for what in ("tiling", "slicing"):
            attr = f"use_{what}"
            if vae is None or getattr(vae, attr, True) or not hasattr(vae, f"enable_{what}"):
                continue
            try:
                getattr(vae, f"enable_{what}")()
            except (NotImplementedError, AttributeError):
                continue
            self._state.setdefault(attr, False)
        if self.chunked:
            args = dict(args, decode_chunk_size=1)
        return args

    def _how(self, freed: bool = True) -> str:
        vae = getattr(self.pipe, "vae", None)
        parts = (["in tiles"] if getattr(vae, "use_tiling", False) else []) + \
            (["one frame at a time"] if self.chunked else [])
        if freed and not self.chunked and "use_tiling" not in self._state:  # tiling was on already
            parts.append("after freeing memory")
        return ", ".join(parts)

    def _restore(self) -> None:
        vae = getattr(self.pipe, "vae", None)
        for attr, value in self._state.items():
            setattr(vae, attr, value)
        self._state.clear()

    def _decode(self, orig, args: dict):
        """``orig(**args)``; after an out-of-memory error, the inputs kept and the decode run once
        more the lighter way (at once when an earlier decode of the run needed it)."""
        why, kept, problem = None, None, None
        if not self.light:
            out, why = attempt(orig, args)
            if why is None:
                return out
            kept, problem = self._keep(args)
            free_device(self.device)
            self.light = True  # the rest of this call, and later windows of the run, decode the lighter way
        lighter = self._lighten(args)
        how = self._how(freed=why is not None)
        out, why2 = attempt(orig, lighter)
        if why2 is None:
            if why is not None:
                self.rescued = (why, how, kept)
            return out
        if why is None:
            kept, problem = self._keep(args)
        free_device(self.device)
        first = f"decoding ran out of memory ({why}), and again decoding {how}" if why else f"decoding {how} ran out " \
            "of memory"
        where = (f"The sampled latents are kept in {kept}: run again and the node decodes them without sampling "
                 "again" if kept else f"Nothing could be kept: {problem}")
        raise ModelError(f"{first} ({why2}). {where} (free GPU memory first: close other programs, or set the "
                         "loader's memory to model_offload, which moves the other weights off the GPU while decoding)")

    def _keep(self, args: dict) -> tuple[str | None, str | None]:
        """(the kept file, or None and why not)."""
        if self.path is None:
            return None, (f"the latents of a {type(self.pipe).__name__} are not kept (its decode is not one "
                          "Studio can redo alone)")
        try:
            save_inputs(self.path, args, {"pipeline": type(self.pipe).__name__, "call": self.name,
                                          "drop_frames": self.drop_frames, "made": time.time()})
            return self.path, None
        except Exception as e:  # noqa: BLE001 - keeping must never stop the retry
            problem = f"the sampled latents could not be kept ({first_line(e)})"
            self.ctx.warn(problem)
            return None, problem

    # after the call ---------------------------------------------------------------------------------
    def decode_kept(self):
        """The frames ([F, C, H, W], in [0, 1], on the device) from the kept latents, decoded the
        lighter way, as the pipeline would have made them from those latents."""
        try:
            args, meta = load_inputs(self.kept, self.device)
        except Exception as e:  # noqa: BLE001 - a damaged file: sampled again, and the file goes
            from .kept_file import KeptFileError
            why = str(e) if isinstance(e, KeptFileError) else type(e).__name__  # never words that quote the file
            self.ctx.warn(f"the kept latents {self.kept} were not used ({why}): removed, sampling again")
            drop(self.kept)
            self.kept = None
            return None
        fn = getattr(self.owner, meta.get("call", self.name))
        try:
            lighter = self._lighten(args)
            how = self._how(freed=False)
            video, why = attempt(fn, lighter)
            if why is None:
                video = video[0] if isinstance(video, tuple) else getattr(video, "sample", video)
                n = int(meta.get("drop_frames") or 0)
                if n:
                    video = video[:, :, n:]
                return self.pipe.video_processor.postprocess_video(video, output_type="pt")[0]
        finally:
            self._restore()
        free_device(self.device)
        raise ModelError(f"decoding the latents kept in {self.kept} ran out of memory even {how} ({why}): "
                         "they stay there for another run (free GPU memory first: close other programs, or set "
                         "the loader's memory to model_offload)")

    def finish(self) -> None:
        """The frames are made: say what happened, delete the kept file."""
        if self.kept:
            self.ctx.info(f"decoded the kept latents of an earlier run whose decode ran out of memory ({self.kept}); "
                          "sampling skipped")
            self.ctx.note("decoded kept latents: sampling skipped")
            drop(self.kept)
        elif self.rescued:
            why, how, kept = self.rescued
            self.ctx.warn(f"decoding ran out of memory ({why}): decoded again {how}, without sampling again"
                          + (f" (the sampled latents were kept in {kept} meanwhile)" if kept else ""))
            drop(kept)
