"""Studio's settings file: one small JSON file in platformdirs' user config folder (override the
folder with ``STUDIO_CONFIG_DIR``). The engine, the command line and the window's Preferences
dialog all read and write it through here::

    {"models_dir": "/data/models", "extra_dirs": ["/mnt/more/models"], "use_hf_cache": true,
     "comfyui_dir": "/opt/ComfyUI", "project_dir": "/home/me/Documents/Studio",
     "allowed_dirs": ["/mnt/renders"]}

- ``models_dir``, ``extra_dirs``, ``use_hf_cache``, ``comfyui_dir``: where pretrained models are
  found (``studio.core.models``; a ComfyUI folder brings its ``models/`` kind folders and those of
  its ``extra_model_paths.yaml``, ``studio.core.comfy_paths``);
- ``project_dir``: the folder an unsaved graph's relative paths mean (empty: Documents/Studio);
- ``allowed_dirs``: folders besides the graph's own and the project folder that graphs may
  write into (outputs, checkpoints, LoRAs), chosen by the user;
- ``read_dirs``: folders the user picked a file in (a file dialog): graphs may read from them, not
  write there; kept so a graph the user made reads its footage when it is opened again;
- ``disk_cache_gb``: the most the disk cache of expensive nodes' outputs holds (0: off;
  ``studio.engine.disk_cache``).

Keys this version does not know are kept on save. A broken file reads as defaults.
Plain stdlib (platformdirs only): no torch or Qt.
"""
from __future__ import annotations

import json
import os

SETTINGS_FILE = "models.json"  # the historical name; it holds every setting
DEFAULT_DISK_CACHE_GB = 20.0  # the disk cache's size when none is chosen (studio.engine.disk_cache)


def config_dir() -> str:
    d = os.environ.get("STUDIO_CONFIG_DIR")
    if d:
        return d
    from .paths import user_dir
    return user_dir("config", "Studio", "Studio")


def default_models_dir() -> str:
    from .paths import user_dir
    return os.path.join(user_dir("data", "Studio", "Studio"), "models")


def settings_path() -> str:
    return os.path.join(config_dir(), SETTINGS_FILE)


_READ: dict = {}  # 'sig': the settings file's (path, mtime_ns, size, inode) when last read; 'data': what it held


def _read_raw() -> dict:
    """What the settings file holds: read again only when the file changed (a run asks for the settings
    several times: its folders, the paths it may write to), a copy each time."""
    import copy

    from .paths import read_json_dict_kept
    return copy.deepcopy(read_json_dict_kept(settings_path(), _READ))


def _str_list(v) -> list[str]:
    return [d for d in v if isinstance(d, str) and d] if isinstance(v, list) else []


def load_settings() -> dict:
    """Every setting, defaults for anything missing or of the wrong type."""
    data = _read_raw()
    s = dict(data)  # unknown keys ride along
    s["models_dir"] = data["models_dir"] if isinstance(data.get("models_dir"), str) and data["models_dir"] \
        else default_models_dir()
    s["extra_dirs"] = _str_list(data.get("extra_dirs"))
    s["use_hf_cache"] = data["use_hf_cache"] if isinstance(data.get("use_hf_cache"), bool) else True
    s["comfyui_dir"] = data["comfyui_dir"] if isinstance(data.get("comfyui_dir"), str) else ""
    s["project_dir"] = data["project_dir"] if isinstance(data.get("project_dir"), str) else ""
    s["allowed_dirs"] = _str_list(data.get("allowed_dirs"))
    s["read_dirs"] = _str_list(data.get("read_dirs"))
    gb = data.get("disk_cache_gb")
    s["disk_cache_gb"] = float(gb) if isinstance(gb, (int, float)) and not isinstance(gb, bool) and gb >= 0 \
        else DEFAULT_DISK_CACHE_GB
    return s


def save_settings(settings: dict) -> str:
    """Merge ``settings`` over what the file holds and write it atomically (temporary file, fsync,
    rename). Keys not given keep their stored value. Returns the file's path."""
    path = settings_path()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = _read_raw()
    data.update(settings)
    from .paths import write_atomic
    write_atomic(path, json.dumps(data, indent=2))
    return path
