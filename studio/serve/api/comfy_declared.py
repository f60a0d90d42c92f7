"""What ComfyUI's web page needs to keep a ComfyUI node's values: its widgets (named, typed, in
order), its input sockets and its outputs. Taken from ComfyUI's own workflow templates (the
MIT-licensed comfyui-workflow-templates-json: each saved node carries its sockets' names and types,
its outputs and its widget values as ComfyUI declared them), with the widget names Studio's
converter reads (comfy_read.WIDGETS). A type is declared only where every template that uses it
agrees with those names; the rest are not listed in /object_info (a node the page could only show
without its values), though /prompt still takes them from API clients.

The table is kept in comfy_nodes.json beside this file, made from the templates by
``python -m studio.serve.api.comfy_templates`` (a test checks it against the installed templates)."""
from __future__ import annotations

import json
import os
from typing import Any

from .comfy_ranges import declared_range

TABLE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "comfy_nodes.json")
SCALARS = ("INT", "FLOAT", "STRING", "BOOLEAN")
# a widget naming a model: its options are the files of that ComfyUI folder on this machine
MODEL_WIDGETS = {"unet_name": "diffusion_models", "clip_name": "text_encoders", "clip_name1": "text_encoders",
                 "clip_name2": "text_encoders", "clip_name3": "text_encoders", "clip_name4": "text_encoders",
                 "vae_name": "vae", "ckpt_name": "checkpoints", "lora_name": "loras"}
WHOLE_MODELS = ("unet_name", "ckpt_name")
# a loader whose widget's name is shared with another folder's (ComfyUI's CLIPVisionLoader lists clip_vision/)
CLASS_FOLDERS = {("CLIPVisionLoader", "clip_name"): "clip_vision"}


def model_folder(cls: str, name: str) -> str | None:
    """The ComfyUI models folder whose files the widget ``name`` of ``cls`` lists (None: no model)."""
    return CLASS_FOLDERS.get((cls, name)) or MODEL_WIDGETS.get(name)
# a loader of the input folder's files: its widget lists them and the page adds its upload button (whose
# value, the 'upload' widget's in a saved node, the page keeps itself: not declared)
INPUT_FILES = {("LoadImage", "image"): ("image_upload", (".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff")),
               ("LoadVideo", "file"): ("video_upload", (".mp4", ".mov", ".webm", ".mkv", ".avi", ".m4v", ".gif"))}
PAGE_WIDGETS = ("upload",)
NO_SOCKET = ("COMBO", "IMAGEUPLOAD")


def templates_folder() -> str | None:
    try:
        import comfyui_workflow_templates_json as t
    except ImportError:
        return None
    folder = os.path.join(os.path.dirname(os.path.abspath(t.__file__)), "templates")
    return folder if os.path.isdir(folder) else None


def template_docs(folder: str):
    """(name, document) of each workflow template in ``folder`` (its .json files but the index), in name order;
    a file that cannot be read or holds no JSON object left out."""
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".json") or name.startswith("index"):
            continue
        try:
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                doc = json.load(f)
        except (OSError, ValueError):
            continue
        if isinstance(doc, dict):
            yield name, doc


def table() -> dict[str, dict]:
    try:
        with open(TABLE, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def node_info(cls: str, d: dict, model_files=None, input_files=None) -> dict[str, Any]:
    """``cls`` in /object_info's schema; a model widget's options: the files of its folder here
    (``model_files(folder)``); an input loader's: the input folder's (``input_files(exts)``)."""
    req: dict[str, list] = {}
    for name, spec in d["widgets"].items():
        spec = [list(spec[0]) if isinstance(spec[0], list) else spec[0], dict(spec[1])]
        if spec[0] in ("INT", "FLOAT"):
            spec[1].update(declared_range(cls, name))  # ComfyUI's min/max (comfy_ranges.py)
        if name in MODEL_WIDGETS and model_files is not None:
            spec[0] = list(model_files(model_folder(cls, name)))
            if name in WHOLE_MODELS:  # Studio also loads a whole diffusers folder by its name there
                spec[0] += [f for f in model_files("diffusers") if f not in spec[0]]
        if (cls, name) in INPUT_FILES:
            flag, exts = INPUT_FILES[(cls, name)]
            spec[0], spec[1][flag] = list(input_files(exts)) if input_files is not None else [], True
        if name in MODEL_WIDGETS or (cls, name) in INPUT_FILES:
            spec[0] = spec[0] or [""]  # none here: the page keeps a workflow's own name (a missing model)
            spec[1]["default"] = spec[0][0]
        req[name] = spec
    opt = {name: [t] for name, t in d["sockets"].items()}
    outs = d["outputs"]
    return {"input": {"required": req, "optional": opt}, "input_order": {"required": list(req), "optional": list(opt)},
            "output": [t for _, t in outs], "output_is_list": [False] * len(outs), "output_name": [n for n, _ in outs],
            "name": cls, "display_name": cls, "description": "a ComfyUI node type Studio converts into its own nodes",
            "python_module": "comfy", "category": "ComfyUI (read by Studio)", "deprecated": False,
            "experimental": False}


def checked_values(cls: str) -> dict[str, list]:
    """The inputs of ``cls`` whose values /prompt checks as ComfyUI declares them (its numbers, text and
    switches, with their min and max): {name: [type, options]} ({}: not in the table). Its model files
    are looked up on their own (missing_models.py), its lists' options are this machine's."""
    d = table().get(cls)
    if not d:
        return {}
    return {name: [spec[0], {**dict(spec[1]), **declared_range(cls, name)}]
            for name, spec in d["widgets"].items() if spec[0] in SCALARS and name not in MODEL_WIDGETS}
