"""transformers 5's CLIPTextModel has no ``text_model`` (its embeddings, encoder and final layer norm are its
own), but diffusers 0.42.1's older pipelines read ``text_encoder.text_model.final_layer_norm`` when they skip
CLIP's last layers (``clip_skip``: I2VGen-XL always does, by default 1; ModelScope, AnimateDiff when asked), and
fail. A loaded pipeline's CLIP text encoder is given that attribute as transformers 4 had it: a plain object
(not a submodule: nothing is registered twice, no weight is copied) holding the model's own final layer norm."""
from __future__ import annotations

from contextlib import contextmanager


class _TextModel:
    """What diffusers reads of transformers 4's ``CLIPTextModel.text_model``: its final layer norm."""

    def __init__(self, encoder):
        self.final_layer_norm = encoder.final_layer_norm


def give_text_model(pipe) -> None:
    """Each CLIP text encoder of ``pipe`` lacking ``text_model`` given one (module docstring)."""
    for name in ("text_encoder", "text_encoder_2"):
        enc = getattr(pipe, name, None)
        if enc is not None and type(enc).__name__.startswith("CLIPText") and not hasattr(enc, "text_model") \
                and hasattr(enc, "final_layer_norm"):
            object.__setattr__(enc, "text_model", _TextModel(enc))


@contextmanager
def text_model_hidden(pipe):
    """Inside the block no text encoder of ``pipe`` has the ``text_model`` given above: diffusers' LoRA loader reads
    ``hasattr(text_encoder, "text_model")`` as transformers 4's nesting and then keeps the file's ``text_model.``
    names, which name no layer of transformers 5's flat model (its text-encoder LoRA then fails to load)."""
    given = []
    for name in ("text_encoder", "text_encoder_2"):
        enc = getattr(pipe, name, None)
        if enc is not None and isinstance(enc.__dict__.get("text_model"), _TextModel):
            given.append((enc, enc.__dict__.pop("text_model")))
    try:
        yield
    finally:
        for enc, tm in given:
            object.__setattr__(enc, "text_model", tm)
