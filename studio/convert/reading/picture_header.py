"""The size of a picture file a workflow loads, read from the file's header where the file lies beside the workflow
(Studio's paths: a relative name is looked for next to the workflow), so that a size measured of it on the way to a
generator (GetImageSize of the loaded picture, scaled, summed: Workflow.image_size) is worked out when converting
instead of said "cannot work out" (issue 112, task sizes6: heldout35 03, 36 16, 37 15). Nothing is run and no
decoder is used: at most HEADER_BYTES of the file are read, through the checked open every graph file goes through
(a regular file only: no FIFO, no device), and the width and height are taken from the format's own header fields
(PNG's IHDR, a JPEG's start-of-frame marker, GIF's logical screen, WebP's VP8 / VP8L / VP8X chunk, BMP's info
header), as the formats' specifications lay them out. Plain stdlib."""
from __future__ import annotations

import base64
import os
import re
import struct

from studio.core.checked_open import ReadRefused, checked_file

HEADER_BYTES = 1 << 20  # (a JPEG's start-of-frame comes after its EXIF and colour profile: each at most 64 KiB)
ANNOTATION = re.compile(r"^(?P<name>.*\S)\s\[(?P<folder>input|output|temp)\]$")  # ComfyUI's 'x.png [input]'
MAX_SIDE = 1 << 16  # (no picture format read here gives more)
SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}  # JPEG's start-of-frame markers (not DHT, JPG, DAC)


def beside(folder: str | None, name: object) -> str | None:
    """The path of the file ``name`` (a loader's file setting) names beside the workflow in ``folder``; None where
    there is no folder, the name is not a plain relative file name within it (absolute, '..', a web address), or
    ComfyUI reads it from its output or temp folder."""
    if not folder or not isinstance(name, str) or not name.strip():
        return None
    m = ANNOTATION.match(name.strip())
    if m is not None and m["folder"] != "input":
        return None
    name = (m["name"] if m else name.strip()).replace("\\", "/")
    if "://" in name or name.startswith("/") or re.match(r"^[A-Za-z]:", name) or ".." in name.split("/"):
        return None
    return os.path.join(folder, *name.split("/"))


def size_of(path: str | None) -> tuple[int, int] | None:
    """(width, height) the picture file at ``path`` declares in its header; None where the file is not there, is not
    a regular file, or is not a PNG, JPEG, GIF, WebP or BMP whose header gives a size."""
    if path is None or not os.path.isfile(path):
        return None
    try:
        with checked_file(path, "picture") as f:
            head = f.read(HEADER_BYTES)
    except (ReadRefused, OSError):
        return None
    return size_in(head)


def picture_size(folder: str | None, name: object = None, b64: object = None) -> tuple[tuple[int, int], str] | None:
    """((width, height), where) of a picture a node names as a file in ComfyUI's input folder (looked for beside
    the workflow, in ``folder``) or gives as base64 text (``b64``, a data URL's prefix allowed); None where neither
    gives a size. ``where``: 'found beside the workflow' or 'given as base64 text'."""
    size = size_of(beside(folder, name))
    if size is not None:
        return size, "found beside the workflow"
    if isinstance(b64, str) and b64.strip() and not b64.startswith("/view?"):
        text = b64.split(",", 1)[1] if "," in b64 else b64
        try:
            head = base64.b64decode(text[:(HEADER_BYTES // 3) * 4], validate=False)
        except (ValueError, TypeError):
            return None
        size = size_in(head)
        return (size, "given as base64 text") if size is not None else None
    return None


def size_in(head: bytes) -> tuple[int, int] | None:
    """(width, height) a picture's first bytes ``head`` declare (PNG, JPEG, GIF, WebP, BMP); None for another."""
    size = _png(head) or _gif(head) or _webp(head) or _bmp(head) or _jpeg(head)
    return size if size and all(0 < s <= MAX_SIDE for s in size) else None


def _png(b: bytes) -> tuple[int, int] | None:
    if b[:8] != b"\x89PNG\r\n\x1a\n" or b[12:16] != b"IHDR" or len(b) < 24:
        return None
    return struct.unpack(">II", b[16:24])


def _gif(b: bytes) -> tuple[int, int] | None:
    return struct.unpack("<HH", b[6:10]) if b[:6] in (b"GIF87a", b"GIF89a") and len(b) >= 10 else None


def _webp(b: bytes) -> tuple[int, int] | None:
    if b[:4] != b"RIFF" or b[8:12] != b"WEBP" or len(b) < 30:
        return None
    kind = b[12:16]
    if kind == b"VP8 " and b[23:26] == b"\x9d\x01\x2a":  # a lossy key frame: 14-bit sides after its start code
        w, h = struct.unpack("<HH", b[26:30])
        return w & 0x3FFF, h & 0x3FFF
    if kind == b"VP8L" and b[20] == 0x2F:  # lossless: 14 bits each, less one
        bits = int.from_bytes(b[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if kind == b"VP8X":  # extended: 24 bits each, less one (the canvas)
        return int.from_bytes(b[24:27], "little") + 1, int.from_bytes(b[27:30], "little") + 1
    return None


def _bmp(b: bytes) -> tuple[int, int] | None:
    if b[:2] != b"BM" or len(b) < 26:
        return None
    if int.from_bytes(b[14:18], "little") == 12:  # the old OS/2 core header: 16-bit sides
        return struct.unpack("<HH", b[18:22])
    w, h = struct.unpack("<ii", b[18:26])
    return abs(w), abs(h)  # (a negative height: rows stored top down)


def _jpeg(b: bytes) -> tuple[int, int] | None:
    if b[:2] != b"\xff\xd8":
        return None
    i = 2
    while i + 4 <= len(b):
        if b[i] != 0xFF:
            return None
        marker = b[i + 1]
        if marker == 0xFF:  # (fill bytes before a marker)
            i += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):  # markers with no length
            i += 2
            continue
        length = int.from_bytes(b[i + 2:i + 4], "big")
        if marker in SOF and i + 9 <= len(b):
            h, w = struct.unpack(">HH", b[i + 5:i + 9])
            return w, h
        if marker == 0xDA or length < 2:  # the image data began before any frame header: not a size
            return None
        i += 2 + length
    return None


def said(nodes: dict, sized: dict[str, tuple[str, tuple[int, int], bool]]) -> list[str]:
    """One sentence for each loader whose picture's size was read from its file (``sized``: Workflow.files_sized),
    naming the loader, the file and the size the values measured of it were worked out from."""
    out = []
    for nid, (name, (w, h), held) in sized.items():
        n = nodes.get(nid)
        if n is None:
            continue
        where = "held in the workflow as text" if held else "found beside the workflow"
        out.append(f"{n.named()} loads '{name}', {where}: its size, {w}x{h}, read from the file's header, is the size "
                   "the values measured of that picture are worked out from when converting (another picture of "
                   "that name when the workflow runs would give other values)")
    return out
