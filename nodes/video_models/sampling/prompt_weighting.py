"""ComfyUI's prompt weights ``(word:1.3)`` (read by studio/core/prompt_weights.py) applied where a generator
encodes its prompt. A pipeline whose family declares PromptWeights (base/capabilities.py: Stable Diffusion 1.5,
SDXL and AnimateDiff's CLIP, Wan's, SkyReels-V2's and Lucy's UMT5, LTX-Video's and CogVideoX's T5) gets its prompt
as embeddings: the clean text (the syntax removed) encoded by the pipeline's own ``encode_prompt``, the empty
prompt's too, and each weighted token's row moved as ComfyUI moves it, ``row = (row - empty_row) * weight +
empty_row`` (the empty prompt's row at the same place; a weight of 1.0 leaves a row as it is; the pooled embedding
is the clean text's, unweighted). The tokens are found in the clean text by the pipeline's tokenizer (its offsets,
or its token counts of each chunk's end), laid out as ``encode_prompt`` lays them (its specials, its padding); rows
past the encoding's length have no weight to take; a CLIP prompt over 75 tokens (weighted or not) is read whole
in ComfyUI's sections (prompt_sections.py), the negative's sections repeated to the prompt's. A negative prompt with
weights is weighted alike, one without encoded as the call would (an empty one is left to the call, as before).
Weighted prompts are kept in the prompt-embedding cache (prompt_cache.py) under their own key: the cache's key of
the texts as written with the weights' reading named in it (``cache_key``).

A prompt with no weight syntax (studio/core/prompt_weights.plain) is not touched: encoded as before, to the bit, at
no cost, with the prompt cache's key as before. Any other pipeline gets the clean text and one sentence on the node
saying its weights were not applied (``cleaned``; escapes and x1 groups only: nothing lost, nothing said), but for a
pipeline whose ComfyUI text encoder reads no weights (PromptWeights ``literal``: Qwen-Image, Z-Image, FLUX.2,
LTX-2, HunyuanVideo 1.5, Kandinsky 5), which gets the prompt as written, as ComfyUI's does, nothing said; a call's
prompt text that reaches the call's arguments still holding the syntax (a family node passing text) is weighted
there where its pipeline weighs, else cleaned and said (sampling/call_args.py); a Prompt Schedule's prompts are
weighted alike (schedule.py), its take's negative given as words, said (``as_words``)."""
from __future__ import annotations

import inspect

from studio.core.prompt_weights import Read, Span, plain, read, shown

from .prompt_sections import token_starts

NOT_APPLIED = " not applied ({what}): the words are encoded without the weight syntax"


def capability(pipe):
    from ..base.capabilities import PromptWeights
    from ..base.registry import capability_for
    return capability_for(PromptWeights, type(pipe).__name__)


def needed(*texts) -> bool:
    """Whether any of ``texts`` holds weight syntax (then ``kwargs`` encodes it, under a cache key of its own)."""
    return not all(plain(t) for t in texts)


def needed_by(pipe, *texts) -> bool:
    """``needed``, or a CLIP prompt over 75 tokens that ``pipe`` reads in sections (prompt_sections.py)."""
    from .prompt_sections import longer
    return needed(*texts) or longer(pipe, *texts)


def said(title: str, texts: dict, what: str) -> str:
    """The sentence for prompts whose weights are not applied: ``texts`` {'prompt': text, 'negative prompt': ...}."""
    parts = [f"the {which}'s weights ({shown(text)})" for which, text in texts.items()
             if isinstance(text, str) and not plain(text) and shown(text)]
    return f"{title}: {' and '.join(parts)}" + NOT_APPLIED.format(what=what) if parts else ""


def cleaned(ctx, title: str, why: str, prompt, negative):
    """(prompt, negative) with the syntax removed, said once on the node (``why``: why no weight is applied)."""
    if not needed(prompt, negative):
        return prompt, negative
    line = said(title, {"prompt": prompt, "negative prompt": negative}, why)
    if line:  # (escapes and x1 groups only: the syntax removed, nothing lost, nothing to say)
        ctx.warn(line)
    return (read(prompt).text if isinstance(prompt, str) else prompt,
            read(negative).text if isinstance(negative, str) else negative)


def weighs(pipe) -> bool:
    """Whether the pipeline's family applies weights to its prompt embeddings (PromptWeights, not literal)."""
    cap = capability(pipe)
    return cap is not None and not cap.literal and getattr(pipe, "tokenizer", None) is not None


def literal(pipe) -> bool:
    """Whether ComfyUI's text encoder for the pipeline's model reads the syntax as text (PromptWeights literal)."""
    return bool(getattr(capability(pipe), "literal", False))


def literal_family(fam) -> bool:
    """Whether a family's pipelines read the syntax as text (its PromptWeights is literal)."""
    from ..base.capabilities import PromptWeights
    cap = fam.capability(PromptWeights) if hasattr(fam, "capability") else None
    return bool(getattr(cap, "literal", False))


