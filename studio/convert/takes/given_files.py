"""Which files the nodes a held take's first sentence names are given, where not all the files lost are theirs
(heldout91 03: two ControlNets given the frames of the folders 'openpose' and 'lines' were named beside "a video
from image", the picture a tagger reads into the prompt, held as the graph's input, read as theirs). A folder
loader's folder is named by its setting (directory, folder, path, dir), or by its first saved value where its type
declares that setting first (VideoHelperSuite's Load Images, whose upload word after it leaves its values unnamed).
Plain data and stdlib."""
from __future__ import annotations

from typing import Any, Callable

from .. import catalogue

FOLDER_KEYS = ("directory", "folder", "path", "dir")  # a folder loader's setting naming its folder


def folder_of(f: Any) -> str | None:
    """The folder a loader of a folder's files reads, as saved; None for none."""
    settings = f.settings()
    v = next((settings[k] for k in FOLDER_KEYS if isinstance(settings.get(k), str)), None)
    if v is None and not f.widgets and isinstance(f.raw, list) and f.raw and isinstance(f.raw[0], str):
        t = catalogue.node_type(f.origin or f.cls)
        first = t.widgets[0].name if t is not None and t.inputs is not None and t.widgets else None
        v = f.raw[0] if first in FOLDER_KEYS else None
    return v.strip() or None if isinstance(v, str) else None


def named(given: list, lost: list, words: Callable[[Any], str], nodes: int = 1) -> str:
    """', which are given <files>' (``nodes``: how many nodes are named) where ``given`` (the files the named nodes are given) is not every file ``lost``; ''
    otherwise (``words``: a file's words, 'image 'cat.png' (LoadImage, #3)')."""
    if len(given) == len(lost):
        return ""
    said = []
    for f in given[:4]:
        w, folder = words(f), folder_of(f)
        if folder and f"'{folder[:80]}'" not in w:
            kind, _, rest = w.partition(" ")
            w = f"{kind}s of the folder '{folder[:80]}' {rest}"
        said.append(w)
    return f", which {'is' if nodes == 1 else 'are'} given {', '.join(said)}"
