"""The prompt-embedding cache (issue 60 item 2): a prompt's embeddings (and its negative's) kept on
disk beside the output disk cache (``<cache>/prompt-embeddings``), so a second render of the same
prompt (only the seed changed) never runs the text encoder.

One entry per key, written and checked by studio.engine.disk_cache / disk_entry (no second format:
a safetensors file carrying its salted key, the CRC-32 of its header and of each array, regular files
only, bounded by bytes with the least recently used entries evicted, only the cache's own files
touched). The key: the text encoder file's identity (path, size, modification time of each of its
files), the prompt, the negative prompt and the encoder settings (family, pipeline, max length,
dtype, whether the negative is encoded). An entry that does not prove itself, or is another key's, is
a miss: removed, said once, and the prompt is encoded again. Never a wrong prompt. While the cache
is on, Load Video Model leaves a Wan folder's text encoder on disk until a prompt needs it
(loading/deferred_text.py): a run whose prompts are all cached never loads it.

Today: the families whose pipeline's ``encode_prompt`` is Wan's (WanPipeline and its
image-to-video / VACE siblings: ``(prompt_embeds, negative_prompt_embeds)`` from
``prompt, negative_prompt, do_classifier_free_guidance, max_sequence_length``); others encode as
before.
"""
from __future__ import annotations

import glob
import json
import os

from studio.engine.disk_cache import DiskCache

from ..loading.deferred_text import cache_gb

FOLDER = "prompt-embeddings"
MAX_SEQUENCE = 512  # WanPipeline.__call__'s max_sequence_length (diffusers), the length the call encodes at
NOT_LOADED = "prompt embeddings from the cache (text encoder not loaded)"
NOT_RUN = "prompt embeddings from the cache (text encoder not run)"


def default_folder() -> str:
    from studio.core.manifest import cache_dir
    return os.path.join(cache_dir(), FOLDER)


def cache_from_env() -> "DiskCache | None":
    """The cache: $STUDIO_PROMPT_CACHE_GB (0 turns it off; default 2 GB) in $STUDIO_CACHE_DIR's
    prompt-embeddings folder (the output cache's entries, its checks and its eviction)."""
    gb = cache_gb()
    return DiskCache(default_folder(), int(gb * 1e9)) if gb > 0 else None


def encoder_files(ref) -> list[str]:
    """The text encoder's files: the part file given to Load Video Model, else the diffusers
    folder's text_encoder/ files (of ``base`` when the denoiser is a single file)."""
    cfg = getattr(ref, "config", None) or {}
    parts = cfg.get("parts") or {}
    if parts.get("text_encoder"):
        return [os.path.abspath(parts["text_encoder"])]
    for folder in (cfg.get("base"), getattr(ref, "path", None)):
        if folder and os.path.isdir(os.path.join(folder, "text_encoder")):
            got = sorted(glob.glob(os.path.join(folder, "text_encoder", "*")))
            return [os.path.abspath(f) for f in got if os.path.isfile(f)]
    return []


def identity(files: list[str]) -> str:
    """Path, size and modification time of each file ('' when there is none: no caching)."""
    out = []
    for f in files:
        try:
            st = os.stat(f)
        except OSError:
            return ""
        out.append(f"{f}:{st.st_size}:{st.st_mtime_ns}")
    return "|".join(out)


def prompt_key(ref, pipeline: str, prompt: str, negative: str, cfg: bool) -> str:
    """The entry's key ('' : not cacheable: not a Wan pipeline, or the encoder's files unknown)."""
    ident = identity(encoder_files(ref))
    if not ident or not str(pipeline).startswith("Wan"):
        return ""
    return json.dumps({"what": "prompt-embeddings", "encoder": ident, "family": getattr(ref, "family", ""),
                       "pipeline": pipeline, "prompt": prompt, "negative": negative if cfg else None,
                       "cfg": bool(cfg), "max_length": MAX_SEQUENCE, "dtype": str(getattr(ref, "dtype", ""))},
                      sort_keys=True)


def _cfg(ctx) -> bool:
    return float(getattr(ctx.params, "guidance", 1.0) or 1.0) > 1.0


def cached_embeddings(cache, key: str, cfg: bool):
    """(prompt_embeds, negative_prompt_embeds or None, why) from a whole entry, else (None, None,
    why a damaged one was a miss, '' when there was none)."""
    if cache is None or not key:
        return None, None, ""
    outs, why = cache.get(key)
    if outs is None:
        return None, None, why.replace("the node runs again", "the prompt is encoded again")
    import torch
    pe, ne = outs.get("prompt_embeds"), outs.get("negative_prompt_embeds")
    if not isinstance(pe, torch.Tensor) or (cfg and not isinstance(ne, torch.Tensor)):
        _drop(cache, key)
        return None, None, "a prompt-embedding cache entry did not hold what its key asks: removed, encoded again"
    return pe, ne, ""


def all_cached(ctx, ref, task: str, prompt: str, negative: str) -> bool:
    """Whether this run's prompt (and negative) are in the cache, whole: then the text encoder is
    not loaded. A damaged entry is said here, once, and removed."""
    cache = cache_from_env()
    pipeline = getattr(ref.fam, task, None) if hasattr(ref, "fam") else None
    key = prompt_key(ref, pipeline or "", prompt, negative or "", _cfg(ctx)) if cache is not None else ""
    pe, _ne, why = cached_embeddings(cache, key, _cfg(ctx))
    if why:
        ctx.warn(why)
    return pe is not None


def text_kwargs(ctx, s, prompt: str, negative: str) -> dict | None:
    """The call's text arguments as embeddings, from the cache or encoded now (as the pipeline's call
    encodes them) and kept; None when this pipeline is not cached (the call encodes the prompt)."""
    pipe, ref, cfg = s.pipe, s.ref, _cfg(ctx)
    cache = cache_from_env()
    key = prompt_key(ref, type(pipe).__name__, prompt, negative or "", cfg) if cache is not None else ""
    if not key or not hasattr(pipe, "encode_prompt"):
        return None
    import torch
    device = getattr(pipe, "_execution_device", None) or ref.device
    pe, ne, why = cached_embeddings(cache, key, cfg)
    if why:
        ctx.warn(why)
    if pe is not None:
        ctx.info(NOT_LOADED if getattr(pipe, "text_encoder", None) is None else NOT_RUN)
        out = {"prompt_embeds": pe.to(device)}
        if cfg:
            out["negative_prompt_embeds"] = ne.to(device)
        return out
    if getattr(pipe, "text_encoder", None) is None and hasattr(ref, "load_text_encoder"):
        ref.load_text_encoder()  # it waited (loading/deferred_text.py): this prompt needs it
        s.pipe = pipe = ref.pipeline(s.task)
        device = getattr(pipe, "_execution_device", None) or ref.device
    with torch.no_grad():  # as the pipeline's call encodes (its kernels: the same embeddings to the bit)
        pe, ne = pipe.encode_prompt(prompt=prompt, negative_prompt=negative or None, do_classifier_free_guidance=cfg,
                                    max_sequence_length=MAX_SEQUENCE, device=device)
    outs = {"prompt_embeds": pe.detach().cpu()}
    if cfg:
        outs["negative_prompt_embeds"] = ne.detach().cpu()
    _n, why_not = cache.put(key, outs, "prompt-embeddings")
    if why_not:
        ctx.warn(f"prompt embeddings not kept in the cache: {why_not}")
    out = {"prompt_embeds": pe}
    if cfg:
        out["negative_prompt_embeds"] = ne
    return out


def _drop(cache, key: str) -> None:
    try:
        os.remove(cache.path(key))
    except OSError:
        pass
