"""A model file whose name names a layout of ComfyUI's quantised weights that Studio's weight reader does not read
(nodes/video_models/files/weight_formats.py reads ComfyUI's mixed layers of float8_e4m3fn, float8_e5m2, nvfp4, mxfp8
and int8_tensorwise, and refuses any other 'format' a layer is marked with). Load Video Model stops at such a file when
the graph runs, so the converter says so, once, naming the file, and a family's sentence of what Studio reads of its
files is given as holding for a file of the same model it reads. Found by the hundredth held-out set (06: a MiniMax H3
worker's 'minimax_h3_fl2va_mxfp8.safetensors' said "Studio reads the DiT file ..." when no MXFP8 was read); since
mxfp821 ComfyUI's MXFP8 layers are read (files/comfy_mxfp8.py: dequantised as read), so no layout a file name names is
left unread and nothing is said. A file of an ending no weight file has (reading/file_forms: heldout120 01's '.h3t' DiT)
is said the same way, and so is a part file of a form its family does not read it from (its mapping's 'part_forms':
heldout120 01's GGUF Qwen3-VL, where MiniMax H3 reads ComfyUI's .safetensors one). Plain data and stdlib."""
from __future__ import annotations

import re

from ..reading.file_forms import READ as FORMS, unread_form

UNREAD: dict[str, str] = {}  # file-name word -> ComfyUI's quantisation layout (comfy/quant_ops.py) weight_formats.py
# does not read (MXFP8's 'mxfp8' read since mxfp821)
READ = "float8_e4m3fn, float8_e5m2, nvfp4, mxfp8 and int8_tensorwise"  # the ones it reads (weight_formats._mixed)


def layout(name: str) -> str | None:
    """The unread layout file name ``name`` names (a word of it), else None."""
    words = re.split(r"[^a-z0-9]+", str(name).lower())
    return next((UNREAD[w] for w in words if w in UNREAD), None)


def said(files: list[str]) -> list[str]:
    """One sentence for each of ``files`` in a form (file_forms: an ending no weight file has) or naming a layout
    Studio's weight reader does not read."""
    out = []
    for f in dict.fromkeys(files):
        if (ext := unread_form(f)) is not None:
            out.append(f"'{f}' is a {ext} file, a form Studio's weight reader does not read (it reads {FORMS}): Load "
                       "Video Model stops at this file when the graph runs; use the model's .safetensors file")
        elif (kind := layout(f)) is not None:
            out.append(f"'{f}' holds ComfyUI's {kind} layers (its name says so), which Studio's weight reader does not "
                       f"read (of ComfyUI's quantised layers it reads {READ}): Load Video Model stops at this file when "
                       "the graph runs; use another file of the same model")
    return out


def part_said(parts: list[tuple[str, str]], forms: dict, family: str) -> list[str]:
    """One sentence for each (file, part in words) whose part the family reads from files of other endings only
    (its mapping's 'part_forms': MiniMax H3's Qwen3-VL and VAEs, .safetensors files), an unread form said by said()."""
    out = []
    for f, part in dict.fromkeys(parts):
        ends = forms.get(part)
        if ends and not str(f).lower().endswith(tuple(ends)) and unread_form(f) is None:
            out.append(f"'{f}' (the {part}) is not a {' or '.join(ends)} file: Studio's {family} reads its {part} "
                       f"from a {' or '.join(ends)} file only: Load Video Model stops at this file when the graph runs")
    return out


def folder_sentence(files: list[str], sentence: str, extra: tuple | list = ()) -> str:
    """A family's sentence of what Studio reads of its files (``sentence``), given as holding for a file Studio reads
    where one of ``files`` is in a form or layout it does not read, or ``extra`` says a part file is not (said first)."""
    lines = said(files) + list(extra)
    return "; ".join(lines) + f"; with such a file, {sentence}" if lines else sentence
