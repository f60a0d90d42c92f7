"""A pack's loader of a picture given as text (Easy-Use's 'Load Image (Base64)': an API client sends the picture in a
text setting), told by its declared types: it gives a picture (IMAGE), takes no picture, clip or sound, and a text
widget of it is named base64 (or its one text widget, where its display name says base64: Acly's tooling nodes' 'Load
Image (Base64)'). Read as ComfyUI's LoadImage: the picture saved in the file decoded (a PNG, JPEG, WebP,
GIF or BMP, told by its first bytes) and kept to be written beside the converted graph under a name of its own, as a
converted workflow's other pictures are read from there; a text holding none (left empty for the client to fill)
gives a Load Image with no file, said. Plain data and stdlib."""
from __future__ import annotations

import base64
import binascii
import hashlib
import re

from .. import catalogue

MEDIA = ("IMAGE", "VIDEO", "AUDIO")
# a picture's first bytes -> its file's ending
MAGIC = ((b"\x89PNG\r\n\x1a\n", ".png"), (b"\xff\xd8\xff", ".jpg"), (b"GIF87a", ".gif"), (b"GIF89a", ".gif"),
         (b"BM", ".bmp"))
DATA_URL = re.compile(r"^\s*data:[\w/+.-]*;base64,", re.I)


def text_widget(t) -> str | None:
    """The text widget holding the picture of a loader of a picture given as text, told by ``t``'s declared types;
    None for another type."""
    if t is None or t.inputs is None or t.outputs is None or "IMAGE" not in t.output_types:
        return None
    if any(t.takes(x) for x in MEDIA):
        return None
    named = next((w.name for w in t.widgets if w.type == "STRING" and "base64" in w.name.lower()), None)
    if named is not None:
        return named
    # a type whose display name says it loads a picture from base64 text, its one text widget that text (Acly's
    # comfyui-tooling-nodes' 'Load Image (Base64)', ETN_LoadImageBase64: its widget named 'image')
    texts = [w.name for w in t.widgets if w.type == "STRING"]
    return texts[0] if len(texts) == 1 and "base64" in (t.display or "").lower() else None


def decoded(text: str) -> tuple[bytes, str] | None:
    """(the picture's bytes, its file's ending) of base64 ``text`` (a data: URL's too); None when it holds none."""
    body = DATA_URL.sub("", text).strip()
    try:
        raw = base64.b64decode("".join(body.split()), validate=True)
    except (binascii.Error, ValueError):
        return None
    if raw[:4] == b"RIFF" and raw[8:12] == b"WEBP":
        return raw, ".webp"
    end = next((e for magic, e in MAGIC if raw.startswith(magic)), None)
    return (raw, end) if end else None


def as_loader(n, pictures: dict[str, bytes], said: list[str]) -> bool:
    """``n`` read as ComfyUI's LoadImage when its type loads a picture given as text: the picture decoded into
    ``pictures`` (its file's name -> bytes), what was done said in ``said``; False (nothing changed) for another."""
    t = catalogue.node_type(n.origin or n.cls)
    setting = text_widget(t)
    if setting is None or setting in n.links:
        return False
    text = n.widgets.get(setting)
    where = f"'{n.title or n.cls}' ({n.cls}, #{n.id})"
    got = decoded(text) if isinstance(text, str) and text.strip() else None
    if got is None:
        empty = not isinstance(text, str) or not text.strip()
        name = ""
        said.append(f"{where} gives the picture its '{setting}' setting holds as base64 text, which "
                    + ("is empty in this file (the client sending the workflow fills it)" if empty
                       else "holds no picture Studio can decode (PNG, JPEG, WebP, GIF, BMP)")
                    + ": it is read as a Load Image with no file; choose the picture there")
    else:
        raw, end = got
        name = f"{re.sub(r'[^A-Za-z0-9]+', '_', n.cls).strip('_')}_{n.id}_{hashlib.sha256(raw).hexdigest()[:8]}{end}"
        name = re.sub(r"[^A-Za-z0-9_.-]", "_", name)  # (a subgraph's 'outer:inner' id: a plain file name)
        pictures[name] = raw
        said.append(f"{where}'s picture, saved in the workflow as base64 text ('{setting}'), is decoded "
                    f"({end[1:].upper()}, {len(raw):,} bytes), written beside the converted graph as '{name}' and "
                    "read by a Load Image of it")
    n.origin, n.cls, n.widgets, n.links = n.origin or n.cls, "LoadImage", {"image": name}, {}
    return True
