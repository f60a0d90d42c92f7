"""The pictures an API request body sends beside its workflow: RunPod's ComfyUI worker takes ``{"input": {"workflow":
{...}, "images": [{"name": ..., "image": ...}]}}`` and writes each entry into ComfyUI's input folder under its name
before queuing the workflow, so a Load Image naming that file loads it (heldout107 03: a LTX-2 app's request giving
'input.png' as a web address). Told by the shape alone, beside the workflow in the object that holds it: a list named
'images' of objects each with a text 'name' and a text 'image'. An entry given as base64 text (a data: URL's too) is
decoded into the pictures written beside the converted graph under its own name, where the Load Image naming it reads
it; one given as an http(s) address is said with where to save it (Studio never downloads a file when converting); each
in one sentence naming the Load Image nodes that read it. Nothing is fetched. Plain data and stdlib."""
from __future__ import annotations

import posixpath
from typing import Any
from urllib.parse import urlparse

from .text_pictures import decoded

DEPTH = 3  # how far down the request body the object holding the workflow is looked for (RunPod's: 1)


def holder(doc: Any, workflow: Any, depth: int = DEPTH) -> dict | None:
    """The object (a dict) in ``doc`` holding ``workflow`` itself as one of its values; None where there is none."""
    if not isinstance(doc, dict) or depth < 0:
        return None
    if any(v is workflow for v in doc.values()):
        return doc
    return next((h for v in doc.values() if (h := holder(v, workflow, depth - 1)) is not None), None)


def _entries(box: dict) -> list[tuple[str, str]]:
    images = box.get("images")
    if not isinstance(images, list):
        return []
    return [(e["name"], e["image"]) for e in images if isinstance(e, dict) and isinstance(e.get("name"), str)
            and e["name"].strip() and isinstance(e.get("image"), str)]


def _readers(nodes: dict[str, Any], name: str) -> str:
    found = [f"'{n.title or n.cls}' ({n.cls}, #{n.id})" for n in nodes.values()
             if n.cls == "LoadImage" and n.widgets.get("image") == name]
    return ", ".join(found) if found else "no Load Image of this workflow"


def read(doc: Any, workflow: Any, nodes: dict[str, Any], pictures: dict[str, bytes]) -> list[str]:
    """The sentences of the pictures the request body ``doc`` sends beside ``workflow`` (its nodes ``nodes``); those
    given as base64 text decoded into ``pictures`` (their names -> bytes)."""
    box = holder(doc, workflow) if doc is not workflow else None
    said = []
    for name, image in _entries(box or {}):
        who = _readers(nodes, name)
        url = image.strip()
        if urlparse(url).scheme in ("http", "https") and urlparse(url).netloc:
            said.append(f"the request sends the picture '{name}' (read by {who}) as the web address '{url}', for the "
                        "server it is sent to to fetch: Studio does not download files; save that picture beside the "
                        f"workflow as '{name}'")
            continue
        got = decoded(image) if image.strip() else None
        if got is not None and posixpath.basename(name.replace("\\", "/")) != name:
            said.append(f"the request sends the picture '{name}' (read by {who}) as base64 text under a name with a "
                        "folder in it: not written; save that picture where the Load Image reads it")
            continue
        if got is None:
            said.append(f"the request sends the picture '{name}' (read by {who}) as text that is neither a web address "
                        "nor a picture Studio can decode (PNG, JPEG, WebP, GIF, BMP): not read; save that picture "
                        f"beside the workflow as '{name}'")
            continue
        raw, end = got
        pictures[name] = raw
        said.append(f"the request sends the picture '{name}' (read by {who}) as base64 text: decoded "
                    f"({end[1:].upper()}, {len(raw):,} bytes) and written beside the converted graph as '{name}', "
                    "where that Load Image reads it")
    return said
