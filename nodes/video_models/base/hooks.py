"""Hooks on a pipeline's denoisers for one call: diffusers' ``ModelHook`` registered through
``HookRegistry`` on ``transformer`` and ``transformer_2`` (Wan 2.2's second expert) inside a ``with``
block and removed however it ends, so a cached model is left as it was. Context windows, the steps a
stopped take kept, Wan-Move's tracks and Wan Fun's control each make their hook; this holds them."""
from __future__ import annotations

from typing import Callable

DENOISERS = ("transformer", "transformer_2")


class denoiser_hooks:
    """``make(module)`` -> a ModelHook for each denoiser of ``pipe``, registered under ``name``;
    ``hooks``: the hooks made, in the denoisers' order."""

    def __init__(self, pipe, name: str, make: Callable):
        self.pipe, self.name, self.make = pipe, name, make
        self.hooks: list = []
        self._mods: list = []

    def __enter__(self):
        from diffusers.hooks import HookRegistry
        for attr in DENOISERS:
            mod = getattr(self.pipe, attr, None)
            if mod is None:
                continue
            hook = self.make(mod)
            HookRegistry.check_if_exists_or_initialize(mod).register_hook(hook, self.name)
            self.hooks.append(hook)
            self._mods.append(mod)
        return self

    def __exit__(self, *exc):
        from diffusers.hooks import HookRegistry
        for mod in self._mods:
            HookRegistry.check_if_exists_or_initialize(mod).remove_hook(self.name, recurse=False)
        self._mods.clear()
        return False


# -- what a hook's new_forward reads and gives ---------------------------------------------------------
def hidden_states_of(args: tuple, kwargs: dict):
    """The denoiser call's input latents, passed by name (diffusers' pipelines) or first."""
    return kwargs["hidden_states"] if "hidden_states" in kwargs else args[0]


def with_hidden_states(args: tuple, kwargs: dict, x) -> tuple[tuple, dict]:
    """The call's arguments with its input latents replaced by ``x``, where they were given."""
    if "hidden_states" in kwargs:
        return args, dict(kwargs, hidden_states=x)
    return (x,) + tuple(args[1:]), kwargs


def prediction_output(res, want_dict: bool):
    """``res`` as the denoiser returns its prediction: an output object, or a tuple (return_dict=False)."""
    if not want_dict:
        return (res,)
    from diffusers.models.modeling_outputs import Transformer2DModelOutput
    return Transformer2DModelOutput(sample=res)


def no_prediction(module, x, layout: str, want_dict: bool):
    """Zeros in the shape of the denoiser's prediction for input ``x``: the input's, with the module's
    ``out_channels`` on the layout's channel axis ('packed' tokens: the last; else axis 1)."""
    shape = list(x.shape)
    shape[-1 if layout == "packed" else 1] = int(module.config.out_channels)
    return prediction_output(x.new_zeros(shape), want_dict)


def call_tracker():
    """A stateful hook's ``where`` (its class sets ``_is_stateful``): the pipeline's
    ``cache_context('cond' / 'uncond')`` reaches it, read by :func:`call_name`."""
    from diffusers.hooks.hooks import BaseState, StateManager

    class _NoState(BaseState):
        def reset(self, *args, **kwargs) -> None:
            pass
    return StateManager(_NoState)


def call_name(where) -> str | None:
    """The denoiser call under way as the pipeline names it ('cond', 'uncond'), None when it names none."""
    try:
        return where.context.name
    except (AttributeError, ValueError):
        return None
