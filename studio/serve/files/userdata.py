"""The web page's own files, kept in the server's folder as ComfyUI keeps them for its one user
(``user/default``): its settings (``comfy.settings.json``) and its userdata (saved workflows,
subgraphs, keybindings). Every name a request gives is a relative path of plain names inside that
folder: '..', a root, a drive, a control character (NUL) or a link anywhere on the way is refused
(ValueError, a 400), whatever the name says. Writes are atomic."""
from __future__ import annotations

import json
import os
import threading

from studio.core.confine import is_inside, real
from studio.core.paths import write_atomic

from ..checks.folders import linked, safe_relative

SETTINGS = "comfy.settings.json"
# what the page is served with until its user changes it: nothing leaves the machine. The page asks
# the vendor's release-notes service only while 'Show version updates' is on (and never with
# --disable-api-nodes in /system_stats' argv, which api/info.py lists too: Studio has no paid API nodes).
DEFAULT_SETTINGS = {"Comfy.Notification.ShowVersionUpdates": False,
                    "Comfy.TutorialCompleted": True}  # no first-run template tour over the page
MAX_SETTINGS = 4 * 2**20


class UserData:
    def __init__(self, root: str, max_file: int = 100 * 2**20):
        self.folder = os.path.join(real(root), "user", "default")
        os.makedirs(self.folder, exist_ok=True)
        self.folder = real(self.folder)
        for kind in ("workflows", "subgraphs"):  # the page lists both at boot: an empty list, not a 404
            os.makedirs(os.path.join(self.folder, kind), exist_ok=True)
        self.max_file = max_file
        self._lock = threading.Lock()

    # -- settings ------------------------------------------------------------------------------
    def settings(self) -> dict:
        """The stored settings over the defaults."""
        try:
            with open(os.path.join(self.folder, SETTINGS), encoding="utf-8") as f:
                kept = json.load(f)
        except (OSError, ValueError):
            kept = {}
        return {**DEFAULT_SETTINGS, **(kept if isinstance(kept, dict) else {})}

    def set_settings(self, values: dict) -> None:
        with self._lock:
            merged = {**self.settings(), **values}
            text = json.dumps(merged, indent=2, allow_nan=False)
            if len(text) > MAX_SETTINGS:
                raise ValueError(f"the settings would be {len(text) // 2**20} MB: at most {MAX_SETTINGS // 2**20} MB")
            write_atomic(os.path.join(self.folder, SETTINGS), text)

    # -- files ---------------------------------------------------------------------------------
    def path(self, name: str, allow_root: bool = False) -> str:
        """The path of the file or folder ``name`` inside the userdata folder (ValueError: not a
        plain relative name there, or a link on the way)."""
        name = (name or "").replace("\\", "/").rstrip("/") if allow_root else name
        if allow_root and not name:
            return self.folder
        if not safe_relative(name) or any(p in ("", ".") for p in name.split("/")):
            raise ValueError(f"'{name[:120]}' is not a plain name inside the userdata folder")
        path = os.path.join(self.folder, *name.split("/"))
        if not is_inside(real(path), self.folder) or _link_on_the_way(self.folder, path):
            raise ValueError(f"'{name[:120]}' leaves the userdata folder (a link is not followed)")
        return path

    def listing(self, folder: str, recurse: bool, full_info: bool, split: bool) -> list | None:
        """ComfyUI's /userdata?dir=: the files of ``folder`` (paths relative to it, '/'-separated),
        None when there is no such folder."""
        base = self.path(folder, allow_root=True)
        if not os.path.isdir(base) or os.path.islink(base):
            return None
        out = []
        for top, dirs, files in os.walk(base):
            dirs[:] = sorted(d for d in dirs if not os.path.islink(os.path.join(top, d))) if recurse else []
            for f in sorted(files):
                p = os.path.join(top, f)
                if os.path.islink(p) or not os.path.isfile(p):
                    continue
                rel = os.path.relpath(p, base).replace(os.sep, "/")
                if full_info:
                    out.append(self.info(p, base))
                elif split:
                    out.append([rel, *rel.split("/")])
                else:
                    out.append(rel)
        return out

    def info(self, path: str, base: str | None = None) -> dict:
        st = os.stat(path)
        return {"path": os.path.relpath(path, base or self.folder).replace(os.sep, "/"), "size": st.st_size,
                "modified": int(st.st_mtime * 1000), "created": int(st.st_ctime * 1000)}

    def write(self, name: str, data: bytes, overwrite: bool) -> str | None:
        """Write ``data`` to ``name`` (None: it exists and ``overwrite`` is off)."""
        if len(data) > self.max_file:
            raise ValueError(f"the file is {len(data) // 2**20} MB: at most {self.max_file // 2**20} MB")
        path = self.path(name)
        with self._lock:
            if os.path.lexists(path) and not overwrite:
                return None
            if os.path.isdir(path):
                raise ValueError(f"'{name[:120]}' is a folder")
            os.makedirs(os.path.dirname(path), exist_ok=True)
            self.path(name)  # a link made on the way meanwhile is still refused
            write_atomic(path, data)
        return path

    def move(self, src: str, dest: str, overwrite: bool) -> str | None:
        """Rename ``src`` to ``dest`` (None: ``dest`` exists and ``overwrite`` is off);
        FileNotFoundError without ``src``."""
        a, b = self.path(src), self.path(dest)
        with self._lock:
            if not os.path.isfile(a) or os.path.islink(a):
                raise FileNotFoundError(src)
            if os.path.lexists(b) and not overwrite:
                return None
            if os.path.isdir(b):
                raise ValueError(f"'{dest[:120]}' is a folder")
            os.makedirs(os.path.dirname(b), exist_ok=True)
            os.replace(a, b)
        return b

    def delete(self, name: str) -> bool:
        path = self.path(name)
        with self._lock:
            if not os.path.isfile(path) or os.path.islink(path):
                return False
            os.unlink(path)
        return True


def _link_on_the_way(base: str, path: str) -> bool:
    """Whether any part of ``path`` below ``base`` is a symbolic link, or the file a hard link (a file
    with another name, which may be outside the folder)."""
    rel = os.path.relpath(path, base)
    here = base
    for part in rel.split(os.sep):
        here = os.path.join(here, part)
        if linked(here):
            return True
    return False
