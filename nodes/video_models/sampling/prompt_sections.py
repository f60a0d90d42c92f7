"""A CLIP prompt longer than 75 tokens read whole, as ComfyUI reads it (the facts of comfy/sd1_clip.py, written
here): its tokens cut into sections of 75 (each with CLIP's start and end tokens and padded to 77), each section
encoded on its own and the sections' rows concatenated along the token axis; the pooled embedding is the first
section's. A chunk of the prompt (the text between weight groups, or a group) of fewer than 8 tokens that would
straddle a section's end goes whole to the next section (the section ended and padded); a longer one is broken
where the section ends. A weighted token's row is moved in its own section from the empty prompt's row at the same
place (one empty section, ComfyUI's). SDXL's two encoders are each sectioned and their rows joined along the width.

Where the prompt and the negative have different numbers of sections, each is repeated along the token axis to the
least common multiple of the two (ComfyUI repeats them so, which leaves cross-attention's result as it is): a
diffusers pipeline takes them only at one length. diffusers' pipelines cut a prompt at 77 tokens; this reads it
all. A prompt of at most 75 tokens is not touched here (encoded by the pipeline's ``encode_prompt`` as before, to
the bit). Used by prompt_weighting.py for the pipelines whose family declares PromptWeights (Stable Diffusion 1.5,
SDXL, AnimateDiff and its ControlNet pipelines); ``unread`` says where a CLIP-only pipeline cuts the words off, and
``scheduled`` where a Prompt Schedule's prompts (blended row by row, one length) are."""
from __future__ import annotations

import math

SECTION = 75  # a section's own tokens (77 with CLIP's start and end tokens)
SMALL = 8  # ComfyUI's max_word_length: a chunk of fewer tokens is not broken across two sections
CLIP_LENGTH = 77


def token_starts(tokenizer, r) -> list[int]:
    """The character of the clean text each of its tokens starts at (its first non-space one): the fast
    tokenizer's offsets, else each chunk's end counted in tokens (a chunk's tokens start in it)."""
    text = r.text
    if getattr(tokenizer, "is_fast", False):
        got = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)["offset_mapping"]
        out = []
        for a, b in got:
            while a < b - 1 and text[a].isspace():
                a += 1
            out.append(min(a, max(len(text) - 1, 0)))
        return out
    out: list[int] = []
    for s in r.spans:
        n = len(tokenizer(text[:s.end], add_special_tokens=False)["input_ids"])
        out += [s.start] * max(n - len(out), 0)
    return out


def _clip(tokenizer) -> bool:
    return tokenizer is not None and "CLIP" in type(tokenizer).__name__ \
        and getattr(tokenizer, "model_max_length", 0) == CLIP_LENGTH


def _pairs(pipe) -> list:
    """(tokenizer, text encoder name) of each of the pipeline's CLIP encoders, in ``encode_prompt``'s order."""
    return [(getattr(pipe, t), e) for t, e in (("tokenizer", "text_encoder"), ("tokenizer_2", "text_encoder_2"))
            if getattr(pipe, t, None) is not None]


def sectioned(pipe) -> bool:
    """Whether Studio reads a long prompt of this pipeline in sections: its family weighs prompts
    (PromptWeights, not literal) and its text encoders are CLIP's (77 tokens) only."""
    from ..base.capabilities import PromptWeights
    from ..base.registry import capability_for
    pairs = _pairs(pipe)
    if not pairs or not all(_clip(t) for t, _ in pairs) or getattr(pipe, "tokenizer_3", None) is not None:
        return False
    cap = capability_for(PromptWeights, type(pipe).__name__)
    return cap is not None and not cap.literal


def _ids(pipe, tokenizer, text: str) -> list[int]:
    if hasattr(pipe, "maybe_convert_prompt"):  # a textual inversion's vectors (diffusers' own step)
        text = pipe.maybe_convert_prompt(text, tokenizer)
    return list(tokenizer(text, add_special_tokens=False)["input_ids"])


def tokens(pipe, text) -> int:
    """How many tokens the pipeline's first tokenizer makes of ``text`` (its specials not counted)."""
    from studio.core.prompt_weights import read
    tok = getattr(pipe, "tokenizer", None)
    return len(_ids(pipe, tok, read(text).text)) if isinstance(text, str) and text and tok is not None else 0


def longer(pipe, *texts) -> bool:
    """Whether any of ``texts`` is over 75 tokens for a pipeline that reads them in sections."""
    return any(isinstance(t, str) and t.strip() for t in texts) and sectioned(pipe) \
        and any(tokens(pipe, t) > SECTION for t in texts)


def layout(pipe, tokenizer, r) -> list[list[tuple[int, float]]]:
    """The clean text's tokens (``r``: its reading) with their weights, cut into sections as ComfyUI cuts them."""
    ids = _ids(pipe, tokenizer, r.text)
    starts = token_starts(tokenizer, r) if r.weighted else [0] * len(ids)
    spans = r.spans or ()
    chunk_of = lambda c: next((k for k, s in enumerate(spans) if s.start <= c < s.end), -1)  # noqa: E731
    groups: list[list[tuple[int, float]]] = []
    last = None
    for j, t in enumerate(ids):
        k = chunk_of(starts[j]) if j < len(starts) else last
        w = spans[k].weight if k is not None and 0 <= k < len(spans) else 1.0
        if k != last or not groups:
            groups.append([])
        groups[-1].append((t, w))
        last = k
    out: list[list[tuple[int, float]]] = [[]]
    for g in groups:
        large = len(g) >= SMALL
        while g:
            if len(out[-1]) + len(g) > SECTION:
                if large:
                    room = SECTION - len(out[-1])
                    out[-1].extend(g[:room])
                    g = g[room:]
                out.append([])
            else:
                out[-1].extend(g)
                g = []
    return out


