"""The prompt-embedding cache (issue 60 item 2): a prompt's embeddings (and its negative's) kept on
disk beside the output disk cache (``<cache>/prompt-embeddings``), so a second render of the same
prompt (only the seed changed) never runs the text encoder.

One entry per key, written and checked by studio.engine.disk_cache / disk_entry (no second format:
a safetensors file carrying its salted key, the CRC-32 of its header and of each array, regular files
only, bounded by bytes with the least recently used entries evicted, only the cache's own files
touched). The key: the text encoders' files (path, size, modification and change time of each and a digest
of its header and sampled content, made once per file signature; a second text encoder's too), the prompt, the negative prompt and the encoder settings (family, pipeline, max length,
dtype, whether the negative is encoded). An entry that does not prove itself, or is another key's, is
a miss: removed, said once, and the prompt is encoded again. Never a wrong prompt. While the cache
is on, Load Video Model leaves the text encoder(s) of a pipeline whose call needs none for cached
prompts on disk until a prompt needs them (loading/deferred_text.py): a run whose prompts are all cached never
loads it. The entry a run's check found whole (``all_cached``) is handed to its call (``text_kwargs``),
not read and checked a second time.

The pipelines cached, what their ``encode_prompt`` returns and how they encode: base/prompt_recipes.py;
the length is the call's own ``max_sequence_length`` unless the node sets it; others encode as before. A prompt
or negative holding ComfyUI's weight syntax '(word:1.3)' is not looked up under this key (an earlier encoding of the
same characters as words could hold it): where its family weighs, sampling/prompt_weighting.py keeps its weighted
embeddings under this key with the weights' reading named in it; where not, its clean text is what is encoded and
keyed.
"""
from __future__ import annotations

import glob
import json
import os
import time

from studio.engine.disk_cache import DiskCache

from ..base.prompt_recipes import each, max_length, returns, tokenizer_side
from ..loading.deferred_text import ENCODERS, cache_gb

FOLDER = "prompt-embeddings"
NOT_LOADED = "prompt embeddings from the cache (text encoder not loaded)"
NOT_RUN = "prompt embeddings from the cache (text encoder not run)"
_FOUND: dict[str, dict] = {}  # the entry all_cached found whole, by key, until text_kwargs takes it (one)


def default_folder() -> str:
    from studio.core.manifest import cache_dir
    return os.path.join(cache_dir(), FOLDER)


def cache_from_env() -> "DiskCache | None":
    """The cache: $STUDIO_PROMPT_CACHE_GB (0 turns it off; default 2 GB) in $STUDIO_CACHE_DIR's
    prompt-embeddings folder (the output cache's entries, its checks and its eviction)."""
    gb = cache_gb()
    return DiskCache(default_folder(), int(gb * 1e9)) if gb > 0 else None


def encoder_files(ref) -> list[str]:
    """The text encoders' files: of text_encoder, then text_encoder_2 where the model has one (a
    prompt's embeddings are both's: HunyuanVideo's, Kandinsky 5's CLIP), each the part file given to
    Load Video Model, else the diffusers folder's own files (of ``base`` when the denoiser is a single
    file). [] when the text encoder's are unknown (no caching)."""
    cfg = getattr(ref, "config", None) or {}
    parts = cfg.get("parts") or {}
    out = []
    for name in ENCODERS:
        if parts.get(name):
            out.append(os.path.abspath(parts[name]))
            continue
        for folder in (cfg.get("base"), getattr(ref, "path", None)):
            if folder and os.path.isdir(os.path.join(folder, name)):
                got = sorted(glob.glob(os.path.join(folder, name, "*")))
                out += [os.path.abspath(f) for f in got if os.path.isfile(f)]
                break
        if not out:
            return []
    return out


_DIGESTS: dict[tuple, str] = {}  # a file's signature -> the digest of its content's header and samples
SAMPLE = 1 << 16  # bytes read at each of SAMPLES places besides the first megabyte (the header)
SAMPLES = 16


