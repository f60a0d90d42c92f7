"""Where pretrained models come from: the models setting, and a scan of those folders.

Sources, searched in this order:

1. ``STUDIO_MODELS`` (one folder, or several joined with ``os.pathsep``);
2. the models folder of the settings file (default: platformdirs' user data folder / ``models``);
3. the extra folders of the settings file;
4. a ComfyUI folder of the settings file: its ``models/`` and the kind folders of its
   ``extra_model_paths.yaml`` (``studio.core.comfy_paths``);
5. an existing Hugging Face cache (``HF_HUB_CACHE``, ``HF_HOME``/hub or ``~/.cache/huggingface/hub``),
   read as it is, offline: ``models--org--name/snapshots/<rev>/``.

The settings file (``studio.core.settings``) is a small JSON file in platformdirs' user config
folder (override the folder with ``STUDIO_CONFIG_DIR``)::

    {"models_dir": "/data/models", "extra_dirs": ["/mnt/more"], "use_hf_cache": true,
     "comfyui_dir": "/opt/ComfyUI"}

A model is a diffusers folder (it has ``model_index.json``) or a single ``.safetensors`` (or
``.gguf``) file.
Plain stdlib: no torch or diffusers here, so listing models stays instant.
"""
from __future__ import annotations

import os
import stat
from dataclasses import dataclass

from .settings import (SETTINGS_FILE, config_dir, default_models_dir, load_settings,  # noqa: F401
                       save_settings, settings_path)

_SKIP_DIRS = {".git", "__pycache__", ".cache", "blobs", "refs", ".locks"}
# diffusers component folders: never models on their own
COMPONENT_DIRS = {"unet", "vae", "transformer", "transformer_2", "text_encoder", "text_encoder_2", "tokenizer",
                  "tokenizer_2", "image_encoder", "image_processor", "feature_extractor", "scheduler",
                  "motion_adapter"}


def hf_cache_dir() -> str | None:
    """The Hugging Face hub cache folder, when there is one on this machine."""
    d = os.environ.get("HF_HUB_CACHE") or os.environ.get("HUGGINGFACE_HUB_CACHE")
    if not d:
        home = os.environ.get("HF_HOME") or os.path.join(os.path.expanduser("~"), ".cache", "huggingface")
        d = os.path.join(home, "hub")
    return d if os.path.isdir(d) else None


def hf_snapshot(repo: str) -> str | None:
    """The Hugging Face cache's snapshot folder of ``repo`` ('org/name') holding files, when there is one: what a
    library reading the hub offline finds (Cosmos's guardrail, by the template browser and its family)."""
    cache = hf_cache_dir()
    snaps = os.path.join(cache, "models--" + repo.strip("/").replace("/", "--"), "snapshots") if cache else ""
    try:
        return next((os.path.join(snaps, s) for s in sorted(os.listdir(snaps)) if os.listdir(os.path.join(snaps, s))),
                    None)
    except OSError:
        return None


@dataclass(frozen=True)
class Root:
    """A folder models are looked for in. ``hint``: the kind of model a ComfyUI kind folder holds
    ('denoiser', 'text_encoder', 'vae', 'lora', 'clip_vision', 'checkpoint'; '' for any)."""
    path: str
    hint: str = ""
    source: str = "folder"  # 'env', 'folder', 'comfyui', 'hf-cache'


