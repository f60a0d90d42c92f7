"""A ComfyUI workflow carried inside a file ComfyUI or a pack wrote, the way artists share one most: a PNG's text
chunks 'workflow' and 'prompt' (SaveImage), a WebP's EXIF strings 'workflow:{...}' and 'prompt:{...}'
(SaveAnimatedWEBP, its tags counted down from Make), a video's or a sound's container tags 'workflow' and 'prompt'
(SaveVideo, SaveAudio) or 'comment' holding both (VideoHelperSuite's Video Combine), as ComfyUI's page reads them
when such a file is dropped on it. Only the metadata is read (no picture, frame or sample decoded), the text within
the graph files' size limit; the UI workflow is taken before the API prompt, as that page takes it. A value is JSON
text (or JSON text of JSON text, as Video Combine writes the prompt): parsed as data, nothing run. Plain data and
stdlib, Pillow's EXIF reader and PyAV's container tags."""
from __future__ import annotations

import io
import json
import os
import struct
import zlib
from typing import Any

from studio.core.checked_open import checked_file
from studio.core.limits import MAX_GRAPH_FILE_BYTES

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PICTURES = (".png", ".webp")
MEDIA = (".mp4", ".mov", ".m4v", ".mkv", ".webm", ".flac", ".mp3", ".ogg", ".opus", ".m4a")
EXTENSIONS = PICTURES + MEDIA
KEYS = ("workflow", "prompt")  # the UI workflow first, as ComfyUI's page takes it
MAX_CHUNKS = 100_000


class NoWorkflow(ValueError):
    """The file carries no ComfyUI workflow (or one that is not JSON): the words say which."""


def carries(path: str) -> bool:
    """True for a file of a kind that can carry a workflow (by its extension; what it holds is read later)."""
    return path.lower().endswith(EXTENSIONS)


def _json(text: Any) -> Any:
    """``text`` parsed as JSON, once more where it is JSON text of JSON text; None where it is not JSON."""
    for _ in range(2):
        if not isinstance(text, (str, bytes)):
            return text
        try:
            text = json.loads(text)
        except ValueError:
            return None
    return text


def _png_text(path: str) -> dict[str, str]:
    """The text chunks (tEXt, zTXt, iTXt) of a PNG, walked chunk by chunk: image data is skipped, not read."""
    found: dict[str, str] = {}
    budget = MAX_GRAPH_FILE_BYTES
    with checked_file(path, "picture") as f:
        if f.read(8) != PNG_SIGNATURE:
            raise NoWorkflow("it is not a PNG picture (its first bytes say otherwise)")
        for _ in range(MAX_CHUNKS):
            head = f.read(8)
            if len(head) < 8:
                break
            size, kind = struct.unpack(">I4s", head)
            if kind == b"IEND":
                break
            if kind not in (b"tEXt", b"zTXt", b"iTXt") or size > budget:
                f.seek(size + 4, io.SEEK_CUR)  # (the chunk's data and its CRC)
                continue
            budget -= size
            data = f.read(size)
            f.seek(4, io.SEEK_CUR)
            if data.partition(b"\0")[0].decode("latin-1").lower() not in KEYS or len(found) == len(KEYS):
                continue  # (another text, or both found: nothing inflated)
            key, text = _text_chunk(kind, data)
            if key and key.lower() not in found:
                found[key.lower()] = text
    return found


def _text_chunk(kind: bytes, data: bytes) -> tuple[str, str]:
    """(keyword, text) of one PNG text chunk; ('', '') where it cannot be read."""
    key, _, rest = data.partition(b"\0")
    try:
        if kind == b"tEXt":
            return key.decode("latin-1"), _text(rest)
        if kind == b"zTXt":  # a compression method byte, then zlib data
            return key.decode("latin-1"), _text(_inflate(rest[1:]))
        flag, rest = rest[0], rest[2:]  # iTXt: compressed?, its method, language\0, translated key\0, text
        _lang, _, rest = rest.partition(b"\0")
        _translated, _, text = rest.partition(b"\0")
        return key.decode("latin-1"), (_inflate(text) if flag else text).decode("utf-8")
    except (IndexError, UnicodeDecodeError, zlib.error):
        return "", ""


