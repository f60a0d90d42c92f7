"""A diffusers pipeline sampled another way by a wing of Wan (Wan HuMo, Wan Dancer): a wrapper whose every
attribute it does not define is the wrapped pipeline's (its components, prompt encoding, LoRA loading, offload
hooks). Not a subclass: diffusers is imported only when a model runs (node discovery imports the wings)."""
from __future__ import annotations


class WrappedPipeline:
    """``pipe``, with the wrapper's own attributes in front of it."""

    def __init__(self, pipe):
        self.pipe = pipe

    def __getattr__(self, name):
        if name == "pipe":
            raise AttributeError(name)
        return getattr(self.pipe, name)