def as_words(ctx, pipe, title: str, negative):
    """A negative given to the call as words (a Prompt Schedule's windows): as written where ComfyUI reads no
    weights (literal), else without the syntax, its weights said not applied."""
    if plain(negative) or literal(pipe):
        return negative
    return cleaned(ctx, title, "a scheduled take's windows give the call the negative as words", None, negative)[1]


def cleaned_said(warn, title: str, fam_title: str, text: str) -> Read:
    """One prompt's reading, its weights said not applied (``warn``) where it has any."""
    line = said(title, {"prompt": text}, f"Studio weighs no token for {fam_title}'s text encoder")
    if line and warn is not None:
        warn(line)
    r = read(text)
    return Read(r.text, tuple(Span(s.start, s.end, 1.0) for s in r.spans))


def _encode(pipe, names, text: str, device) -> dict:
    """{name: tensor} of ``encode_prompt`` for one prompt without guidance, at the call's own length."""
    import torch

    from ..base.prompt_recipes import max_length
    takes = inspect.signature(pipe.encode_prompt).parameters
    kw = {"prompt": text, "device": device, "do_classifier_free_guidance": False}
    kw.update({k: 1 for k in ("num_images_per_prompt", "num_videos_per_prompt") if k in takes})
    length = max_length(type(pipe))
    if length and "max_sequence_length" in takes:
        kw["max_sequence_length"] = length
    with torch.no_grad():
        out = pipe.encode_prompt(**kw)
    return {n: t for n, t in zip(names, out) if n}


def row_weights(tokenizer, r: Read, rows: int) -> list[float]:
    """The weight of each of the ``rows`` rows the tokenizer lays the clean text out in (1.0 for its specials
    and padding)."""
    weight_at = [1.0] * len(r.text)
    for s in r.spans:
        weight_at[s.start:s.end] = [s.weight] * (s.end - s.start)
    ids = tokenizer(r.text, padding="max_length", max_length=rows, truncation=True)["input_ids"]
    specials = set(getattr(tokenizer, "all_special_ids", ()) or ())
    starts = token_starts(tokenizer, r)  # the character each of the text's own tokens starts at
    out, lead = [], _lead(tokenizer, r.text)
    for i, t in enumerate(ids[:rows]):
        j = i - lead
        out.append(weight_at[starts[j]] if t not in specials and 0 <= j < len(starts) else 1.0)
    return out + [1.0] * (rows - len(out))


def _lead(tokenizer, text: str) -> int:
    """How many specials the tokenizer puts before the text's tokens (CLIP's start token: 1; T5's: 0)."""
    full = tokenizer(text)["input_ids"]
    own = tokenizer(text, add_special_tokens=False)["input_ids"]
    for k in range(min(4, len(full))):
        if full[k:k + len(own)] == own:
            return k
    return 0


def _weighted(pipe, cap, text: str, device) -> dict:
    """The prompt's embeddings by ``encode_prompt`` of its clean text, each weighted token's row moved."""
    r = read(text)
    from .prompt_sections import SECTION, encoded, sectioned, tokens
    if sectioned(pipe) and tokens(pipe, r.text) > SECTION:  # read whole, in ComfyUI's sections
        return encoded(pipe, r, device)
    got = _encode(pipe, cap.names, r.text, device)
    if not r.weighted:  # (only 'x1' groups or escapes: the clean text as it is)
        return got
    empty = _encode(pipe, cap.names, "", device)["prompt_embeds"]
    return {**got, "prompt_embeds": moved(pipe.tokenizer, r, got["prompt_embeds"], empty)}


def moved(tokenizer, r: Read, z, empty):
    """``z`` (the clean text's embeddings, [batch, rows, width]) with each weighted token's row moved from the
    empty prompt's (``empty``, encoded alike): ``(row - empty_row) * weight + empty_row``, as ComfyUI moves it."""
    import torch
    w = torch.tensor(row_weights(tokenizer, r, z.shape[1]), dtype=z.dtype, device=z.device)
    on = w != 1.0
    z = z.clone()
    z[:, on] = (z[:, on] - empty[:, on]) * w[on][:, None] + empty[:, on]
    return z


def embeddings(pipe, prompt, negative, device) -> dict:
    """{name: tensor}: the weighted prompt's, and a non-empty negative's (``negative_*``: weighted where it has
    weights, else as the call would encode it) of a pipeline that weighs."""
    cap = capability(pipe)
    out = _weighted(pipe, cap, prompt or "", device)
    if isinstance(negative, str) and negative.strip():
        out.update({"negative_" + k: v for k, v in _weighted(pipe, cap, negative, device).items()})
    from .prompt_sections import CLIP_LENGTH, matched, sectioned
    if sectioned(pipe) and "negative_prompt_embeds" not in out and out["prompt_embeds"].shape[1] > CLIP_LENGTH \
            and not getattr(getattr(pipe, "config", None), "force_zeros_for_empty_prompt", False):
        # the call would encode the empty negative at the prompt's length: it is one section, as in ComfyUI
        out.update({"negative_" + k: v for k, v in _weighted(pipe, cap, "", device).items()})
    return matched(out)


