"""A model file whose name names a layout of ComfyUI's quantised weights that Studio's weight reader does not read
(nodes/video_models/files/weight_formats.py reads ComfyUI's mixed layers of float8_e4m3fn, float8_e5m2, nvfp4, mxfp8
and int8_tensorwise, and refuses any other 'format' a layer is marked with). Load Video Model stops at such a file when
the graph runs, so the converter says so, once, naming the file, and a family's sentence of what Studio reads of its
files is given as holding for a file of the same model it reads. Found by the hundredth held-out set (06: a MiniMax H3
worker's 'minimax_h3_fl2va_mxfp8.safetensors' said "Studio reads the DiT file ..." when no MXFP8 was read); since
mxfp821 ComfyUI's MXFP8 layers are read (files/comfy_mxfp8.py: dequantised as read), so no layout a file name names is
left unread and nothing is said. Plain data and stdlib."""
from __future__ import annotations

import re

UNREAD: dict[str, str] = {}  # file-name word -> ComfyUI's quantisation layout (comfy/quant_ops.py) weight_formats.py
# does not read (MXFP8's 'mxfp8' read since mxfp821)
READ = "float8_e4m3fn, float8_e5m2, nvfp4, mxfp8 and int8_tensorwise"  # the ones it reads (weight_formats._mixed)


def layout(name: str) -> str | None:
    """The unread layout file name ``name`` names (a word of it), else None."""
    words = re.split(r"[^a-z0-9]+", str(name).lower())
    return next((UNREAD[w] for w in words if w in UNREAD), None)


def said(files: list[str]) -> list[str]:
    """One sentence for each of ``files`` naming a layout Studio's weight reader does not read."""
    return [f"'{f}' holds ComfyUI's {kind} layers (its name says so), which Studio's weight reader does not read (of "
            f"ComfyUI's quantised layers it reads {READ}): Load Video Model stops at this file when the graph runs; "
            "use another file of the same model" for f in dict.fromkeys(files)
            if (kind := layout(f)) is not None]


def folder_sentence(files: list[str], sentence: str) -> str:
    """A family's sentence of what Studio reads of its files (``sentence``), given as holding for a file Studio reads
    where one of ``files`` is in a layout it does not read (said first)."""
    lines = said(files)
    return "; ".join(lines) + f"; with such a file, {sentence}" if lines else sentence
