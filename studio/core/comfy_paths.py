"""ComfyUI's folder of models, read as it is: ``<ComfyUI>/models/<kind folder>`` and the folders its
``extra_model_paths.yaml`` adds.

ComfyUI keeps each kind of model in its own folder (``comfy/folder_paths.py``):
``diffusion_models`` (or the older ``unet``), ``text_encoders`` (or ``clip``), ``vae``, ``loras``,
``clip_vision``, ``checkpoints`` (all-in-one files), ``diffusers`` (diffusers folders). The YAML
file maps the same kind names to more folders, per section, each under the section's optional
``base_path`` (relative to the YAML file's folder), one folder a line (ComfyUI's
``utils/extra_config.py``). It is read with PyYAML's ``safe_load``: data only, nothing run.

Plain stdlib and PyYAML: no torch, no Qt."""
from __future__ import annotations

import os
from dataclasses import dataclass

YAML_NAME = "extra_model_paths.yaml"

# ComfyUI's kind folder -> the kind of model Studio expects in it ("" : anything, recognised by its keys)
KIND_OF_FOLDER = {
    "diffusion_models": "denoiser", "unet": "denoiser",
    "text_encoders": "text_encoder", "clip": "text_encoder",
    "vae": "vae", "loras": "lora", "clip_vision": "clip_vision",
    "checkpoints": "checkpoint", "diffusers": "",
    "animatediff_models": "denoiser",  # AnimateDiff-Evolved's motion modules (read on their SD 1.5 checkpoint)
}


# ComfyUI's other folders of models: none of them is a model Studio loads (skipped, with a note)
OTHER_FOLDERS = ("upscale_models", "embeddings", "controlnet", "t2i_adapter", "style_models", "gligen",
                 "hypernetworks", "photomaker", "vae_approx", "configs", "audio_encoders", "model_patches",
                 "classifiers", "latent_upscale_models", "sams", "ultralytics", "insightface", "facerestore_models",
                 "frame_interpolation", "animatediff_motion_lora")


@dataclass(frozen=True)
class KindFolder:
    path: str  # absolute
    kind: str  # Studio's kind ('denoiser', 'text_encoder', ...; '' for anything)
    comfy_name: str  # ComfyUI's name of the folder kind ('diffusion_models', 'unet', ...)


def models_dir_of(comfy_dir: str) -> str | None:
    """The ``models`` folder of a ComfyUI folder; the folder itself when it already is one (it
    holds kind folders); None when neither."""
    if not comfy_dir:
        return None
    d = os.path.abspath(os.path.expanduser(comfy_dir))
    sub = os.path.join(d, "models")
    if os.path.isdir(sub):
        return sub
    if os.path.isdir(d) and any(os.path.isdir(os.path.join(d, k)) for k in KIND_OF_FOLDER):
        return d
    return None


def yaml_of(comfy_dir: str) -> str | None:
    """The ``extra_model_paths.yaml`` of a ComfyUI folder (beside its ``models``), when there is one."""
    if not comfy_dir:
        return None
    d = os.path.abspath(os.path.expanduser(comfy_dir))
    for cand in (os.path.join(d, YAML_NAME), os.path.join(os.path.dirname(d), YAML_NAME)):
        if os.path.isfile(cand):
            return cand
    return None


def read_extra_paths(yaml_path: str) -> tuple[list[KindFolder], list[str]]:
    """(the folders ``extra_model_paths.yaml`` adds for the kinds Studio reads, notes on what was
    skipped). Follows ComfyUI's rules: ``base_path`` expanded (~ and $VARS) and taken relative to
    the file's folder; each value one folder a line, joined to base_path, or relative to the
    file's folder without one. A file that cannot be read or parsed is one note, never an error."""
    import yaml
    notes: list[str] = []
    try:
        with open(yaml_path, encoding="utf-8") as f:
            config = yaml.safe_load(f)
    except OSError as e:
        return [], [f"{yaml_path} cannot be read: {e.strerror or e}"]
    except yaml.YAMLError as e:
        return [], [f"{yaml_path} is not valid YAML: {' '.join(str(e).split())[:200]}"]
    if config is None:
        return [], []
    if not isinstance(config, dict):
        return [], [f"{yaml_path} does not hold sections of folders (it holds a {type(config).__name__})"]
    here = os.path.dirname(os.path.abspath(yaml_path))
    out: list[KindFolder] = []
    for section, conf in config.items():
        if conf is None:
            continue
        if not isinstance(conf, dict):
            notes.append(f"{yaml_path}: section '{section}' is not a mapping of folders; skipped")
            continue
        base = conf.get("base_path")
        if base is not None:
            base = os.path.expandvars(os.path.expanduser(str(base)))
            if not os.path.isabs(base):
                base = os.path.abspath(os.path.join(here, base))
        for name, value in conf.items():
            if name in ("base_path", "is_default") or name not in KIND_OF_FOLDER:
                continue
            if not isinstance(value, str):
                notes.append(f"{yaml_path}: '{section}.{name}' is not a folder name; skipped")
                continue
            for line in value.split("\n"):
                line = line.strip()
                if not line:
                    continue
                full = os.path.join(base, line) if base else (
                    line if os.path.isabs(line) else os.path.join(here, line))
                out.append(KindFolder(os.path.normpath(full), KIND_OF_FOLDER[name], name))
    return out, notes


def kind_folders(comfy_dir: str) -> tuple[list[KindFolder], list[str]]:
    """Every kind folder of a ComfyUI folder: those under its ``models`` folder, then those its
    ``extra_model_paths.yaml`` adds (missing folders kept out, with a note)."""
    out: list[KindFolder] = []
    notes: list[str] = []
    models = models_dir_of(comfy_dir)
    if models is None:
        notes.append(f"{comfy_dir} is not a ComfyUI folder (no models folder in it)")
    else:
        for name, kind in KIND_OF_FOLDER.items():
            d = os.path.join(models, name)
            if os.path.isdir(d):
                out.append(KindFolder(d, kind, name))
    y = yaml_of(comfy_dir)
    if y:
        extra, more = read_extra_paths(y)
        notes += more
        for kf in extra:
            if os.path.isdir(kf.path):
                out.append(kf)
            else:
                notes.append(f"{y}: the {kf.comfy_name} folder {kf.path} does not exist; skipped")
    return out, notes


def kind_hint(path: str, root: str) -> str:
    """The kind a ComfyUI kind folder gives a file found under ``root`` (its first folder below the
    root, or the root's own name when the root is a kind folder); '' when none."""
    rel = os.path.relpath(path, root).split(os.sep)
    for part in ([rel[0]] if len(rel) > 1 else []) + [os.path.basename(os.path.normpath(root))]:
        if part in KIND_OF_FOLDER:
            return KIND_OF_FOLDER[part]
    return ""
