"""Which models a template needs, and whether the models folders hold them.

A template needs the models its parameters name: each non-empty path parameter its node looks up
in the models folders itself (a ``Path(lookup=True)``: Load Video Model's model, base and part
files, Video LoRA's lora, Load Preprocessor's model). Worked out from the graph file's parameters
and the registry's declarations (nothing is imported or loaded), and found as the nodes find them
(``studio.core.models.resolve``, or a Hugging Face cache snapshot of 'org/name'), from one listing
of the models folders. Plain stdlib: the template browser and ``tests/tiny_models.py`` read it.
"""
from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass

from . import models as model_paths

@dataclass(frozen=True)
class Need:
    """One model a template names: ``name`` as written, ``label`` in words (the loader's own title,
    as the template's author named it, else ``model_label``), and where: the node's id, the title of
    its kind of node and the parameter."""
    name: str
    label: str
    node: str
    title: str
    param: str
    folder: str = ""  # the models folder's kind folder it goes in (ComfyUI's name); "": the models folder itself

    def where(self) -> str:
        """Where the file goes, in words."""
        if self.folder:
            return f"{self.folder}/ in your models folder"
        return "your models folder (the whole diffusers folder), or the Hugging Face cache"


def model_label(name: str) -> str:
    """A model's name in words: the last part of the name without a '-diffusers'/'-hf' ending or a
    file extension, a version after a word spaced off and dashes and underscores as spaces
    ('Wan-AI/Wan2.1-VACE-1.3B-diffusers' -> 'Wan 2.1 VACE 1.3B')."""
    base = os.path.basename(name.replace("\\", "/").rstrip("/")) or name
    base = re.sub(r"\.(safetensors|sft|gguf)$", "", base, flags=re.I)
    base = re.sub(r"[-_](diffusers|hf)$", "", base, flags=re.I)
    base = re.sub(r"^([A-Za-z]+)(\d+\.\d+)(?=[-_]|$)", r"\1 \2", base)
    return re.sub(r"[-_]+", " ", base).strip() or name


def needed_models(doc: dict, registry) -> list[Need]:
    """The models a graph document (a graph file's JSON) names, each name once: the video models
    (the parameters that declare the kinds of model they take: Load Video Model's, Video LoRA's)
    first, then the others (Load Preprocessor's), each in node order; a group's inner graph is read
    too. Unknown node types and odd entries are passed over (the graph's own validation names them)."""
    first, then = _needed(doc, registry, set())
    return first + then


def _needed(doc: dict, registry, seen: set[str]) -> tuple[list[Need], list[Need]]:
    first: list[Need] = []
    then: list[Need] = []
    nodes = doc.get("nodes") if isinstance(doc, dict) else None
    for n in nodes if isinstance(nodes, list) else ():
        if not isinstance(n, dict):
            continue
        group = n.get("group")
        if isinstance(group, dict) and isinstance(group.get("graph"), dict):
            inner = _needed(group["graph"], registry, seen)
            first += inner[0]
            then += inner[1]
        type_id, params = n.get("type"), n.get("params")
        if not isinstance(type_id, str) or not isinstance(params, dict) or type_id not in registry:
            continue
        spec = registry.get(type_id)
        for p in spec.params:
            value = params.get(p.name)
            if p.kind == "path" and getattr(p, "lookup", False) and isinstance(value, str) and value.strip():
                if value not in seen:
                    seen.add(value)
                    own = n.get("title") if p.name == "model" and isinstance(n.get("title"), str) else ""
                    (first if getattr(p, "models", "") else then).append(
                        Need(value, own.strip() or model_label(value), str(n.get("id", "")), spec.title, p.name,
                             folder_of(p, value)))
    return first, then


# a file of each kind of model a path takes goes in ComfyUI's folder of that kind (a diffusers folder: the models folder)
KIND_FOLDER = {"denoiser": "diffusion_models", "checkpoint": "checkpoints", "text_encoder": "text_encoders",
               "vae": "vae", "lora": "loras", "clip_vision": "clip_vision"}
FILE_EXTS = (".safetensors", ".sft", ".gguf", ".pth", ".pt", ".ckpt", ".bin")


def folder_of(p, value: str) -> str:
    """The kind folder ``value`` of path parameter ``p`` goes in: a file of a model kind by that kind, else
    the folder its help names ("... its name in a models folder's upscale_models/"); "" for a folder."""
    is_file = value.lower().endswith(FILE_EXTS)
    kinds = str(getattr(p, "models", "") or "").split()
    if is_file:
        for k in kinds:
            if k in KIND_FOLDER:
                return KIND_FOLDER[k]
    m = re.search(r"models folder's ([\w.-]+)/", getattr(p, "help", "") or "")
    return m.group(1) if m and (is_file or not kinds) else ""


def needed_by_file(path: str, registry) -> list[Need]:
    """``needed_models`` of a graph file; [] when it cannot be read as JSON."""
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (OSError, ValueError):
        return []
    return needed_models(doc, registry)


class Finder:
    """Whether models are in the models folders, as the loaders find them (a folder or file under
    a models folder or one of its ComfyUI kind folders, or a Hugging Face cache snapshot). The
    folders are listed once, when it is made; each name is looked up once."""

    def __init__(self, dirs: list[str] | None = None):
        self.dirs = list(dirs) if dirs is not None else model_paths.model_dirs()
        self._found: dict[str, bool] = {}

    def found(self, name: str) -> bool:
        if name not in self._found:
            self._found[name] = self._look(name)
        return self._found[name]

    def _look(self, name: str) -> bool:
        if model_paths.resolve(name, None, self.dirs) is not None:
            return True
        for root in self.dirs:  # a preprocessor's snapshot has config.json, not model_index.json
            snaps = os.path.join(root, "models--" + name.strip("/").replace("/", "--"), "snapshots")
            if os.path.isdir(snaps) and any(os.path.isfile(os.path.join(snaps, r, "config.json"))
                                            for r in os.listdir(snaps)):
                return True
        return False
