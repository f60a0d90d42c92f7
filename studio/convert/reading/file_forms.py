"""The form of a model file a workflow names, told by its name's ending: one Studio's weight reader reads
(studio.core.models.MODEL_EXTS: .safetensors, .sft, .gguf), a pickle (PICKLE_EXTS: never opened, said where LoRAs
and loaders are), or another container Studio does not read at all (heldout120 01: an H3-Turbo pack's own
'..._w4a8_convrot.h3t' DiT, which Load Video Model refuses as "neither a diffusers folder nor a .safetensors or .gguf
file", was given as MiniMax H3's DiT file Studio reads). A name with no ending is a folder's (a diffusers model), and an
ending that is not a word (a version: 'wan2.1', 'LTX-2.3') is no form. Plain stdlib."""
from __future__ import annotations

import re

from studio.core.models import MODEL_EXTS, PICKLE_EXTS

ENDING = re.compile(r"\.([a-z][a-z0-9]{0,7})$")  # '.h3t', '.onnx', '.engine': a word after the last dot
READ = ".safetensors and .gguf weight files and diffusers folders"  # what Load Video Model reads, in words


def unread_form(name: object) -> str | None:
    """The ending ('.h3t') of a file name Studio's weight reader does not read and that is no pickle, else None."""
    m = ENDING.search(str(name).strip().lower()) if isinstance(name, str) else None
    if m is None:
        return None
    ext = "." + m.group(1)
    return None if ext in MODEL_EXTS or ext in PICKLE_EXTS else ext