def model_roots(settings: dict | None = None, notes: list[str] | None = None) -> list[Root]:
    """Every folder models are looked for in, in search order, duplicates dropped: STUDIO_MODELS,
    the models folder, the extra folders, the ComfyUI folder's ``models/`` and the kind folders of
    its ``extra_model_paths.yaml``, the Hugging Face cache. ``notes``: what was skipped, and why."""
    s = settings or load_settings()
    out: list[Root] = []
    env = os.environ.get("STUDIO_MODELS")
    if env:
        out += [Root(d, "", "env") for d in env.split(os.pathsep) if d]
    out.append(Root(s["models_dir"]))
    out += [Root(d) for d in s["extra_dirs"]]
    if s.get("comfyui_dir"):
        from . import comfy_paths
        kinds, more = comfy_paths.kind_folders(s["comfyui_dir"])
        if notes is not None:
            notes += more
        models = comfy_paths.models_dir_of(s["comfyui_dir"])
        if models:
            out.append(Root(models, "", "comfyui"))
        # the kind folders inside models/ are walked from it (their kind from their names)
        out += [Root(k.path, k.kind, "comfyui") for k in kinds if os.path.dirname(k.path) != models]
    if s.get("use_hf_cache", True):
        hf = hf_cache_dir()
        if hf:
            out.append(Root(hf, "", "hf-cache"))
    seen, uniq = set(), []
    for r in out:
        a = os.path.abspath(os.path.expanduser(r.path))
        if a not in seen:
            seen.add(a)
            uniq.append(Root(a, r.hint, r.source))
    return uniq


def model_dirs(settings: dict | None = None) -> list[str]:
    """Every folder models are looked for in, in search order, duplicates dropped."""
    return [r.path for r in model_roots(settings)]


@dataclass(frozen=True)
class FoundModel:
    name: str  # as typed in the Load Video Model node: relative to its root, or org/name for the HF cache
    path: str  # absolute
    kind: str  # "folder" or "file"
    root: str
    hint: str = ""  # the kind its ComfyUI kind folder gives it ('' : none)
    size: int = 0  # bytes (files; 0 for folders)
    mtime_ns: int = 0


MODEL_EXTS = (".safetensors", ".sft", ".gguf")
PICKLE_EXTS = (".bin", ".ckpt", ".pt", ".pth", ".pkl")


def _hf_name(root: str, path: str) -> str | None:
    """'models--org--name/snapshots/<rev>' -> 'org/name'."""
    rel = os.path.relpath(path, root).split(os.sep)
    if len(rel) >= 3 and rel[0].startswith("models--") and rel[1] == "snapshots":
        return rel[0][len("models--"):].replace("--", "/")
    return None


def _as_roots(dirs) -> list[Root]:
    return [d if isinstance(d, Root) else Root(os.path.abspath(d)) for d in dirs]


BY_NAME = (("upscale_models", "Upscale Video"), ("frame_interpolation", "Interpolate Frames"))


def scan(dirs: list | None = None, max_depth: int = 4, notes: list[str] | None = None) -> list[FoundModel]:
    """Diffusers folders and single .safetensors/.gguf files under the model folders (``dirs``:
    folders or :class:`Root` s; not inside a diffusers folder's components). Missing folders are
    skipped. A file that is not a regular file (a FIFO, a device) is never opened: it is left out,
    with a note; so is a pickle checkpoint (never unpickled)."""
    from .comfy_paths import KIND_OF_FOLDER, OTHER_FOLDERS, kind_hint
    found: list[FoundModel] = []
    seen: set[str] = set()
    for r in _as_roots(dirs if dirs is not None else model_roots(notes=notes)):
        root = r.path
        if not os.path.isdir(root):
            continue
        base_depth = root.rstrip(os.sep).count(os.sep)
        for cur, subdirs, files in os.walk(root, followlinks=True):
            depth = cur.rstrip(os.sep).count(os.sep) - base_depth
            if "model_index.json" in files or "modular_model_index.json" in files:  # (modular: MiniMax H3's)
                real = os.path.realpath(cur)
                if real not in seen:
                    seen.add(real)
                    name = _hf_name(root, cur) or os.path.relpath(cur, root).replace(os.sep, "/")
                    found.append(FoundModel(name, cur, "folder", root))
                subdirs[:] = []  # its components are not models on their own
                continue
            if depth == 0 and any(d in KIND_OF_FOLDER for d in subdirs):  # a ComfyUI models folder
                other = sorted(d for d in subdirs if d in OTHER_FOLDERS)
                for d, node in BY_NAME:  # folders whose files a node reads by name
                    if d in other and notes is not None:
                        notes.append(f"{root}: ComfyUI's {d} not read here ({node} takes its files by name)")
                other = [d for d in other if d not in dict(BY_NAME)]
                if other and notes is not None:
                    notes.append(f"{root}: ComfyUI's {', '.join(other)} not read (not models Studio loads)")
                subdirs[:] = [d for d in subdirs if d not in OTHER_FOLDERS]
            # a component folder name ('vae', 'unet') right under a root is a ComfyUI kind folder
            subdirs[:] = sorted(d for d in subdirs if d not in _SKIP_DIRS and not d.startswith(".")
                                and (d not in COMPONENT_DIRS or depth == 0) and depth < max_depth)
            if _hf_name(root, cur) is not None:
                continue
            for f in sorted(files):
                low = f.lower()
                p = os.path.join(cur, f)
                if low.endswith(PICKLE_EXTS) and notes is not None:
                    notes.append(f"{p}: a pickle checkpoint, never opened (Studio reads .safetensors and .gguf)")
                if not low.endswith(MODEL_EXTS):
                    continue
                try:
                    st = os.stat(p)
                except OSError as e:
                    if notes is not None:
                        notes.append(f"{p}: cannot be read ({e.strerror or e}); skipped")
                    continue
                if not stat.S_ISREG(st.st_mode):
                    if notes is not None:
                        notes.append(f"{p}: not a regular file (a FIFO, a device or a socket); skipped, never opened")
                    continue
                real = os.path.realpath(p)
                if real not in seen:
                    seen.add(real)
                    found.append(FoundModel(os.path.relpath(p, root).replace(os.sep, "/"), p, "file", root,
                                            r.hint or kind_hint(p, root), st.st_size, st.st_mtime_ns))
    return found


