"""The estimates read through the loader's door (issue 115 item 1): every config an estimate reads is opened as
the loader opens it (files/headers.read_json: a regular file, at most 64 MB, never a FIFO or a device), inside the
folders a graph may read (the models folders, the allowed ones: studio.core.confine.run_reads, bound here where
no run or validate binds them already), a config linked out of the models folder refused; its numbers sane
(base/config_check.check_sane) before any meta copy is built from it. A record of an earlier run names a model,
never a folder to read: its folder is read only where the loader would read it.

``COURTESY``: the errors an estimate passes over (the estimate is then less precise, never wrong): a config
that cannot be read or built. Nothing wider: an interrupt, an alarm's exception, a timeout (an OSError's
TimeoutError too) or a Cancelled goes through. Plain Python."""
from __future__ import annotations

import contextlib
import os

from studio.core.checked_open import ReadRefused
from studio.core.json_limits import JSONLimitError

from ..base.errors import ModelError

COURTESY = (ArithmeticError, AssertionError, AttributeError, ImportError, LookupError, NotImplementedError,
            RuntimeError, TypeError, ValueError, FileNotFoundError, IsADirectoryError, NotADirectoryError,
            PermissionError, ModelError, ReadRefused, JSONLimitError)


@contextlib.contextmanager
def as_the_loader():
    """Every checked open inside the block bound to the folders a run may read (where nothing binds them yet:
    the window's estimate, between runs)."""
    from studio.core.checked_open import reading_within, roots_in_force
    if roots_in_force() is not None:
        yield
        return
    from studio.core.confine import run_reads
    with reading_within(*run_reads(None)):
        yield


def readable(path: str) -> bool:
    """Whether the model at ``path`` (a folder or its model_index.json) lies where the loader would read it now."""
    from studio.core.checked_open import bound_in_force
    from studio.core.confine import is_inside
    bound = bound_in_force()
    if bound is None:
        return True
    roots, links = bound
    folder = os.path.dirname(path) if path.endswith("model_index.json") else path
    named, real = os.path.normpath(os.path.abspath(folder)), os.path.realpath(folder)
    return any(is_inside(named, r) for r in links) or any(is_inside(real, r) for r in roots)


def sane_configs(path: str) -> str | None:
    """Why the configs of the diffusers folder ``path`` (its denoiser's and its VAE's) cannot be estimated from,
    in words, or None: read as the loader reads them, their numbers checked (config_check.check_sane)."""
    from ..base.config_check import check_sane
    from ..files.headers import read_json
    folder = os.path.dirname(path) if path.endswith("model_index.json") else path
    if not os.path.isdir(folder):
        return None
    with as_the_loader():
        if not readable(folder):
            return f"'{folder}' is outside the folders a graph may read"
        for part in ("transformer", "unet", "vae"):
            cfg_path = os.path.join(folder, part, "config.json")
            if not os.path.lexists(cfg_path):
                continue
            try:
                check_sane(cfg_path, read_json(cfg_path))
            except (ModelError, ReadRefused, JSONLimitError) as e:
                return str(e)
    return None
