"""A picture, clip or sound a node loads from a web address (LoadImageFromURL and its kind, catalogued or not), told
by its types: nothing wired in, one setting an http(s) address (naming a file of its kind, or the type named a loader
or a URL's), and what it gives a picture, a clip or a sound (its declared outputs; a UI file's saved ones; in an API
file of a type no catalogued pack declares, the declared types of the inputs it is given to). ComfyUI downloads the
file when the workflow runs; Studio reads only the user's files and never downloads: the node is read as ComfyUI's
own loader of the address's last part (the file name, its query stripped, made safe), said in one sentence that tells
where to save it, so the task is made with the file wired (heldout17 14; heldout18's 'Load Image (URL/Path)' given an
address, before upload_loaders reads it). Runs before the other loader readings (an address ending in '.png' names
no file of the user's). Nothing is fetched. Plain stdlib."""
from __future__ import annotations

import posixpath
import re
from typing import Any
from urllib.parse import unquote, urlparse

from .. import catalogue
from .by_types import CORE_LOADERS, EXTENSIONS
from .upload_loaders import given_types

WORDS = {"image": "picture", "video": "clip", "clip": "clip", "audio": "sound"}
MEDIA_OUT = ("IMAGE", "VIDEO", "AUDIO", "MASK")


def _url(v: Any) -> str | None:
    if not isinstance(v, str) or len(v) > 4096 or "{" in v or "}" in v or any(c.isspace() for c in v.strip()):
        return None
    u = urlparse(v.strip())
    return v.strip() if u.scheme in ("http", "https") and u.netloc else None


def file_name(url: str, kind: str) -> str:
    """The address's last part, its query and fragment stripped, made safe (letters, digits, '.', '-', '_'); the
    kind's first extension added where it names none of that kind."""
    last = posixpath.basename(unquote(urlparse(url).path))
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", last).strip("._") or WORDS[kind]
    exts = EXTENSIONS["video" if kind == "clip" else kind]
    return safe if safe.lower().endswith(exts) else f"{safe}{exts[0]}"


def _outputs(nodes: dict[str, Any], n: Any) -> list[str] | None:
    """What ``n`` gives: declared by its pack, saved in a UI file, else the declared types it is given to."""
    t = catalogue.node_type(n.cls)
    if t is not None and t.outputs is not None:
        return None if any(t.takes(x) for x in MEDIA_OUT) else list(t.output_types)
    if n.out_types:
        return list(n.out_types)
    given = given_types(nodes, n.id)
    return given if given and all(x in MEDIA_OUT for x in given) else None


def _kind(n: Any, outs: list[str], name: str) -> str | None:
    """The medium: a catalogued loader's declared kind, else by what it gives and the address's extension."""
    t = catalogue.node_type(n.cls)
    declared = catalogue.loader_kind(t)
    if declared is not None:
        return "clip" if declared == "video" and t.gives("VIDEO") and not t.gives("IMAGE") else declared
    ext = name.lower().rsplit(".", 1)[-1]
    if "IMAGE" in outs:
        return "video" if f".{ext}" in EXTENSIONS["video"] and ext != "gif" else "image"
    if "VIDEO" in outs:
        return "clip"
    return "audio" if "AUDIO" in outs else None


def read(nodes: dict[str, Any], said: list[str], told: list | None = None) -> None:
    """Each such node read as ComfyUI's loader of the file, in place; its sentence in ``said``; (its id, that sentence,
    the one said instead where no Studio node is made of it) in ``told`` (heldout34 04: a style picture only an
    IPAdapter Studio does not apply reads: no file to save; mapping.unmade_saves.correct swaps them)."""
    cores = {c for c, _ in CORE_LOADERS.values()}
    for n in nodes.values():
        if n.origin or n.links and n.cls not in cores:  # (ComfyUI's own loader keeps its other settings, wired or
            continue  # not: heldout34 14's VHS_LoadVideoPath of an address, its rate and size wired in a subgraph)
        values = n.settings()
        urls = [(k, u) for k, v in values.items() if k not in n.links  # (a wired setting's saved address is stale:
                and (u := _url(v)) is not None]  # ComfyUI runs what the link gives, heldout110 06)
        if len(urls) != 1:
            continue
        outs = _outputs(nodes, n)
        kind = _kind(n, outs, urls[0][1]) if outs else None
        if kind is None:
            continue
        setting, url = urls[0]
        last = unquote(urlparse(url).path).lower()
        if not last.endswith(EXTENSIONS["video" if kind == "clip" else kind]) and not any(
                w in n.cls.lower() for w in ("load", "url")):  # (a server's address on a maker of pictures: not read)
            continue
        name = file_name(url, kind)
        core, field = CORE_LOADERS[kind]
        others = [f"{k} {v!r}" for k, v in values.items() if k != setting and v not in (None, "", "image", "upload")
                  and "upload" not in str(k).lower() and not isinstance(v, (list, dict))] if n.cls != core else []
        if n.cls == core:  # (ComfyUI's own loader downloads nothing: the app queueing the workflow fetched it)
            said.append(f"'{n.title or n.cls}' ({n.cls}, #{n.id})'s '{setting}' is the web address {url}, not a file: "
                        f"Studio reads files only: save the {WORDS[kind]} as {name} next to the graph")
        else:
            said.append(f"'{n.title or n.cls}' ({n.cls}, #{n.id}) is read as ComfyUI's {core} of '{name}': ComfyUI "
                        f"downloads the {WORDS[kind]} from {url} when the workflow runs; Studio reads files only: save "
                        f"it as {name} next to the graph" + (f" (its {', '.join(others)} not applied)" if others else ""))
            if told is not None:
                told.append((n.id, said[-1], f"'{n.title or n.cls}' ({n.cls}, #{n.id}) downloads the {WORDS[kind]} "
                                             f"from {url} when the workflow runs: Studio makes no loader of it, as "
                                             f"nothing it makes reads that {WORDS[kind]}"))
        if n.cls == core:  # ComfyUI's own loader given an address: its file named, its other settings read on
            n.widgets = {**{k: v for k, v in n.widgets.items() if k != setting}, field: name}
        else:
            n.origin, n.cls, n.widgets = n.cls, core, {field: name}