def kwargs(ctx, s, title: str, prompt: str, negative):
    """The call's text arguments for a prompt (or negative) with weights: embeddings where the pipeline's family
    weighs (the negative as text where it has none), else None with the prompts to give as text, cleaned and
    said: (kwargs or None, prompt, negative)."""
    pipe = s.pipe
    cap = capability(pipe)
    if cap is not None and cap.literal:  # ComfyUI reads the syntax as text there: given as written
        return None, prompt, negative
    if cap is None or not hasattr(pipe, "encode_prompt") or getattr(pipe, "tokenizer", None) is None:
        from ..base.capabilities import PromptWeights
        fam = getattr(s.fam, "title", None)
        if not fam or (hasattr(s.fam, "capability") and s.fam.capability(PromptWeights) is not None):
            fam = type(pipe).__name__  # (its family weighs in its other pipelines: this one is named)
        p, n = cleaned(ctx, title, f"Studio weighs no token for {fam}'s text encoder", prompt, negative)
        return None, p, n
    from .prompt_sections import longer, sections
    long = longer(pipe, prompt, negative)
    key = cache_key(s.ref, type(pipe).__name__, prompt, negative, long)
    out = _kept(key)
    hit = out is not None
    if not hit:
        if getattr(pipe, "text_encoder", None) is None and hasattr(s.ref, "load_text_encoder"):
            s.ref.load_text_encoder()  # it waited (loading/deferred_text.py): the weighted prompt needs it
            s.pipe = pipe = s.ref.pipeline(s.task)
        out = embeddings(pipe, prompt, negative, s.ref.execution_device(pipe))
        _keep(ctx, key, out)
    else:
        device = s.ref.execution_device(pipe)
        out = {k: v.to(device) for k, v in out.items()}
    if not any(k.startswith("negative_") for k in out):
        out["negative_prompt"] = negative or None
    if needed(prompt, negative):
        ctx.info(f"prompt weights applied: {shown(prompt or '') or 'none'} (prompt)"
                 + (f"; {shown(negative)} (negative)" if negative and not plain(negative) else "")
                 + (", from the prompt-embedding cache" if hit else ""))
    if long:
        n = [sections(pipe, t) for t in (prompt, negative)]
        ctx.info(f"long prompt read whole, as ComfyUI reads it: {n[0]} section(s) of 75 tokens (prompt), {n[1]} "
                 "(negative), concatenated" + (", from the prompt-embedding cache" if hit else ""))
    from .prompt_cache import with_prompt_slot
    return with_prompt_slot(pipe, out), prompt, negative


# -- weighted prompts in the prompt-embedding cache (prompt_cache.py) -------------------------------------------
WEIGHTS_KEY = "comfyui-token-weights-1"  # in a weighted prompt's key: never the entry of the same text read as words
SECTIONS_KEY = "comfyui-clip-sections-75"  # a long CLIP prompt read whole (never the entry cut at 77 tokens)


def cache_key(ref, pipeline: str, prompt, negative, long: bool = False) -> str:
    """The cache key of a weighted prompt (and negative) of a pipeline the prompt cache serves ('' : none): the
    prompt cache's key of the texts as written, with the weights' reading named in it (and the sections', for a
    long CLIP prompt: ``long``)."""
    import json

    from .prompt_cache import cache_from_env, prompt_key
    if ref is None or cache_from_env() is None:
        return ""
    key = prompt_key(ref, pipeline, prompt or "", negative or "", True)
    more = {"weights": WEIGHTS_KEY, **({"sections": SECTIONS_KEY} if long else {})}
    return json.dumps({**json.loads(key), **more}, sort_keys=True) if key else ""


def _kept(key: str):
    """{name: tensor} of a whole entry for ``key``, else None (a damaged one is removed by the cache)."""
    from .prompt_cache import cache_from_env
    cache = cache_from_env() if key else None
    outs = cache.get(key)[0] if cache is not None else None
    return dict(outs) if outs and "prompt_embeds" in outs else None


def _keep(ctx, key: str, out: dict) -> None:
    from .prompt_cache import cache_from_env
    cache = cache_from_env() if key else None
    if cache is not None:
        _n, why = cache.put(key, {k: v.detach().cpu() for k, v in out.items()}, "prompt-embeddings")
        if why:
            ctx.warn(f"weighted prompt embeddings not kept in the cache: {why}")


def cached(ref, pipeline: str, prompt, negative) -> bool:
    """Whether a weighted prompt's embeddings are in the cache, whole (then the text encoder may stay on disk)."""
    return _kept(cache_key(ref, pipeline, prompt, negative)) is not None


def with_slot(pipe, kw: dict) -> dict:
    """``kw`` with ``prompt=None`` where the call requires a prompt argument (prompt_cache.with_prompt_slot)."""
    from .prompt_cache import with_prompt_slot
    return with_prompt_slot(pipe, kw)
