"""A ComfyUI workflow's model files checked at the door, each on its own loader (issue 105): a
template from ComfyUI's library names the files ComfyUI's own set-up downloads
('wan2.1_t2v_1.3B_fp16.safetensors', 'umt5_xxl_fp8_e4m3fn_scaled.safetensors'...), which this machine
may not have. The engine's check before a run stops at the first file it misses and names the Studio
node that file was folded into (the text encoder's on the UNETLoader's node); here every missing
file is named at once, on the loader whose widget names it, in ComfyUI's shape (``value_not_in_list``
with its ``input_name``, which the page shows on that widget), with the files this machine has.

A file is looked up exactly as the run looks it up (studio.core.models.resolve, in the models
folders): nothing the run would find is refused here. Studio never downloads."""
from __future__ import annotations

from studio.core.shown import cut

from .comfy_declared import MODEL_WIDGETS, WHOLE_MODELS, model_folder
from .core_declared import CORE_MODELS

MAX_LISTED = 8  # of this machine's files named in an error
MESSAGE = ("Prompt outputs failed validation: this machine lacks the model files the workflow names "
           "(Studio never downloads)")


def missing(prompt: dict, comfy_types: set[str], listed=None) -> dict[str, dict]:
    """ComfyUI's ``node_errors`` naming each loader of ``prompt`` (a ComfyUI type, in ``comfy_types``)
    whose model file is not in the models folders ({}: none). ``listed(folder)``: the files of a
    ComfyUI models folder here (models.files; a test's own)."""
    from studio.core.models import resolve
    if listed is None:
        from .models import files as listed
    from .object_info import OUTPUT_NODES
    held = _held_back(prompt, [nid for nid, n in prompt.items() if n["class_type"] in OUTPUT_NODES])
    node_errors: dict[str, dict] = {}
    for nid, node in prompt.items():
        if node["class_type"] not in comfy_types or not held.get(nid):  # a loader no output uses: not run
            continue
        for name, value in node.get("inputs", {}).items():
            named = CORE_MODELS.get((node["class_type"], name))  # a core node's file, read by name (upscale_models/)
            if (name not in MODEL_WIDGETS and named is None) or not isinstance(value, str) or not value.strip():
                continue
            if (named is None and resolve(value, None) is not None) or (named is not None and _named(named, value)):
                continue
            entry = node_errors.setdefault(nid, {"errors": [], "dependent_outputs": held[nid],
                                                 "class_type": node["class_type"]})
            said = _details(node["class_type"], name, value, listed, named)
            info = {"input_name": name, "received_value": cut(value, 200)}
            # the page's own type marks the widget and lists the file in its Missing Models panel; the second
            # (one the page shows the details of) says Studio's sentence beside the node
            entry["errors"] += [{"type": "value_not_in_list", "message": "Model file not found on this machine",
                                 "details": said, "extra_info": dict(info)},
                                {"type": "custom_validation_failed", "message": "Model file not found on this machine",
                                 "details": said, "extra_info": dict(info, studio_type="model_missing")}]
    return node_errors


def _held_back(prompt: dict, outputs: list[str]) -> dict[str, list[str]]:
    """Each node's outputs that depend on it (ComfyUI checks only what an output needs)."""
    held: dict[str, list[str]] = {}
    for o in outputs:
        seen, todo = {o}, [o]
        while todo:
            for v in prompt[todo.pop()].get("inputs", {}).values():
                src = v[0] if isinstance(v, list) and len(v) == 2 and isinstance(v[0], str) else None
                if src in prompt and src not in seen:
                    seen.add(src)
                    todo.append(src)
        for nid in seen:
            held.setdefault(nid, []).append(o)
    return held


def _named(folder: str, value: str) -> bool:
    """Whether ``value`` is a file of ``folder`` (models.named_files) in a models folder here, or one at a models
    folder's top, where Upscale Video finds it too."""
    import os

    from studio.core.models import model_dirs

    from .models import named_files
    name = value.replace("\\", "/")
    if name in (named_files(folder) or {}):
        return True
    plain = not name.startswith(("/", "~")) and ".." not in name.split("/")
    return plain and any(os.path.isfile(os.path.join(d, name)) for d in model_dirs())


def _details(cls: str, name: str, value: str, listed, named: str | None = None) -> str:
    if named is not None:
        from .models import named_files
        listed = named_files
    folder = named or model_folder(cls, name)
    have = list(listed(folder) or {})
    if name in WHOLE_MODELS:
        have += [f for f in listed("diffusers") or {} if f not in have]
    there = (f"this machine has: {', '.join(have[:MAX_LISTED])}{' ...' if len(have) > MAX_LISTED else ''}"
             if have else "this machine has none")
    hint = ("; or leave it empty: a diffusers folder chosen as the model brings its own"
            if name not in WHOLE_MODELS and name != "lora_name" and listed("diffusers") else "")
    return (f"{name}: '{cut(value, 120)}' is not in the models folders' {folder}/ ({there}{hint}). Put the file "
            f"there or choose one listed; Studio never downloads")
