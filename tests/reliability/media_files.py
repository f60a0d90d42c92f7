"""Hostile media files made on the fly (no fixtures on disk)."""
from __future__ import annotations

import struct
import zlib


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_claiming(path: str, width: int, height: int, real_rows: int | None = None) -> None:
    """A 1-bit greyscale PNG whose header says ``width`` x ``height``. With ``real_rows`` None
    all rows are there (compressed zeros: a 20000x20000 image is well under 1 MB on disk);
    else only that many rows follow (a header that lies)."""
    rows = height if real_rows is None else real_rows
    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    comp = zlib.compressobj(9)
    parts = []
    block = row * 256
    done = 0
    while done < rows:
        k = min(256, rows - done)
        parts.append(comp.compress(block if k == 256 else row * k))
        done += k
    parts.append(comp.flush())
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)))
        f.write(_chunk(b"IDAT", b"".join(parts)))
        f.write(_chunk(b"IEND", b""))
