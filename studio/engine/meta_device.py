"""torch's meta device for a build that allocates nothing, safe for the loads that follow it.

A module imported while ``torch.device("meta")`` is in force makes its module-level tensors on meta, and
keeps them so for the rest of the process: diffusers' autoencoders package imports every autoencoder
module at once, so the first AutoencoderKLWan built on meta left the Cosmos VAE's Haar wavelets
(``_WAVELETS``) on meta, and every later real load of a Cosmos VAE failed ("Cannot copy out of meta
tensor"), in whichever process happened to build a skeleton first. diffusers' model packages (when
diffusers is in use) are imported before the context is entered."""
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


@contextmanager
def meta_device():
    """``with torch.device("meta")``, after :func:`prime`."""
    import torch
    prime()
    with torch.device("meta"):
        yield
