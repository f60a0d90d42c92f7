"""A path that is a symbolic link loop, told apart from a missing one: ``os.path.exists`` says
False for both, so a loop given as a model or a part read "not found". Plain stdlib."""
from __future__ import annotations

import errno
import os


def is_loop(path: str) -> bool:
    """``path`` (or a link on the way to it) loops back on itself."""
    try:
        os.stat(path)
    except OSError as e:
        return e.errno == errno.ELOOP
    return False


def loop_of(name: str, base_dir: str | None, dirs: list[str]) -> str | None:
    """Where ``name``, as a model name resolves, is a symbolic link loop (None: nowhere)."""
    name = os.path.expanduser(name.strip())
    if not name:
        return None
    cands = [name] if os.path.isabs(name) else [os.path.join(d, name) for d in ([base_dir] if base_dir else []) + dirs]
    return next((os.path.abspath(c) for c in cands if is_loop(c)), None)