def _padded(tokenizer, section) -> list[int]:
    ids = [tokenizer.bos_token_id] + [t for t, _ in section] + [tokenizer.eos_token_id]
    return ids + [tokenizer.pad_token_id] * (CLIP_LENGTH - len(ids))


def _run(pipe, name: str, ids, device, xl: bool):
    """One encoder's output for the sections ``ids`` ([sections, 77]) as diffusers' ``encode_prompt`` takes it
    (no clip_skip): SD's last hidden state, SDXL's penultimate one and its pooled projection."""
    import torch
    enc = getattr(pipe, name)
    x = torch.tensor(ids, device=device)
    mask = torch.ones_like(x) if getattr(enc.config, "use_attention_mask", False) else None
    if not xl:
        return enc(x, attention_mask=mask)[0], None
    o = enc(x, output_hidden_states=True)
    return o.hidden_states[-2], (o[0] if o[0].ndim == 2 else None)


def encoded(pipe, r, device) -> dict:
    """{prompt_embeds[, pooled_prompt_embeds]} of the clean text ``r`` read in sections (module docstring)."""
    import torch
    pairs = _pairs(pipe)
    xl = any(name == "text_encoder_2" for _, name in pairs)  # SDXL's layout (its penultimate layer, pooled)
    widths, pooled = [], None
    with torch.no_grad():
        for tok, name in pairs:
            parts = layout(pipe, tok, r)
            ids = [_padded(tok, p) for p in parts] + ([_padded(tok, [])] if r.weighted else [])  # empty last
            got = [_run(pipe, name, [x], device, xl) for x in ids]  # one by one, as encode_prompt encodes one
            z, pool = torch.cat([g[0] for g in got]), got[0][1]
            empty, z = z[-1], z[:len(parts)].clone()
            for k, p in enumerate(parts):
                w = torch.tensor([1.0] + [x for _, x in p] + [1.0] * (CLIP_LENGTH - 1 - len(p)), dtype=z.dtype,
                                 device=z.device)
                on = w != 1.0
                if bool(on.any()):
                    z[k, on] = (z[k, on] - empty[on]) * w[on][:, None] + empty[on]
            widths.append(z.reshape(1, -1, z.shape[-1]))
            pooled = pool[:1] if pool is not None else pooled
    rows = min(x.shape[1] for x in widths)  # (ComfyUI cuts SDXL's two to the shorter)
    emb = torch.cat([x[:, :rows] for x in widths], dim=-1)
    enc = getattr(pipe, pairs[-1][1], None)
    emb = emb.to(dtype=getattr(enc, "dtype", emb.dtype), device=device)
    out = {"prompt_embeds": emb}
    if xl and pooled is not None:
        out["pooled_prompt_embeds"] = pooled.to(dtype=emb.dtype, device=device)
    return out


def matched(out: dict) -> dict:
    """``out`` with its prompt's and negative's embeddings repeated to one number of rows (their least common
    multiple, as ComfyUI repeats them)."""
    a, b = out.get("prompt_embeds"), out.get("negative_prompt_embeds")
    if a is None or b is None or a.shape[1] == b.shape[1]:
        return out
    n = math.lcm(a.shape[1], b.shape[1])
    return {**out, "prompt_embeds": a.repeat(1, n // a.shape[1], 1),
            "negative_prompt_embeds": b.repeat(1, n // b.shape[1], 1)}


def sections(pipe, text) -> int:
    """How many sections ComfyUI reads ``text`` in (1 for a prompt of at most 75 tokens)."""
    from studio.core.prompt_weights import read
    if not isinstance(text, str) or tokens(pipe, text) <= SECTION:
        return 1
    return len(layout(pipe, pipe.tokenizer, read(text)))


def unread(pipe, title: str, *texts, words: bool = False) -> str:
    """One sentence where a pipeline whose text encoders are CLIP's only (77 tokens) and which Studio does not read
    in sections is given a prompt over 75 tokens (``words``: given to the call as words, as a Prompt Schedule's
    windows give their negative, sectioned or not): the words past its 75th token are not read ('' otherwise)."""
    pairs = _pairs(pipe)
    if not pairs or not all(_clip(t) for t, _ in pairs) or getattr(pipe, "tokenizer_3", None) is not None \
            or (sectioned(pipe) and not words):
        return ""
    said = []
    for which, t in zip(("prompt", "negative prompt"), texts):
        n = tokens(pipe, t)
        if n > SECTION:
            said.append(f"the {which} is {n} tokens")
    if not said:
        return ""
    return (f"{title}: {' and '.join(said)}, but {type(pipe).__name__}'s CLIP text encoder reads 77 (75 of the "
            "prompt's with its start and end tokens) and Studio does not read it in sections "
            + ("when a Prompt Schedule's windows give it as words" if words else "here")
            + ": the words past the 75th token are not read")


def scheduled(pipe, prompts) -> str:
    """One sentence where a Prompt Schedule's prompt is over 75 tokens for a CLIP pipeline: the schedule's
    prompts are blended row by row at one length (encode_prompt's 77), so the words past the 75th are not read."""
    pairs = _pairs(pipe)
    if not pairs or not _clip(pairs[0][0]) or getattr(pipe, "tokenizer_3", None) is not None:
        return ""
    over = [f"prompt {k + 1} ({n} tokens)" for k, q in enumerate(prompts) if (n := tokens(pipe, q)) > SECTION]
    if not over:
        return ""
    return (f"Prompt Schedule: {', '.join(over)} over the 75 tokens {type(pipe).__name__}'s CLIP text encoder "
            "reads at once; a schedule's prompts are encoded at 77 tokens each (blended row by row), not in "
            "sections: the words past the 75th token are not read")
