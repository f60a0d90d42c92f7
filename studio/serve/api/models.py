"""ComfyUI's ``GET /models`` (its folders of models), ``/models/{folder}`` (the files in one, named
as a workflow's loader names them) and ``/view_metadata/{folder}?filename=`` (a .safetensors file's
``__metadata__``: its training settings, a LoRA's trigger words), answered from the models folders
Studio reads (studio.core.models.scan). A file is only ever one the scan found under that folder's
name: no name a request gives is opened as a path."""
from __future__ import annotations

import json
import os
import struct

from studio.core.comfy_paths import KIND_OF_FOLDER

MAX_HEADER = 8 * 2**20  # a safetensors header read (one of a 14B model's: about 200 kB)
SAFETENSORS = (".safetensors", ".sft")


def folder_names() -> list[str]:
    """ComfyUI's folders of the models Studio loads."""
    return sorted(KIND_OF_FOLDER)


def files(folder: str, found: list | None = None) -> dict[str, str] | None:
    """name -> path of the models in ComfyUI's folder ``folder`` (None: no such folder): a file by
    its path inside its kind folder ('wan/model.safetensors'); 'diffusers': the diffusers folders."""
    if folder not in KIND_OF_FOLDER:
        return None
    if found is None:
        from studio.core.models import scan
        found = scan()
    kind, out = KIND_OF_FOLDER[folder], {}
    for m in found:
        if folder == "diffusers":
            if m.kind == "folder":
                out.setdefault(m.name, m.path)
            continue
        if m.kind != "file" or not kind or m.hint != kind:
            continue
        parts = os.path.relpath(m.path, m.root).split(os.sep)
        name = "/".join(parts[1:] if len(parts) > 1 and parts[0] in KIND_OF_FOLDER else parts)
        out.setdefault(name, m.path)
    return dict(sorted(out.items()))


# ComfyUI's folders of models Studio reads by name though it does not scan them as models (Upscale Video's files)
NAMED_FOLDERS = {"upscale_models": (".safetensors", ".sft", ".pth", ".pt")}


def named_files(folder: str) -> dict[str, str] | None:
    """name -> path of the files of ComfyUI's ``folder`` in NAMED_FOLDERS, in each models folder (and its
    models/ as a ComfyUI folder has it), named as a loader names them; None for another folder."""
    exts = NAMED_FOLDERS.get(folder)
    if exts is None:
        return None
    from studio.core.models import model_dirs
    out: dict[str, str] = {}
    for d in model_dirs():
        for base in (os.path.join(d, folder), os.path.join(d, "models", folder)):
            if not os.path.isdir(base):
                continue
            for top, dirs, names in os.walk(base):
                dirs[:] = sorted(x for x in dirs if not x.startswith("."))
                for n in sorted(names):
                    if n.lower().endswith(exts) and os.path.isfile(os.path.join(top, n)):
                        out.setdefault(os.path.relpath(os.path.join(top, n), base).replace(os.sep, "/"),
                                       os.path.join(top, n))
    return dict(sorted(out.items()))


def metadata(folder: str, filename: str) -> dict | None:
    """The ``__metadata__`` of the .safetensors file ``filename`` of ``folder`` (None: no such file,
    not a safetensors file, no metadata, or a header that is not one)."""
    if not filename.lower().endswith(SAFETENSORS):
        return None
    path = (files(folder) or {}).get(filename)
    if path is None:
        return None
    try:
        with open(path, "rb") as f:
            head = f.read(8)
            if len(head) != 8:
                return None
            (n,) = struct.unpack("<Q", head)
            if n > MAX_HEADER:
                return None
            header = json.loads(f.read(n).decode("utf-8"))
    except (OSError, ValueError, RecursionError):
        return None
    meta = header.get("__metadata__") if isinstance(header, dict) else None
    return meta if isinstance(meta, dict) else None