def _within(path: str, root: str) -> bool:
    """Whether ``path`` stays inside ``root`` once '..' is resolved: a name such as '../../secret'
    never resolves outside the folder it is looked up in. Symlinks inside a models folder are
    followed on purpose (the Hugging Face cache links its snapshots to its blobs)."""
    root_n = os.path.normpath(os.path.abspath(root))
    norm = os.path.normpath(os.path.abspath(path))
    return norm == root_n or norm.startswith(root_n.rstrip(os.sep) + os.sep)


def resolve(name: str, base_dir: str | None = None, dirs: list[str] | None = None,
            folders: tuple[str, ...] = ()) -> str | None:
    """A model's absolute path from what the user typed: an absolute path, a path relative to the
    graph's folder, a path relative to a model folder or to one of its ComfyUI kind folders (a
    workflow's 'ltx-2-19b-dev.safetensors' in checkpoints/), or 'org/name' of the Hugging Face cache
    (its newest snapshot); then relative to ``folders``, ComfyUI folders of the node asking that the
    scan passes over (``upscale_models``, ``latent_upscale_models``), in that models folder and its
    ``models/``; each models folder wholly before the next. None when it is nowhere."""
    name = os.path.expanduser(name.strip())
    if not name:
        return None
    if os.path.isabs(name):
        return name if os.path.exists(name) else None
    if base_dir and os.path.exists(os.path.join(base_dir, name)) and _within(os.path.join(base_dir, name), base_dir):
        return os.path.abspath(os.path.join(base_dir, name))
    from .comfy_paths import KIND_OF_FOLDER
    roots = dirs if dirs is not None else model_dirs()
    for root in roots:  # in the roots' order: a file in the first models folder is never shadowed by a later one's
        # as typed, or as a ComfyUI workflow names it: relative to its kind folder (checkpoints/, vae/...),
        # in a models folder or in a ComfyUI folder given as one (its models/); then the asking node's own
        # folders there (issue 76: STUDIO_MODELS' audio_encoders/x lost to x at the top of a later folder)
        kinds = [os.path.join(root, up, k, name) for up in ("", "models") for k in KIND_OF_FOLDER]
        for cand in [os.path.join(root, name)] + kinds:
            if os.path.exists(cand) and _within(cand, root):
                return os.path.abspath(cand)
        snaps = os.path.join(root, "models--" + name.replace("/", "--"), "snapshots")
        if os.path.isdir(snaps):
            revs = sorted((os.path.join(snaps, r) for r in os.listdir(snaps)), key=os.path.getmtime, reverse=True)
            for r in revs:
                if any(os.path.isfile(os.path.join(r, i)) for i in ("model_index.json", "modular_model_index.json")):
                    return r
        for cand in (os.path.join(root, up, f, name) for f in folders for up in ("", "models")):
            if os.path.exists(cand) and _within(cand, root):
                return os.path.abspath(cand)
    if "\\" in name and os.sep == "/":  # a name saved on Windows (a ComfyUI workflow's 'wan_video\\x.safetensors')
        posix = name.replace("\\", "/")  # looked up as a relative name only: '\\etc' is not '/etc', nor '~\\x' '~/x'
        return None if os.path.isabs(posix) or posix.startswith("~") else resolve(posix, base_dir, dirs, folders)
    return None



