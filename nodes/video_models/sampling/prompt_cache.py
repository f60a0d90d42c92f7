"""The prompt-embedding cache (issue 60 item 2): a prompt's embeddings (and its negative's) kept on
disk beside the output disk cache (``<cache>/prompt-embeddings``), so a second render of the same
prompt (only the seed changed) never runs the text encoder.

One entry per key, written and checked by studio.engine.disk_cache / disk_entry (no second format:
a safetensors file carrying its salted key, the CRC-32 of its header and of each array, regular files
only, bounded by bytes with the least recently used entries evicted, only the cache's own files
touched). The key: the text encoder file's identity (path, size, modification time of each of its
files), the prompt, the negative prompt and the encoder settings (family, pipeline, max length,
dtype, whether the negative is encoded). An entry that does not prove itself, or is another key's, is
a miss: removed, said once, and the prompt is encoded again. Never a wrong prompt.

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

FOLDER = "prompt-embeddings"
MAX_SEQUENCE = 512  # WanPipeline.__call__'s max_sequence_length (diffusers), the length the call encodes at
DEFAULT_BYTES = int(2e9)
SAID = "prompt embeddings from the cache (text encoder not run)"


def default_folder() -> str:
    from studio.core.manifest import cache_dir
    return os.path.join(cache_dir(), FOLDER)


def cache_from_env() -> "DiskCache | None":
    """The cache: $STUDIO_PROMPT_CACHE_GB (0 turns it off; default 2 GB) in $STUDIO_CACHE_DIR's
    prompt-embeddings folder."""
    try:
        gb = float(os.environ.get("STUDIO_PROMPT_CACHE_GB", DEFAULT_BYTES / 1e9))
    except ValueError:
        gb = DEFAULT_BYTES / 1e9
    return DiskCache(default_folder(), int(gb * 1e9)) if gb > 0 else None


def encoder_files(ref) -> list[str]:
    """The text encoder's files: the part file given to Load Video Model, else the diffusers
    folder's text_encoder/ weights (of ``base`` when the denoiser is a single file)."""
    parts = (getattr(ref, "config", None) or {}).get("parts") or {}
    if parts.get("text_encoder"):
        return [os.path.abspath(parts["text_encoder"])]
    cfg = getattr(ref, "config", None) or {}
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


def cacheable(pipe) -> bool:
    return type(pipe).__name__.startswith("Wan") and hasattr(pipe, "encode_prompt")


def prompt_key(ref, pipe, prompt: str, negative: str, cfg: bool, dtype) -> str:
    """The entry's key ('' : not cacheable, the encoder's files unknown)."""
    ident = identity(encoder_files(ref))
    if not ident or not cacheable(pipe):
        return ""
    return json.dumps({"what": "prompt-embeddings", "encoder": ident, "family": getattr(ref, "family", ""),
                       "pipeline": type(pipe).__name__, "prompt": prompt, "negative": negative if cfg else None,
                       "cfg": bool(cfg), "max_length": MAX_SEQUENCE, "dtype": str(dtype)}, sort_keys=True)


def cached_embeddings(cache, key: str):
    """(prompt_embeds, negative_prompt_embeds or None, why a corrupt entry was a miss) or
    (None, None, why) on a miss."""
    if cache is None or not key:
        return None, None, ""
    outs, why = cache.get(key)
    if outs is None:
        return None, None, why
    import torch
    pe, ne = outs.get("prompt_embeds"), outs.get("negative_prompt_embeds")
    if not isinstance(pe, torch.Tensor) or (key_cfg(key) and not isinstance(ne, torch.Tensor)):
        _drop(cache, key)
        return None, None, "a prompt-embedding cache entry did not hold what its key asks: ignored"
    return pe, (ne if isinstance(ne, torch.Tensor) else None), why


def key_cfg(key: str) -> bool:
    return bool(json.loads(key).get("cfg"))


def text_kwargs(ctx, s, prompt: str, negative: str, cfg: bool) -> dict | None:
    """The call's text arguments as embeddings, from the cache or encoded now and kept; None when
    this pipeline is not cached (the call encodes the prompt itself)."""
    pipe, ref = s.pipe, s.ref
    cache = cache_from_env()
    import torch
    te = getattr(pipe, "text_encoder", None)
    dtype = getattr(te, "dtype", None) or getattr(ref, "dtype", None) or torch.float32
    key = prompt_key(ref, pipe, prompt, negative or "", cfg, dtype) if cache is not None else ""
    if not key:
        return None
    device = getattr(pipe, "_execution_device", None) or ref.device
    pe, ne, why = cached_embeddings(cache, key)
    if why:
        ctx.warn(why.replace("the node runs again", "the prompt is encoded again"))
    if pe is not None:
        ctx.info(SAID)
        out = {"prompt_embeds": pe.to(device, dtype)}
        if cfg:
            out["negative_prompt_embeds"] = ne.to(device, dtype)
        return out
    with torch.no_grad():  # as the pipeline's call encodes (its kernels: the same embeddings to the bit)
        pe, ne = pipe.encode_prompt(prompt=prompt, negative_prompt=negative or None, do_classifier_free_guidance=cfg,
                                    max_sequence_length=MAX_SEQUENCE, device=device, dtype=dtype)
    outs = {"prompt_embeds": pe.detach().cpu()}
    if cfg and ne is not None:
        outs["negative_prompt_embeds"] = ne.detach().cpu()
    _n, why_not = cache.put(key, outs, "prompt-embeddings")
    if why_not:
        ctx.warn(f"prompt embeddings not cached: {why_not}")
    out = {"prompt_embeds": pe}
    if cfg:
        out["negative_prompt_embeds"] = ne
    return out


def _drop(cache, key: str) -> None:
    try:
        os.remove(cache.path(key))
    except OSError:
        pass
