"""ComfyUI's template library as the page opens it from `main.py serve` (issue 105): each template
of comfyui-workflow-templates-json as it is, but for its model files' download addresses. A saved
node lists the files it needs (``properties.models``: name, folder, address on Hugging Face), and
the page, finding one missing here, asks that address for the file's size (an HTTP HEAD to
huggingface.co): a request leaving the machine each time a template is opened. Served without those lists,
the page still finds every missing file (a loader's value not among the files it lists here), and
Studio's /prompt names each on its loader (api/missing_models.py); Studio never downloads."""
from __future__ import annotations

import functools
import json
import os

from ..api.comfy_declared import template_docs, templates_folder



def read(name: str) -> dict | list | None:
    """The template file ``name`` (a plain file name of the library's folder) without download
    addresses; None when the library is not installed, there is no such file or it is not JSON."""
    folder = templates_folder()
    if folder is None or os.path.basename(name) != name:
        return None
    path = os.path.join(folder, name)
    if not os.path.isfile(path):
        return None
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError):
        return None
    return offline(doc)


def offline(doc):
    """``doc`` without its lists of model files to download (its nodes', its subgraphs' and its own):
    the page's schema wants each with a valid address, so the lists go whole. The page still finds
    a loader's file missing from the files the loader lists here."""
    if isinstance(doc, dict):
        return {k: offline(v) for k, v in doc.items() if not (k == "models" and _downloads(v))}
    if isinstance(doc, list):
        return [offline(v) for v in doc]
    return doc


def _downloads(value) -> bool:
    return isinstance(value, list) and any(isinstance(m, dict) and "url" in m for m in value)


# the page's template browser: the templates Studio runs first, the paid API services' apart and last
RUNS_HERE = {"moduleName": "default", "category": "Studio", "icon": "icon-[lucide--play]", "type": "video",
             "title": "Runs here with Studio"}
PAID = {"moduleName": "default", "category": "Paid API services", "icon": "icon-[lucide--cloud]", "type": "image",
        "title": "Paid API services (Studio does not run these)"}
PAID_SAID = "Studio does not run this template: its nodes call a paid online service. "
_NOT_RUN = {None, "Note", "MarkdownNote", "Reroute", "PrimitiveNode"}  # the page's own, never run


def paid(t: dict) -> bool:
    return t.get("openSource") is False or "API" in (t.get("tags") or []) or str(t.get("name", "")).startswith("api_")


def index(known: frozenset) -> list:
    """The library's index.json for the page: the templates whose nodes Studio reads (``known``) first,
    in a category of their own and first in theirs; the paid API services' in one category, last,
    each saying Studio does not run it ([] where the library is not installed)."""
    doc = read("index.json")
    if not isinstance(doc, list):
        return []
    runs = runnable(known)
    modules, here, away = [], [], []
    for m in doc:
        if not isinstance(m, dict) or not isinstance(m.get("templates"), list):
            continue
        kept = [t for t in m["templates"] if isinstance(t, dict) and not paid(t)]
        away += [{**t, "description": PAID_SAID + str(t.get("description", ""))}
                 for t in m["templates"] if isinstance(t, dict) and paid(t)]
        kept.sort(key=lambda t: t.get("name") not in runs)  # stable: the order within each part kept
        here += [t for t in kept if t.get("name") in runs]
        if kept:
            modules.append({**m, "templates": kept})
    return ([{**RUNS_HERE, "templates": here}] if here else []) + modules + ([{**PAID, "templates": away}]
                                                                             if away else [])


@functools.lru_cache(maxsize=2)
def runnable(known: frozenset) -> frozenset:
    """The names of the library's templates every node of which Studio reads (read once; about 0.5 s)."""
    folder = templates_folder()
    if folder is None:
        return frozenset()
    return frozenset(name[:-5] for name, doc in template_docs(folder) if _types(doc) <= known)


def _types(doc: dict) -> set:
    graphs = [doc] + [g for g in (doc.get("definitions") or {}).get("subgraphs", []) if isinstance(g, dict)]
    subgraphs = {g.get("id") for g in graphs[1:]}
    return {n.get("type") for g in graphs for n in g.get("nodes", []) if isinstance(n, dict)} - subgraphs - _NOT_RUN