def model_file(name: str, base_dir: str | None, dirs: list[str] | None, folder: str, error: type[Exception],
               noun: str, wanted: str, example: str, prefix: str = "") -> str:
    """The regular file a node's 'model' names, found as :func:`resolve` finds it (also in the models
    folders' ComfyUI kind folder ``folder``); else ``error`` (prefixed by ``prefix``: the node) saying
    what to set ('no <noun> chosen: set 'model' to a <wanted> ..., e.g. <example>'), where it looked,
    or what is wrong with the file (not a regular file, too large...)."""
    if not name.strip():
        raise error(f"{prefix}no {noun} chosen: set 'model' to a {wanted} in a models folder's {folder}/, "
                    f"e.g. {example}")
    path = resolve(name, base_dir, dirs, folders=(folder,))
    if path is None:
        roots = dirs if dirs is not None else model_dirs()
        raise error(f"{prefix}{noun} '{name}' not found: looked beside the graph and in "
                    f"{', '.join(roots) or 'no models folder'} (and their {folder}/). Studio never downloads.")
    from .limits import regular_file_problem
    why = regular_file_problem(path)
    if why:
        raise error(f"{prefix}{noun} '{path}': {why}")
    return path


def start_dir(kinds: str, roots: list[Root] | None = None) -> str | None:
    """Where a file dialog for a model of ``kinds`` ('lora', 'pipeline denoiser', ...) opens: the
    first models folder whose ComfyUI kind matches (a root of that kind, or such a kind folder in
    a root), else the first models folder that exists; None when none does."""
    from .comfy_paths import KIND_OF_FOLDER
    want = set(kinds.split())
    roots = roots if roots is not None else model_roots()
    for r in roots:
        if r.hint and r.hint in want and os.path.isdir(r.path):
            return r.path
        for name, kind in KIND_OF_FOLDER.items():
            if kind and kind in want and os.path.isdir(os.path.join(r.path, name)):
                return os.path.join(r.path, name)
    return next((r.path for r in roots if os.path.isdir(r.path)), None)


def find_kind(kind: str, fragments: tuple[str, ...], dirs: list | None = None) -> list[FoundModel]:
    """The files of ``kind`` (a ComfyUI kind folder's hint: 'lora', 'denoiser', ...) under the models
    folders whose names hold every one of ``fragments`` (case-insensitive), in search order."""
    want = [f.lower() for f in fragments]
    return [m for m in scan(dirs) if m.kind == "file" and m.hint == kind
            and all(f in os.path.basename(m.path).lower() for f in want)]


def kind_folders(kind: str, dirs: list | None = None) -> list[str]:
    """The folders of ``kind`` ('lora': every models folder's ``loras``, ComfyUI's kind folders of it)
    that exist: their fingerprints tell a run when a file was added or removed there."""
    from .comfy_paths import KIND_OF_FOLDER
    out = []
    for r in _as_roots(dirs if dirs is not None else model_roots()):
        if r.hint == kind and os.path.isdir(r.path):
            out.append(r.path)
        out += [os.path.join(r.path, n) for n, k in KIND_OF_FOLDER.items()
                if k == kind and os.path.isdir(os.path.join(r.path, n))]
    return out
