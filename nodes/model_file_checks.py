"""A node's two checks of the model file it reads, made from its finder: the preflight (the finder's error, in
its words, before a run) and the signature files (the file found, whose fingerprint joins the node's cache keys).
One copy for every node that finds one model file in the user's models folders (Isolate Voice, Interpolate
Frames, Upscale Video, Speech Features, LTX-2's latent upsampler, InfiniteTalk's patch); plain Python, no node of
its own."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any


def model_file_checks(find: Callable[[type, dict[str, Any], str | None], str | None],
                      errors: type[Exception] | tuple[type[Exception], ...],
                      files: Callable[[str], list[str]] = lambda path: [path]):
    """``preflight, signature_files`` for a node class body (``Node.preflight`` and ``Node.signature_files``).

    ``find(cls, params, base_dir)``: the path the node's model parameter names, as the run finds it; None where
    nothing is named and nothing need be (the node runs without the file). It raises one of ``errors`` where the
    file is not there or is not one the node reads: that error's words are the preflight's problem, and the
    signature has no file. ``files(path)``: the files the node's results depend on (a folder's weights and
    configs); the path alone by default."""

    def preflight(cls, params: dict[str, Any], base_dir: str | None) -> list[str]:
        try:
            find(cls, params, base_dir)
        except errors as e:
            return [str(e)]
        return []

    def signature_files(cls, params: dict[str, Any], base_dir: str | None = None) -> list[str]:
        try:
            path = find(cls, params, base_dir)
            return files(path) if path is not None else []
        except errors:
            return []

    return classmethod(preflight), classmethod(signature_files)
