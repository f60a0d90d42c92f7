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
