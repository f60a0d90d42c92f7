"""Text chunks in a PNG as it is written, as ComfyUI keeps a job's workflow in its pictures (PIL's
PngInfo.add_text: a ``tEXt`` chunk per key, 'prompt' and 'workflow'), so ComfyUI's page, or any tool
that reads ComfyUI's pictures, opens the workflow again from the file. The encoded picture (cv2's)
gets the chunks before its end: one write, nothing encoded again."""
from __future__ import annotations

import struct
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_KEY = 79  # the PNG specification's longest keyword


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def text_chunk(key: str, value: str) -> bytes:
    """``tEXt`` where the value is Latin-1 (JSON always is: json.dumps escapes the rest), else ``iTXt``
    (UTF-8), as PIL writes them."""
    k = key.encode("latin-1")
    if not 1 <= len(k) <= MAX_KEY or b"\0" in k:
        raise ValueError(f"'{key[:80]}' is not a PNG text keyword (1 to {MAX_KEY} Latin-1 characters, no NUL)")
    try:
        return chunk(b"tEXt", k + b"\0" + value.encode("latin-1"))
    except UnicodeEncodeError:
        return chunk(b"iTXt", k + b"\0\0\0\0\0" + value.encode("utf-8"))


def with_text(png: bytes, texts: dict[str, str]) -> bytes:
    """``png`` (a whole file's bytes) with ``texts`` as text chunks just before its IEND."""
    if not texts:
        return png
    if not png.startswith(SIGNATURE) or png[-12:-8] != b"\0\0\0\0" or png[-8:-4] != b"IEND":
        raise ValueError("not a PNG ending in IEND")
    return png[:-12] + b"".join(text_chunk(k, v) for k, v in texts.items()) + png[-12:]


def write_png(name: str, bgr, texts: dict[str, str]) -> None:
    """A frame (uint8 BGR, as cv2 writes one) written as a PNG with ``texts`` as its text chunks: encoded
    once, written once; MediaError naming the file when it cannot be."""
    import cv2

    from studio.core.errors import MediaError
    ok, data = cv2.imencode(".png", bgr)
    if not ok:
        raise MediaError(f"cannot write {name}")
    try:
        with open(name, "wb") as f:
            f.write(with_text(data.tobytes(), texts))
    except OSError as e:
        raise MediaError(f"cannot write {name}: {e.strerror or e}") from None
