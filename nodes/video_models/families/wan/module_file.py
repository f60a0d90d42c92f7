"""A Wan node's own module file (Stand-In's weights, InfiniteTalk's patch): the .safetensors file a name resolves to
(an absolute path, beside the graph, or in a models folder or its own sub-folder; refused in words otherwise,
never downloaded, never unpickled), and what is read from it kept with the loaded model, once per file."""
from __future__ import annotations

import os

from studio.core import models as model_paths
from studio.core.limits import regular_file_problem


def found_file(name: str, base_dir: str | None, folder: str, error: type, node: str, what: str, setting: str,
               example: str, unreadable: str = "", bare: bool = False) -> str:
    """The path ``name`` resolves to (``folder``: the models sub-folder searched too; ``bare``: a name without its
    extension, as LoraManager saves LoRAs, tried as its .safetensors too); ``error`` raised naming the ``node`` and
    its ``what`` ('Stand-In file') where none is chosen (``setting``, ``example``: where and what to set), none is
    found, or it is not a .safetensors file (``unreadable``: words said after that)."""
    if not (name or "").strip():
        raise error(f"{node}: no {what} chosen: set '{setting}' to its .safetensors file ({example})")
    path = model_paths.resolve(name, base_dir, folders=(folder,))
    if path is None and bare and os.path.splitext(name)[1].lower() not in (".safetensors", ".sft"):
        path = model_paths.resolve(name + ".safetensors", base_dir, folders=(folder,))
    if path is None:
        raise error(f"{node}: {what} '{name}' not found beside the graph or in the models folders "
                    f"(and their {folder}/). Studio never downloads.")
    why = regular_file_problem(path) if not os.path.isdir(path) else "a folder"
    if why or not path.lower().endswith((".safetensors", ".sft")):
        raise error(f"{node}: {what} '{path}': {why or 'not a .safetensors file'}{unreadable}")
    return path


def kept_for_file(ref, kind: str, path: str, make):
    """``make()`` (a module read from the file at ``path``) made once per file and change of it and kept with the
    loaded model ``ref`` (its shared ``own_modules``, under ``kind``)."""
    key = (kind, path, os.stat(path).st_mtime_ns)
    kept = ref.shared.own_modules
    if key not in kept:
        kept[key] = make()
    return kept[key]