def content_digest(path: str, st: os.stat_result) -> str:
    """A SHA-256 of the file's first megabyte (a safetensors header and its first tensors) and of
    SAMPLES slices spread over the rest, made once per file signature (path, size, modification and
    change times, inode): an encoder rewritten in place keeps neither its change time nor, mostly, its
    sampled bytes. About 2 MB read per encoder file, once per process and change."""
    sig = (path, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
    d = _DIGESTS.get(sig)
    if d is None:
        import hashlib
        h = hashlib.sha256(str(st.st_size).encode())
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            h.update(os.pread(fd, 1 << 20, 0))
            span = max(st.st_size - (1 << 20), 0)
            for i in range(SAMPLES if span else 0):
                h.update(os.pread(fd, SAMPLE, (1 << 20) + span * i // SAMPLES))
        finally:
            os.close(fd)
        d = _DIGESTS[sig] = h.hexdigest()[:32]
    return d


def identity(files: list[str]) -> str:
    """Path, size, modification and change times of each file, and a digest of its content (its
    header and samples: content_digest); '' when there is none or it is not a regular file (no
    caching). Its change time and content tell an encoder rewritten in place with the same size and
    modification time from the one whose embeddings were kept."""
    import stat
    out = []
    for f in files:
        try:
            st = os.stat(f)
            if not stat.S_ISREG(st.st_mode):
                return ""
            out.append(f"{f}:{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{content_digest(f, st)}")
        except OSError:
            return ""
    return "|".join(out)


def _length(pipeline: str) -> int | None:
    from ..loading.load import diffusers_offline
    cls = getattr(diffusers_offline(), str(pipeline), None)
    return max_length(cls) if cls is not None else None


def prompt_key(ref, pipeline: str, prompt: str, negative: str, cfg: bool, length: int | None = None) -> str:
    """The entry's key ('' : not cacheable: a pipeline base/prompt_recipes.py does not list, or the
    encoder's files unknown); ``length``: the encoding length when the node sets it."""
    ident = identity(encoder_files(ref))
    if not ident or returns(pipeline) is None:
        return ""
    return json.dumps({"what": "prompt-embeddings", "encoder": ident, "family": getattr(ref, "family", ""),
                       "pipeline": pipeline, "prompt": prompt,
                       "negative": _negative(pipeline, negative) if _keeps_negative(pipeline, cfg) else None,
                       "cfg": bool(cfg),
                       "max_length": length or _length(pipeline), "dtype": str(getattr(ref, "dtype", ""))},
                      sort_keys=True)


def _keeps_negative(pipeline: str, cfg: bool) -> bool:
    """The negative is encoded and kept with guidance, and always for a pipeline whose recipe says so
    (HunyuanVideo 1.5's: its guider decides at the call whether it is used)."""
    e = each(pipeline)
    return cfg or (e is not None and e.negative == "always")


def _negative(pipeline: str, negative: str) -> str:
    """The negative the call encodes: the node's, else the pipeline's own default (Kandinsky 5's)."""
    e = each(pipeline)
    return negative or (e.default_negative if e is not None else "")


def _wanted(pipeline: str, cfg: bool) -> tuple[str, ...]:
    """The names an entry must hold: every returned tensor, the negative's as _keeps_negative says."""
    keep = _keeps_negative(pipeline, cfg)
    return tuple(n for n in returns(pipeline) or () if keep or not n.startswith("negative_"))


def _cfg(ctx, pipeline: str, negative: str) -> bool:
    """Whether the call guides with the negative: guidance (or LTX-2's sound guidance) above 1; for a
    pipeline guided by true CFG (HunyuanVideo's: 'guidance' is its embedded guidance), true_cfg_scale
    above 1 with a negative."""
    e = each(pipeline)
    p = ctx.params
    if e is not None and e.negative == "true_cfg":
        true_cfg = getattr(p, "true_cfg_scale", None) or getattr(p, "true_cfg", 1.0)  # Framepack's node: 'true_cfg'
        return float(true_cfg or 1.0) > 1.0 and bool(negative)
    return max(float(getattr(p, "guidance", 1.0) or 1.0), float(getattr(p, "audio_guidance", 0.0) or 0.0)) > 1.0


def cached_embeddings(cache, key: str, wanted: tuple[str, ...]):
    """({name: tensor} for every name in ``wanted``, why) from a whole entry, else (None, why a
    damaged one was a miss, '' when there was none)."""
    if cache is None or not key:
        return None, ""
    outs, why = cache.get(key)
    if outs is None:
        return None, why.replace("the node runs again", "the prompt is encoded again")
    import torch
    if not wanted or not all(isinstance(outs.get(n), torch.Tensor) for n in wanted):
        _drop(cache, key)
        return None, "a prompt-embedding cache entry did not hold what its key asks: removed, encoded again"
    return {n: outs[n] for n in wanted}, ""


def all_cached(ctx, ref, task: str, prompt: str, negative: str, length: int | None = None,
               pipeline: str | None = None) -> bool:
    """Whether this run's prompt (and negative) are in the cache, whole: then the text encoder is
    not loaded. A damaged entry is said here, once, and removed. ``length``: the node's own
    max_sequence_length (LTX-2's), else the call's default; ``pipeline``: the class a family node's own
    pipeline is (Framepack's), else the family's for ``task``."""
    cache = cache_from_env()
    pipeline = pipeline or (getattr(ref.fam, task, None) if hasattr(ref, "fam") else None)
    cfg = _cfg(ctx, pipeline or "", negative or "")
    key = prompt_key(ref, pipeline or "", prompt, negative or "", cfg, length) if cache is not None else ""
    got, why = cached_embeddings(cache, key, _wanted(pipeline or "", cfg))
    if why:
        ctx.warn(why)
    _FOUND.clear()
    if got is not None:
        _FOUND[key] = got  # the call's text_kwargs takes it: the entry is read and checked once a run
    return got is not None


def text_kwargs(ctx, s, prompt: str, negative: str, length: int | None = None) -> dict | None:
    """The call's text arguments as embeddings, from the cache or encoded now (as the pipeline's call
    encodes them) and kept; None when this pipeline is not cached (the call encodes the prompt).
    ``length``: the max_sequence_length the node gives the call (LTX-2's), else the call's default."""
    pipe, ref = s.pipe, s.ref
    cache = cache_from_env()
    name = type(pipe).__name__
    cfg = _cfg(ctx, name, negative or "")
    key = prompt_key(ref, name, prompt, negative or "", cfg, length) if cache is not None else ""
    if not key or not hasattr(pipe, "encode_prompt"):
        return None
    device = ref.execution_device(pipe)
    wanted = _wanted(name, cfg)
    t0 = time.perf_counter()
    got, why = _FOUND.pop(key, None), ""
    if got is None:
        got, why = cached_embeddings(cache, key, wanted)
    if why:
        ctx.warn(why)
    if got is not None:
        ctx.info(NOT_LOADED if getattr(pipe, "text_encoder", None) is None else NOT_RUN)
        side = tokenizer_side(name)  # what encoding would have left on the tokenizer (prompt_recipes.py)
        if side and getattr(pipe, "tokenizer", None) is not None:
            pipe.tokenizer.padding_side = side
        _met(ctx, prompt, negative if cfg else "", True, _text_loaded(ref))
        return with_prompt_slot(pipe, {n: t.to(device) for n, t in got.items()})
    if getattr(pipe, "text_encoder", None) is None and hasattr(ref, "load_text_encoder"):
        ref.load_text_encoder()  # it waited (loading/deferred_text.py): this prompt needs it
        s.pipe = pipe = ref.pipeline(s.task)
        device = ref.execution_device(pipe)
    made = _encoded(pipe, name, prompt, negative or "", cfg, length or _length(name), device)
    out = {n: t for n, t in zip(returns(name), made) if n in wanted}
    _n, why_not = cache.put(key, {n: t.detach().cpu() for n, t in out.items()}, "prompt-embeddings")
    if why_not:
        ctx.warn(f"prompt embeddings not kept in the cache: {why_not}")
    _met(ctx, prompt, negative if cfg else "", False, time.perf_counter() - t0 + _text_loaded(ref))
    return with_prompt_slot(pipe, out)


def _text_loaded(ref) -> float:
    """The seconds the waiting text encoder took to load since last asked (loading/load.py load_text_encoder: in
    this run's pipeline, before its prompts reach the cache), taken: a later run of the loaded model loads none."""
    shared = getattr(ref, "shared", None)
    got = float(getattr(shared, "text_load_s", 0.0) or 0.0)
    if got:
        shared.text_load_s = 0.0
    return got


def _met(ctx, prompt: str, negative: str, cached: bool, seconds: float) -> None:
    """Tell the run's record how this run's prompts were met (ctx.prompt_encoding: estimates/times.py keeps it): their
    digest, whether every call's came from the cache, the seconds the text encoder took (its load where it
    waited). A run of several calls adds them up: its first encodes, the later ones find the cache."""
    from ..estimates.times import prompts_digest
    was = getattr(ctx, "prompt_encoding", None) or {}
    try:
        ctx.prompt_encoding = {"prompts": was.get("prompts") or prompts_digest(prompt, negative),
                               "cached": was.get("cached", True) and cached, "text": was.get("text", 0.0) + seconds}
    except AttributeError:  # a context of another kind (a test's): nothing kept
        pass


def _encoded(pipe, name: str, prompt: str, negative: str, cfg: bool, length: int | None, device) -> tuple:
    """What ``encode_prompt`` returns, called as the pipeline's call calls it (its kernels, dtype and
    length: the same embeddings to the bit): prompt by prompt for an Each recipe (the negative's
    after the prompt's, when kept), else the prompt and negative in one call."""
    import torch
    e = each(name)
    with torch.no_grad():
        if e is None:
            return pipe.encode_prompt(prompt=prompt, negative_prompt=negative or None, do_classifier_free_guidance=cfg,
                                      max_sequence_length=length, device=device)
        kw = {"device": device}
        if e.dtype:
            kw["dtype"] = pipe.transformer.dtype
        if e.length:
            kw["max_sequence_length"] = length
        made = tuple(pipe.encode_prompt(prompt=prompt, **kw))
        if _keeps_negative(name, cfg):
            made += tuple(pipe.encode_prompt(prompt=_negative(name, negative) or None, **kw))
        return made


def with_prompt_slot(pipe, kwargs: dict) -> dict:
    """The embeddings, with ``prompt=None`` where the call requires a prompt argument (SkyReels-V2's
    diffusion forcing): given the embeddings, the call takes no prompt text beside them."""
    import inspect

    from ..base.calls import call_params
    p = call_params(pipe).get("prompt")
    if p is not None and p.default is inspect.Parameter.empty:
        return {"prompt": None, **kwargs}
    return kwargs


def _drop(cache, key: str) -> None:
    try:
        os.remove(cache.path(key))
    except OSError:
        pass
