"""torch's meta device for a build that allocates nothing, safe for the loads that follow it.

A module imported while ``torch.device("meta")`` is in force makes its module-level tensors on meta, and
keeps them so for the rest of the process: diffusers' autoencoders package imports every autoencoder
module at once, so the first AutoencoderKLWan built on meta left the Cosmos VAE's Haar wavelets
(``_WAVELETS``) on meta, and every later real load of a Cosmos VAE failed ("Cannot copy out of meta
tensor"), in whichever process happened to build a skeleton first. diffusers' model packages (when
diffusers is in use) are imported before the context is entered.

A build on meta also skips the weights' initialisation: ``torch.nn.init``'s functions (a Linear's
kaiming_uniform_, a model's normal_) leave a meta tensor as it is, where torch ran each through its
Python meta kernels for nothing (a meta tensor has no values): building a tiny Wan transformer on meta
spent most of its time there, and every load's config check builds one."""
from __future__ import annotations

import sys
from contextlib import contextmanager


def prime() -> None:
    """Import diffusers' model packages (each imports all its modules) outside any device context,
    where diffusers is already imported (nothing is imported for a graph that never uses it)."""
    if "diffusers" in sys.modules:
        import diffusers.models.autoencoders  # noqa: F401
        import diffusers.models.transformers  # noqa: F401
        import diffusers.models.unets  # noqa: F401


_INIT_NAMES = ("uniform_", "normal_", "trunc_normal_", "constant_", "ones_", "zeros_", "eye_", "dirac_",
               "xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_", "orthogonal_", "sparse_")


def _meta_aware(orig):
    def init(tensor, *args, **kwargs):
        if getattr(tensor, "is_meta", False):
            return tensor  # no values to set: the same tensor, and no random number drawn
        return orig(tensor, *args, **kwargs)
    init.__wrapped__, init.__name__, init.__doc__ = orig, orig.__name__, orig.__doc__
    init.studio_meta_aware = True
    return init


def skip_init_on_meta() -> None:
    """``torch.nn.init``'s functions leave meta tensors untouched (installed once; a real tensor is
    initialised as before). Checked at each meta build: diffusers' ``no_init_weights`` puts back the
    functions it found when diffusers was imported."""
    import torch.nn.init as init
    for name in _INIT_NAMES:
        f = getattr(init, name, None)
        if f is not None and not getattr(f, "studio_meta_aware", False):
            setattr(init, name, _meta_aware(f))
    # transformers' models initialise through its own table of torch's functions, taken when it was imported
    # (transformers/initialization.py TORCH_INIT_FUNCTIONS): a text encoder built on meta ran each weight
    # through torch's Python meta kernels there (2.4 % of the video-model tests' time). Wrapped where
    # transformers is imported already (this module never imports it).
    table = getattr(sys.modules.get("transformers.initialization"), "TORCH_INIT_FUNCTIONS", None)
    if isinstance(table, dict):
        for name, f in list(table.items()):
            if callable(f) and not getattr(f, "studio_meta_aware", False):
                table[name] = _meta_aware(f)


@contextmanager
def meta_device():
    """``with torch.device("meta")``, after :func:`prime`, with weight initialisation skipped on meta."""
    import torch
    prime()
    skip_init_on_meta()
    with torch.device("meta"):
        yield
