"""``GET /object_info`` in ComfyUI's schema: Studio's own nodes (their ports and parameters as
ComfyUI types them), and the ComfyUI node types Studio's converter reads (their inputs where the
converter knows their names), so that a client can check a workflow before it sends it."""
from __future__ import annotations

import functools
from typing import Any

from .core_declared import CORE, CORE_MODELS, OPTIONAL

# ComfyUI's declaration of an empty video latent's inputs (HunyuanVideo's, the loosest of the
# families'): each node type a family declares as its empty latent (ComfyMapping.empty) is declared with those of
# its widgets (ComfyMapping.widgets) found here, so the server names no family's node itself (core())
EMPTY_LATENT_INPUTS = {"width": ["INT", {"default": 848, "min": 16, "max": 16384}],
                       "height": ["INT", {"default": 480, "min": 16, "max": 16384}],
                       "length": ["INT", {"default": 25, "min": 1, "max": 16384}],
                       "batch_size": ["INT", {"default": 1, "min": 1, "max": 4096}]}
# the outputs of the loaders (their inputs are the converter's: a model looked up by name), so that a link
# from one is checked for its output's index and type
LOADER_OUTPUTS = {"UNETLoader": ["MODEL"], "CLIPLoader": ["CLIP"], "DualCLIPLoader": ["CLIP"], "VAELoader": ["VAE"],
                  "CheckpointLoaderSimple": ["MODEL", "CLIP", "VAE"], "CLIPVisionLoader": ["CLIP_VISION"],
                  "LoraLoaderModelOnly": ["MODEL"], "LoraLoader": ["MODEL", "CLIP"], "LoadImage": ["IMAGE", "MASK"],
                  "UpscaleModelLoader": ["UPSCALE_MODEL"]}  # ImageUpscaleWithModel's (Upscale Video's model file)
OUTPUT_NODES = ("SaveVideo", "SaveWEBM", "SaveAnimatedWEBP", "SaveAnimatedPNG", "SaveImage", "PreviewImage",
                "VHS_VideoCombine")


@functools.lru_cache(maxsize=1)
def core() -> dict[str, tuple]:
    """CORE and the families' empty latents (EMPTY_LATENT_INPUTS) that ComfyUI's templates do not declare
    (comfy_declared.table: their defaults are the templates'), as (inputs, outputs, category)."""
    from studio.convert.families import registry as comfy_registry

    from .comfy_declared import table
    widgets, templates = comfy_registry.lookup("widgets"), table()
    empties = {cls: ({w: EMPTY_LATENT_INPUTS[w] for w in widgets[cls]}, ["LATENT"], "latent/video")
               for cls in comfy_registry.lookup("empty") if cls not in templates
               if widgets.get(cls) and all(w in EMPTY_LATENT_INPUTS for w in widgets[cls])}
    return {**empties, **CORE}


def read_types() -> set[str]:
    """Every ComfyUI node type Studio's converter reads (converts, folds into another, or lists)."""
    from studio.convert.families import registry as comfy_registry
    from studio.convert.finishing import utility as comfy_utility
    from studio.convert.mapping import convert as comfy_map, intent as comfy_intent
    from studio.convert.packs import lora_stacks as comfy_lora_stacks
    from studio.convert.reading import workflow as comfy_read
    from studio.convert.tracing import sampling as comfy_sampling, tasks as comfy_tasks, walks as comfy_walks
    from studio.convert.finishing import core as comfy_core
    names: set[str] = set(CORE) | set(LOADER_OUTPUTS) | set(comfy_core.OPS) | set(comfy_core.MODEL_LOADERS)
    names |= set(comfy_read.WIDGETS) | set(comfy_read.PRIMITIVES)
    names |= set(comfy_map.OUTPUTS) | set(comfy_map.LOADERS) | set(comfy_map.FILE_LOADERS) | set(comfy_map.FOLDED)
    names |= set(comfy_map.TEXT_NOTES) | set(comfy_utility.UTILITIES) | set(comfy_utility.ENDS)
    names |= set(comfy_utility.VIDEO_FILES) | set(comfy_intent.LOADER_NODES) | set(comfy_intent.STEPS)
    names |= set(comfy_walks.PASSING) | set(comfy_tasks.tasks()) | set(comfy_tasks.ENCODED)
    names |= set(comfy_sampling.SAMPLERS) | set(comfy_lora_stacks.STACKS)
    for m in comfy_registry.mappings():
        names |= comfy_registry.node_types(m)
    return {n for n in names if isinstance(n, str) and n and not n.endswith("*")}


def _param(p) -> list:
    extra: dict[str, Any] = {"tooltip": p.help} if getattr(p, "help", "") else {}
    d = p.default
    if p.kind == "choice":
        return [list(p.choices), {"default": d, **extra}]
    kind = {"int": "INT", "seed": "INT", "float": "FLOAT", "bool": "BOOLEAN"}.get(p.kind, "STRING")
    for k in ("min", "max"):
        v = getattr(p, k, None)
        if isinstance(v, (int, float)) and kind in ("INT", "FLOAT"):
            extra[k] = v
    if kind == "STRING":
        d = "" if d is None else str(d)
        extra["multiline"] = p.kind == "text"
    return [kind, {"default": d, **extra}]


