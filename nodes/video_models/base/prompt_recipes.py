"""Which pipelines' prompt embeddings the prompt-embedding cache keeps (sampling/prompt_cache.py),
and how: the names of what their ``encode_prompt`` returns, in order, which are also the names
their call takes. Two shapes cover the families that encode with one text encoder and no template:
Wan's (Wan 2.1 / 2.2 and its siblings, SkyReels-V2, CogVideoX: the prompt's and the negative's
embeddings) and LTX-Video's (each with its attention mask). The length a prompt is encoded at is
the call's own default (``max_sequence_length``), read from the pipeline class, so the cached
embeddings are the ones the call would make. Others (HunyuanVideo's two encoders, Kandinsky 5's,
LTX-2's node that sets its own length) are encoded by their call as before."""
from __future__ import annotations

import inspect

PLAIN = ("prompt_embeds", "negative_prompt_embeds")
MASKED = ("prompt_embeds", "prompt_attention_mask", "negative_prompt_embeds", "negative_prompt_attention_mask")
BY_PREFIX = (("Wan", PLAIN), ("SkyReelsV2", PLAIN), ("CogVideoX", PLAIN), ("LTX2", None), ("LTX", MASKED))


def returns(pipeline: str) -> tuple[str, ...] | None:
    """What ``encode_prompt`` of the pipeline class named ``pipeline`` returns, or None when its
    prompts are not cached."""
    for prefix, names in BY_PREFIX:
        if str(pipeline).startswith(prefix):
            return names
    return None


def max_length(cls) -> int | None:
    """The call's default ``max_sequence_length`` of a pipeline class (None: it has none)."""
    p = inspect.signature(cls.__call__).parameters.get("max_sequence_length")
    return p.default if p is not None and isinstance(p.default, int) else None
