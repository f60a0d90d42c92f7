"""ComfyUI's template library as the page opens it from `main.py serve` (issue 105): each template
of comfyui-workflow-templates-json as it is, but for its model files' download addresses. A saved
node lists the files it needs (``properties.models``: name, folder, address on Hugging Face), and
the page, finding one missing here, asks that address for the file's size (an HTTP HEAD to
huggingface.co): a request leaving the machine each time a template is opened. Served without those lists,
the page still finds every missing file (a loader's value not among the files it lists here), and
Studio's /prompt names each on its loader (api/missing_models.py); Studio never downloads."""
from __future__ import annotations

import json
import os

from ..api.comfy_declared import templates_folder



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