SEEDS = ("seed", "noise_seed")  # ComfyUI's page puts its seed control after a whole number named so


def studio_node(spec, page: bool = False) -> dict:
    """A Studio node in ComfyUI's schema; ``page``: as ComfyUI's page is to show it, a setting that
    has a port of its name too (a prompt typed or linked) declared as the setting alone (the page
    would drop the widget for the socket)."""
    req = {i.name: [_takes(i.type)] for i in spec.inputs if not i.optional}
    opt = {i.name: [_takes(i.type)] for i in spec.inputs if i.optional
           and not (page and spec.param(i.name) is not None)}
    for p in spec.params:
        req[p.name] = _param(p)
        if p.name in SEEDS and req[p.name][0] == "INT":
            req[p.name][1]["control_after_generate"] = True
    return {"input": {"required": req, "optional": opt},
            "input_order": {"required": list(req), "optional": list(opt)},
            "output": [o.type.upper() for o in spec.outputs], "output_is_list": [False] * len(spec.outputs),
            "output_name": [o.name for o in spec.outputs], "name": spec.id, "display_name": spec.title,
            "description": spec.help or "", "python_module": "studio", "category": f"Studio/{spec.category}",
            "output_node": bool(spec.is_output), "deprecated": False, "experimental": False}


def _takes(kind: str) -> str:
    """A Studio input's type as ComfyUI writes one taking several ('VIDEO,IMAGE,MASK': a Video input
    also takes a picture or a mask, as Studio's own wires do), so the page and /prompt wire what Studio does."""
    from studio.core.types import get_type
    return ",".join([kind.upper()] + [t.upper() for t in get_type(kind).accepts_from])


def read_node(cls: str) -> dict:
    from studio.convert.reading.workflow import CONTROL, WIDGETS
    declared = core()
    if cls in declared:
        req, out, cat = declared[cls]
    else:
        req, out, cat = {w: ["*"] for w in WIDGETS.get(cls, ()) if w != CONTROL}, LOADER_OUTPUTS.get(cls, []), \
            "read by Studio"
    opt = {k: v for k, v in req.items() if (cls, k) in OPTIONAL}
    req = {k: v for k, v in req.items() if k not in opt}
    return {"input": {"required": req, "optional": opt}, "input_order": {"required": list(req), "optional": list(opt)},
            "output": out, "output_is_list": [False] * len(out), "output_name": out, "name": cls, "display_name": cls,
            "description": "a ComfyUI node type Studio converts into its own nodes", "python_module": "comfy",
            "category": cat, "output_node": cls in OUTPUT_NODES,
            "deprecated": False, "experimental": False}


def object_info(registry=None, model_files=None, input_files=None) -> dict[str, dict]:
    """What /object_info lists: the ComfyUI types declared by hand (core()) and from ComfyUI's templates
    (comfy_declared.py: their widgets, sockets and outputs, so ComfyUI's page keeps their values), then
    Studio's own nodes. A type Studio converts but cannot declare so is not listed (/prompt still takes
    it from API clients). ``model_files(folder)`` / ``input_files(exts)``: a loader's options here."""
    from studio.core.registry import default_registry

    from .comfy_declared import node_info, table
    reg = registry or default_registry()
    read = read_types()
    info = {cls: _page_widgets(read_node(cls)) for cls in sorted(core())}
    for (cls, name), folder in CORE_MODELS.items():  # the page's list of this machine's files
        files = list(model_files(folder) or ()) if model_files is not None else []
        info[cls]["input"]["required"][name] = [files or [""], {"default": (files or [""])[0]}]
    for cls, d in table().items():
        if cls in read and cls not in info:
            made = node_info(cls, d, model_files, input_files)
            info[cls] = _page_widgets({**made, "output_node": cls in OUTPUT_NODES})
    for spec in reg.specs():
        info[spec.id] = studio_node(spec, page=True)
    return info


def _page_widgets(d: dict) -> dict:
    """A sampler's and a scheduler's names as the lists ComfyUI's page shows (the names Studio's
    converter knows; /prompt takes any name, the nearest scheduler then chosen)."""
    from studio.convert.tracing.sampling import NEAREST, SIGMAS
    lists = {"sampler_name": ([k for k, _ in NEAREST], "euler"), "scheduler": (list(SIGMAS), "simple")}
    d = {**d, "input": {**d["input"], "required": dict(d["input"]["required"])}}  # CORE's own is validate's
    req = d["input"]["required"]
    for name, (options, default) in lists.items():
        if name in req:
            req[name] = [options, {"default": default}]
    return d
