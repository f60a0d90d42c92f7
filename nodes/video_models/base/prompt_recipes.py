"""Which pipelines' prompt embeddings the prompt-embedding cache keeps (sampling/prompt_cache.py),
and how: the names of what their ``encode_prompt`` returns, in order, which are also the names
their call takes. Two shapes cover the families that encode with one text encoder and no template:
Wan's (Wan 2.1 / 2.2 and its siblings: VACE, Fun Control, Animate, Lucy Edit, SkyReels-V2, and
CogVideoX: the prompt's and the negative's embeddings) and LTX-Video's and LTX-2's (each with its
attention mask; LTX-2's Gemma states before its connectors, which the call applies; its image
CRF, which the call reads from Gemma's config, is given by the node). The families
whose ``encode_prompt`` takes one prompt and whose call encodes the negative with a second one (an
``Each`` recipe: its names, the dtype and length the call encodes at, when it encodes the negative):
HunyuanVideo 1.5's (its two encoders' states and masks, the negative always kept: its guider decides
at the call whether it is used), HunyuanVideo's text to video (Llama's templated states, CLIP's pooled
output, the Llama mask; the negative only under true CFG: ``true_cfg_scale`` above 1 with a
negative; its image to video reads the image in the text encoder: not cached) and Kandinsky 5's
(Qwen2.5-VL's states and their cumulative lengths, CLIP's pooled output, in the transformer's dtype;
the negative with guidance above 1, its own default negative when none is given). SkyReels-V2's
diffusion-forcing call requires a prompt argument: it is given None beside the embeddings. The length
a prompt is encoded at is the call's own default (``max_sequence_length``), read from the pipeline
class, unless the node sets it (LTX-2's), so the cached embeddings are the ones the call would make."""
from __future__ import annotations

import inspect
from dataclasses import dataclass

PLAIN = ("prompt_embeds", "negative_prompt_embeds")
MASKED = ("prompt_embeds", "prompt_attention_mask", "negative_prompt_embeds", "negative_prompt_attention_mask")
# Kandinsky 5's call encodes this when no negative is given and guidance is above 1 (diffusers 0.42.1,
# pipelines/kandinsky5/pipeline_kandinsky.py and pipeline_kandinsky_i2v.py, __call__)
KANDINSKY5_NEGATIVE = ("Static, 2D cartoon, cartoon, 2d animation, paintings, images, worst quality, low quality, "
                       "ugly, deformed, walking backwards")


@dataclass(frozen=True)
class Each:
    """A pipeline whose encode_prompt takes one prompt (the negative encoded by a second call):
    ``names``: what it returns, in order; ``dtype``: the call encodes in the transformer's dtype;
    ``length``: the call passes its max_sequence_length; ``negative``: when the call encodes the
    negative ('always', 'guidance': guidance_scale above 1, 'true_cfg': true_cfg_scale above 1 with
    a negative); ``default_negative``: what it encodes when none is given."""
    names: tuple[str, ...]
    dtype: bool
    length: bool
    negative: str
    default_negative: str = ""

    @property
    def both(self) -> tuple[str, ...]:
        return self.names + tuple("negative_" + n for n in self.names)


EACH = ("prompt_embeds", "prompt_embeds_mask", "prompt_embeds_2", "prompt_embeds_mask_2")  # HunyuanVideo 1.5's
EACH_BY_PREFIX = (
    ("HunyuanVideo15", Each(EACH, dtype=True, length=False, negative="always")),
    ("HunyuanVideoPipeline", Each(("prompt_embeds", "pooled_prompt_embeds", "prompt_attention_mask"),
                                  dtype=False, length=True, negative="true_cfg")),
    ("Kandinsky5", Each(("prompt_embeds_qwen", "prompt_embeds_clip", "prompt_cu_seqlens"), dtype=True, length=True,
                        negative="guidance", default_negative=KANDINSKY5_NEGATIVE)))
BY_PREFIX = (("Wan", PLAIN), ("Lucy", PLAIN), ("SkyReelsV2", PLAIN), ("CogVideoX", PLAIN), ("LTX", MASKED)) \
    + tuple((prefix, e.both) for prefix, e in EACH_BY_PREFIX)
# the padding side a pipeline's encode_prompt sets on its tokenizer and its call reads back (LTX-2's
# connectors: diffusers' pipeline_ltx2.py sets "left" while encoding): set the same when the
# embeddings come from the cache, or a freshly loaded tokenizer's own side would be read
TOKENIZER_SIDE = (("LTX2", "left"),)


def returns(pipeline: str) -> tuple[str, ...] | None:
    """What ``encode_prompt`` of the pipeline class named ``pipeline`` returns (an Each recipe's: the
    prompt's, then the negative's), or None when its prompts are not cached."""
    for prefix, names in BY_PREFIX:
        if str(pipeline).startswith(prefix):
            return names
    return None


def each(pipeline: str) -> Each | None:
    """The recipe of a pipeline whose encode_prompt takes one prompt at a time, else None."""
    return next((e for prefix, e in EACH_BY_PREFIX if str(pipeline).startswith(prefix)), None)


def encoder_can_wait(pipeline: str) -> bool:
    """Whether the text encoder of a pipeline may stay on disk: every pipeline whose prompts are cached
    (LTX-2's call reads its encoder's model type for the image CRF even when given embeddings; the LTX-2
    node gives the CRF itself, families/ltx2/conditions.py)."""
    return returns(pipeline) is not None


def tokenizer_side(pipeline: str) -> str | None:
    return next((side for prefix, side in TOKENIZER_SIDE if str(pipeline).startswith(prefix)), None)


def max_length(cls) -> int | None:
    """The call's default ``max_sequence_length`` of a pipeline class (None: it has none)."""
    p = inspect.signature(cls.__call__).parameters.get("max_sequence_length")
    return p.default if p is not None and isinstance(p.default, int) else None
