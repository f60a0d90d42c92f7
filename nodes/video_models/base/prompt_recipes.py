"""Which pipelines' prompt embeddings the prompt-embedding cache keeps (sampling/prompt_cache.py),
and how: the names of what their ``encode_prompt`` returns, in order, which are also the names
their call takes. Two shapes cover the families that encode with one text encoder and no template:
Wan's (Wan 2.1 / 2.2 and its siblings, Lucy Edit, CogVideoX: the prompt's and the negative's embeddings) and
LTX-Video's and LTX-2's (each with its attention mask; LTX-2's Gemma states before its connectors,
which the call applies; its image CRF, which the call reads from Gemma's config, is given by the node). HunyuanVideo 1.5's is encoded prompt by prompt (its two encoders' states and
masks, the negative's named ``negative_...``), as its call encodes them, the negative always kept
(its guider decides at the call whether it is used). SkyReels-V2's are Wan's (its diffusion-forcing
call requires a prompt argument: it is given None beside the embeddings). The length a prompt is encoded at is the call's own default
(``max_sequence_length``), read from the pipeline class, unless the node sets it (LTX-2's), so the
cached embeddings are the ones the call would make. Others (HunyuanVideo's two encoders,
Kandinsky 5's) are encoded by their call as before."""
from __future__ import annotations

import inspect

PLAIN = ("prompt_embeds", "negative_prompt_embeds")
MASKED = ("prompt_embeds", "prompt_attention_mask", "negative_prompt_embeds", "negative_prompt_attention_mask")
EACH = ("prompt_embeds", "prompt_embeds_mask", "prompt_embeds_2", "prompt_embeds_mask_2")  # one prompt's
EACH_BOTH = EACH + tuple("negative_" + n for n in EACH)
BY_PREFIX = (("Wan", PLAIN), ("Lucy", PLAIN), ("SkyReelsV2", PLAIN), ("CogVideoX", PLAIN), ("LTX", MASKED),
             ("HunyuanVideo15", EACH_BOTH))
# LTX-2's call reads its text encoder's model type for the image's CRF even when given embeddings: the
# LTX-2 node gives the CRF itself (families/ltx2/conditions.py), so Gemma too waits on disk
KEEP_ENCODER: tuple[str, ...] = ()
# the padding side a pipeline's encode_prompt sets on its tokenizer and its call reads back (LTX-2's
# connectors: diffusers' pipeline_ltx2.py sets "left" while encoding): set the same when the
# embeddings come from the cache, or a freshly loaded tokenizer's own side would be read
TOKENIZER_SIDE = (("LTX2", "left"),)


def returns(pipeline: str) -> tuple[str, ...] | None:
    """What ``encode_prompt`` of the pipeline class named ``pipeline`` returns, or None when its
    prompts are not cached."""
    for prefix, names in BY_PREFIX:
        if str(pipeline).startswith(prefix):
            return names
    return None


def encodes_each(pipeline: str) -> bool:
    """Its encode_prompt takes one prompt at a time (HunyuanVideo 1.5's): the negative encoded apart."""
    return returns(pipeline) is EACH_BOTH


def encoder_can_wait(pipeline: str) -> bool:
    """Whether the text encoder of a pipeline whose prompts are cached may stay on disk."""
    return returns(pipeline) is not None and not str(pipeline).startswith(KEEP_ENCODER)


def tokenizer_side(pipeline: str) -> str | None:
    return next((side for prefix, side in TOKENIZER_SIDE if str(pipeline).startswith(prefix)), None)


def max_length(cls) -> int | None:
    """The call's default ``max_sequence_length`` of a pipeline class (None: it has none)."""
    p = inspect.signature(cls.__call__).parameters.get("max_sequence_length")
    return p.default if p is not None and isinstance(p.default, int) else None
