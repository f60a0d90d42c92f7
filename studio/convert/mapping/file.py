"""A ComfyUI workflow file on disk: told apart from a Studio graph, read within the graph files'
limits (a FIFO or device refused, at most MAX_GRAPH_FILE_BYTES read; JSON only, nothing run), and
converted (mapping.convert); or the workflow a ComfyUI output carries in its metadata (a PNG, a WebP, a video, a
sound: reading/embedded.py)."""
from __future__ import annotations

import json
import os
from typing import Any

from studio.core import json_limits
from studio.core.checked_open import read_bounded
from studio.core.limits import MAX_GRAPH_FILE_BYTES

from .convert import Conversion, convert
from ..reading import embedded, json_comments
from ..reading.workflow import WorkflowError, enveloped, is_workflow


def _reject_constant(name: str):
    raise ValueError(f"'{name}' is not valid JSON")


def _loads(text: str, name: str, said: list[str] | None) -> Any:
    """The JSON of ``text``; a hand-edited file's comments blanked where the text then reads (json_comments), said
    into ``said``; the first error otherwise."""
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError:
        clean, found = json_comments.blanked(text)
        if not found:
            raise
        try:
            doc = json.loads(clean, parse_constant=_reject_constant)
        except json.JSONDecodeError:
            raise
        if said is not None:
            said.append(json_comments.sentence(name, found))
        return doc


def read_json(path: str, said: list[str] | None = None) -> Any:
    try:
        raw = read_bounded(path, MAX_GRAPH_FILE_BYTES, "workflow file")
        # UTF-8 (with or without its BOM), or UTF-16 / UTF-32 as Windows tools save text (PowerShell's '>'
        # writes UTF-16 with a BOM): told from the first bytes, as json.loads tells them
        text = raw.decode(json.detect_encoding(raw))
        json_limits.check_shape(text)  # nesting refused in words before json's parser recurses
        return _loads(text, os.path.basename(path), said)
    except RecursionError:
        raise WorkflowError(f"'{os.path.basename(path)}': its JSON nests too deeply to be a workflow") from None
    except UnicodeDecodeError as e:  # said in words, not the codec's ("illegal UTF-16 surrogate")
        text = e.encoding.upper().replace("-SIG", "").replace("-LE", "").replace("-BE", "")
        raise WorkflowError(f"'{os.path.basename(path)}' is not a workflow: it reads as {text} text, but from byte "
                            f"{e.start:,} on it is not {text} (a damaged or cut-short file, or not text)") from None
    except (OSError, ValueError) as e:  # JSONDecodeError and JSONLimitError are ValueErrors
        raise WorkflowError(f"'{os.path.basename(path)}': {getattr(e, 'strerror', None) or e}") from None


def read_document(path: str, said: list[str] | None = None, studio_first: bool = False) -> Any:
    """The workflow of ``path``: a .json file's JSON, or what a ComfyUI output carries in its metadata (a PNG, a
    WebP, a video, a sound); WorkflowError, one line, when there is none. What its reading alone knows (a
    hand-edited file's comments) is said into ``said``; ``studio_first``: a media file carrying a Studio graph too is
    none (embedded.read)."""
    if path.lower().endswith(".json") or not embedded.carries(path):
        return read_json(path, said)
    try:
        return embedded.read(path, studio_first)[0]
    except (embedded.NoWorkflow, OSError, ValueError) as e:
        raise WorkflowError(f"'{os.path.basename(path)}' is not a workflow: {getattr(e, 'why', None) or e}") from None


def is_comfy_file(path: str) -> bool:
    """True for a .json file holding a ComfyUI workflow (UI or API JSON, or one inside another object: an API
    client's body, a /history entry), not a Studio graph; or a ComfyUI output (a PNG, a WebP, a video, a sound)
    carrying one in its metadata."""
    if not path.lower().endswith(".json") and not embedded.carries(path):
        return False
    try:
        doc = read_document(path, studio_first=True)
    except WorkflowError:
        return False
    return not (isinstance(doc, dict) and "format" in doc) and is_workflow(enveloped(doc)[0]) is not None


def convert_file(path: str, registry=None) -> Conversion:
    """The Studio graph of a ComfyUI workflow file, or of the workflow a ComfyUI output carries (WorkflowError,
    one line, when it is not one); its ``base_dir`` is the file's folder (images named in it are looked for there)."""
    read_said: list[str] = []
    doc = read_document(path, read_said)
    if isinstance(doc, dict) and isinstance(doc.get("prompt"), dict) and is_workflow(doc["prompt"]) == "api":
        doc = doc["prompt"]  # the API JSON as ComfyUI's /prompt takes it
    conv = convert(doc, os.path.basename(path), registry, os.path.dirname(os.path.abspath(path)))
    conv.log[:0] = [f"{os.path.basename(path)}: {line}" for line in read_said]  # (its reading's, first)
    conv.graph.base_dir = os.path.dirname(os.path.abspath(path))
    return conv


def write_pictures(conv: Conversion, folder: str | None) -> list[str]:
    """The pictures the workflow held as text (``conv.pictures``, read by its Load Image nodes by name) written into
    ``folder``, beside the converted graph; what was written, or why not, one sentence each (a file of that name
    already there is kept: its name holds the picture's own hash)."""
    out = []
    for name, raw in conv.pictures.items():
        path = os.path.join(folder or ".", name)
        try:
            if not os.path.exists(path):
                with open(path, "xb") as f:
                    f.write(raw)
            out.append(f"wrote {path} (a picture the workflow holds as base64 text, read by its Load Image)")
        except OSError as e:
            out.append(f"could not write {path} ({e.strerror or e}): its Load Image finds no picture")
    return out