def _text(raw: bytes) -> str:
    """A tEXt / zTXt chunk's text as ComfyUI's page reads it: UTF-8 (its PNG reader decodes every text chunk with a
    UTF-8 TextDecoder, and its workflow export writes UTF-8 there: a Chinese prompt is bytes no Latin-1 reading keeps);
    Latin-1, as the PNG standard has it, only where the bytes are not UTF-8."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _inflate(data: bytes) -> bytes:
    """zlib data inflated to at most the graph files' limit (a small chunk cannot become a huge text)."""
    d = zlib.decompressobj()
    out = d.decompress(data, MAX_GRAPH_FILE_BYTES)
    if d.unconsumed_tail:
        raise zlib.error("inflates past the limit")
    return out


def _webp_text(path: str) -> dict[str, str]:
    """The 'key:json' strings of a WebP's EXIF chunk (ComfyUI's: 'prompt:' on Model, 'workflow:' on Make and the
    tags below it), read with Pillow's EXIF reader from that chunk alone."""
    from PIL import Image
    found: dict[str, str] = {}
    with checked_file(path, "picture") as f:
        head = f.read(12)
        if head[:4] != b"RIFF" or head[8:12] != b"WEBP":
            raise NoWorkflow("it is not a WebP picture (its first bytes say otherwise)")
        for _ in range(MAX_CHUNKS):
            chunk = f.read(8)
            if len(chunk) < 8:
                break
            kind, size = chunk[:4], struct.unpack("<I", chunk[4:])[0]
            if kind != b"EXIF" or size > MAX_GRAPH_FILE_BYTES:
                f.seek(size + (size & 1), io.SEEK_CUR)
                continue
            raw = f.read(size)
            exif = Image.Exif()
            exif.load(raw[6:] if raw.startswith(b"Exif\0\0") else raw)
            for value in exif.values():
                text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
                key, sep, rest = text.partition(":") if isinstance(text, str) else ("", "", "")
                if sep and key.strip().lower() in KEYS:
                    found.setdefault(key.strip().lower(), rest)
            break
    return found


def _media_tags(path: str) -> dict[str, str]:
    """A video's or a sound's container tags (PyAV: the header, nothing decoded); Video Combine's 'comment' JSON
    opened into its keys."""
    import av
    from studio.core.checked_open import library_path
    try:
        with library_path(path, "video", named=True) as opened, av.open(opened) as c:
            tags = {str(k).lower(): v for k, v in dict(c.metadata).items()}
    except (av.error.FFmpegError, OSError) as e:
        raise NoWorkflow(f"its container could not be read ({e})") from None
    comment = _json(tags.get("comment"))
    if isinstance(comment, dict):
        for k in KEYS:
            if k in comment and k not in tags:
                tags[k] = comment[k] if isinstance(comment[k], str) else json.dumps(comment[k])
    return tags


def _tags(path: str) -> dict[str, Any]:
    low = path.lower()
    return _png_text(path) if low.endswith(".png") else _webp_text(path) if low.endswith(".webp") else \
        _media_tags(path) if low.endswith(MEDIA) else {}


def read(path: str, studio_first: bool = False) -> tuple[Any, str]:
    """(the workflow, the metadata it came from) carried by ``path``; NoWorkflow saying why where there is none, or,
    with ``studio_first``, where the file carries a Studio graph too (a take Studio rendered for a ComfyUI client
    keeps both: opened as that graph, not converted)."""
    low = path.lower()
    tags = _tags(path)
    if studio_first:
        from studio.engine.media import GRAPH_META_KEY  # (here: converting a .json imports no numpy)
        if GRAPH_META_KEY in tags:
            raise NoWorkflow("it carries a Studio graph, opened as that graph")
    for key in KEYS:
        if key in tags:
            doc = _json(tags[key])
            if isinstance(doc, dict) and doc:
                return doc, key
    said = ", ".join(k for k in KEYS if k in tags)
    raise NoWorkflow(f"its '{said}' metadata is not a workflow's JSON" if said else
                     f"it carries no ComfyUI workflow (no 'workflow' or 'prompt' in its metadata: ComfyUI's "
                     f"{os.path.splitext(low)[1]} outputs carry one unless metadata was turned off)")
