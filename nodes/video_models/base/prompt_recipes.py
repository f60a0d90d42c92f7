"""Which pipelines' prompt embeddings the prompt-embedding cache keeps (sampling/prompt_cache.py),
and how: each family declares a ``PromptRecipe`` for its pipelines in its own folder (base/capabilities.py;
``Family.lacks`` says why a family has none), and this module answers for a pipeline class through the
registry. Two shapes cover the families that encode with one text encoder and no template: PLAIN (the
prompt's and the negative's embeddings) and MASKED (each with its attention mask); families whose
``encode_prompt`` takes one prompt and whose call encodes the negative with a second one give an ``Each``
recipe (its names, the dtype and length the call encodes at, when it encodes the negative, its default
negative). The length a prompt is encoded at is the call's own default (``max_sequence_length``), read from
the pipeline class, unless the node sets it, so the cached embeddings are the ones the call would make."""
from __future__ import annotations

import inspect

from .capabilities import Each, PromptRecipe  # noqa: F401  (Each re-exported: the families' recipes use it)
from .registry import capability_for

PLAIN = ("prompt_embeds", "negative_prompt_embeds")
MASKED = ("prompt_embeds", "prompt_attention_mask", "negative_prompt_embeds", "negative_prompt_attention_mask")


def recipe(pipeline: str) -> PromptRecipe | None:
    """The recipe a family declares for the pipeline class named ``pipeline``, or None (not cached)."""
    return capability_for(PromptRecipe, str(pipeline))


def returns(pipeline: str) -> tuple[str, ...] | None:
    """What ``encode_prompt`` of the pipeline class named ``pipeline`` returns (an Each recipe's: the
    prompt's, then the negative's), or None when its prompts are not cached."""
    r = recipe(pipeline)
    return r.returns if r is not None else None


def each(pipeline: str) -> Each | None:
    """The recipe of a pipeline whose encode_prompt takes one prompt at a time, else None."""
    r = recipe(pipeline)
    return r.each if r is not None else None


def encoder_can_wait(pipeline: str) -> bool:
    """Whether the text encoder of a pipeline may stay on disk: every pipeline whose prompts are cached
    (LTX-2's call reads its encoder's model type for the image CRF even when given embeddings; the LTX-2
    node gives the CRF itself, families/ltx2/conditions.py)."""
    return returns(pipeline) is not None


def tokenizer_side(pipeline: str) -> str | None:
    """The padding side the pipeline's encode_prompt sets on its tokenizer and its call reads back: set
    the same when the embeddings come from the cache (None: none)."""
    r = recipe(pipeline)
    return (r.tokenizer_side or None) if r is not None else None


def max_length(cls) -> int | None:
    """The call's default ``max_sequence_length`` of a pipeline class (None: it has none)."""
    p = inspect.signature(cls.__call__).parameters.get("max_sequence_length")
    return p.default if p is not None and isinstance(p.default, int) else None
