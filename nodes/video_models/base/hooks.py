"""Hooks on a pipeline's denoisers for one call: diffusers' ``ModelHook`` registered through
``HookRegistry`` on ``transformer`` and ``transformer_2`` (Wan 2.2's second expert) inside a ``with``
block and removed however it ends, so a cached model is left as it was. Context windows, the steps a
stopped take kept, Wan-Move's tracks and Wan Fun's control each make their hook; this holds them.
:class:`module_hook` puts one hook in torch's forms (before / after a forward) on any one module
through the same registry: the VAE decode's progress, Wan's camera, HuMo's, InfiniteTalk's and
Dancer's additions inside the denoiser's blocks."""
from __future__ import annotations

import functools
from typing import Callable

DENOISERS = ("transformer", "transformer_2")


class denoiser_hooks:
    """``make(module)`` -> a ModelHook for each denoiser of ``pipe``, registered under ``name``;
    ``hooks``: the hooks made, in the denoisers' order. ``attrs``: the pipeline's attributes that hold them
    (a transformer and a second expert; a family's ``unet``)."""

    def __init__(self, pipe, name: str, make: Callable, attrs: tuple[str, ...] = DENOISERS):
        self.pipe, self.name, self.make, self.attrs = pipe, name, make, attrs
        self.hooks: list = []
        self._mods: list = []

    def __enter__(self):
        from diffusers.hooks import HookRegistry
        for attr in self.attrs:
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


class latent_noise_hooks(denoiser_hooks):
    """:class:`denoiser_hooks` whose pipeline also draws its noise with the denoiser's latent (out) channels inside
    the block, where its own draw would take the denoiser's wider input channels (a condition concatenated after
    the latents: Wan Fun's, ComfyUI's zero picture condition); the pipeline's ``prepare_latents`` restored however
    the block ends."""

    def __init__(self, pipe, name: str, make: Callable, attrs: tuple[str, ...] = DENOISERS):
        super().__init__(pipe, name, make, attrs)
        self._own = None

    def __enter__(self):
        import inspect
        super().__enter__()
        pipe, orig = self.pipe, self.pipe.prepare_latents
        tr = pipe.transformer if pipe.transformer is not None else pipe.transformer_2
        latent = int(tr.config.out_channels)
        at = list(inspect.signature(orig).parameters).index("num_channels_latents")

        def prepare_latents(*args, **kwargs):
            if len(args) > at:
                args = args[:at] + (latent,) + args[at + 1:]
            else:
                kwargs["num_channels_latents"] = latent
            return orig(*args, **kwargs)
        self._own = pipe.__dict__.get("prepare_latents")  # an instance's own, if it had one
        pipe.prepare_latents = prepare_latents
        return self

    def __exit__(self, *exc):
        super().__exit__(*exc)
        self.pipe.__dict__.pop("prepare_latents", None)  # the cached model as it was
        if self._own is not None:
            self.pipe.prepare_latents = self._own
        return False

class module_hook:
    """One hook on ``module``'s forward through diffusers' ``HookRegistry``, under ``name`` (unique on
    that module), in torch's hook forms: ``before(module, args)`` may return new positional arguments,
    ``after(module, args, output)`` a new output (None: unchanged). :meth:`remove` takes it off, as
    torch's handle does, and once no registry hook is left the module's own forward is back. Hooks on
    one module nest (unlike torch's, run in the order added): the last added runs first and ends last."""

    def __init__(self, module, name: str, before: Callable | None = None, after: Callable | None = None):
        from diffusers.hooks import HookRegistry
        self.module, self.name = module, name
        HookRegistry.check_if_exists_or_initialize(module).register_hook(_torch_form()(before, after), name)

    def remove(self) -> None:
        from diffusers.hooks import HookRegistry
        reg = HookRegistry.check_if_exists_or_initialize(self.module)
        if reg.get_hook(self.name) is None:  # removed already: nothing to do, as torch's handle
            return
        reg.remove_hook(self.name, recurse=False)
        own = self.module.__dict__.get("forward")  # the registry leaves the bound forward it wrapped
        if not reg.hooks and getattr(own, "__self__", None) is self.module \
                and getattr(own, "__func__", None) is getattr(type(self.module), "forward", None):
            del self.module.forward


@functools.cache
def _torch_form():
    """The ModelHook class of :class:`module_hook` (made once, at the first hook: diffusers is
    imported then, not when this module is)."""
    from diffusers.hooks import ModelHook

    class _TorchForm(ModelHook):
        def __init__(self, before, after):
            super().__init__()
            self.before, self.after = before, after

        def new_forward(self, module, *args, **kwargs):
            if self.before is not None:
                new = self.before(module, args)
                if new is not None:
                    args = new if isinstance(new, tuple) else (new,)
            out = self.fn_ref.original_forward(*args, **kwargs)
            if self.after is not None:
                new = self.after(module, args, out)
                if new is not None:
                    out = new
            return out
    return _TorchForm


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
