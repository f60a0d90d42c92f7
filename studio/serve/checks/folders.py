"""The server's folders, as ComfyUI has them: input (uploads, and what workflows load), output
(what jobs write) and temp; every name a request gives is checked to stay inside its folder."""
from __future__ import annotations

import os
import re
import stat

from studio.core.confine import is_inside, real

TYPES = ("input", "output", "temp")
UPLOAD_EXTS = {".png", ".jpg", ".jpeg", ".webp", ".bmp", ".tif", ".tiff", ".gif", ".exr",  # images
               ".mp4", ".mov", ".mkv", ".webm", ".avi", ".m4v",  # video
               ".wav", ".mp3", ".flac", ".ogg", ".m4a", ".aac", ".opus"}  # audio
_BAD_NAME = re.compile(r"[\x00-\x1f\\:*?\"<>|]")


class Folders:
    def __init__(self, root: str):
        self.root = real(root)
        self.dirs = {t: os.path.join(self.root, t) for t in TYPES}
        for d in self.dirs.values():
            os.makedirs(d, exist_ok=True)

    @property
    def public(self):
        """How an answer names this machine's files (public.Public): the folders as ComfyUI names
        them, the models folders as 'models', any other absolute path by its last name."""
        if getattr(self, "_public", None) is None:
            from studio.core.models import model_dirs

            from .public import Public
            places = [(d, t) for t, d in self.dirs.items()] + [(self.root, "the server's folder")]
            try:
                places += [(d, "models") for d in model_dirs()]
            except Exception:  # noqa: BLE001 - unreadable settings: the generic rule still hides the folders
                pass
            self._public = Public(places)
        return self._public

    @property
    def input(self) -> str:
        return self.dirs["input"]

    @property
    def output(self) -> str:
        return self.dirs["output"]

    def folder(self, kind: str | None, subfolder: str = "") -> str | None:
        """The real path of ``subfolder`` of the folder ``kind`` (None when it leaves it, or a symbolic
        link on the way leads there)."""
        base = self.dirs.get(kind or "output")
        if base is None or not safe_relative(subfolder, allow_empty=True) or not fits(subfolder):
            return None
        joined = os.path.normpath(os.path.join(base, subfolder))
        path = real(joined)
        return path if is_inside(path, base) and (path == joined or not os.path.exists(joined)) else None

    def file(self, kind: str | None, subfolder: str, filename: str) -> str | None:
        """The real path of a file a request names (None when it is no plain name inside the folder, or
        a link of any kind leads there: a symbolic link on the way, a file with another name elsewhere)."""
        if not filename or "/" in filename or filename in (".", "..") or _BAD_NAME.search(filename) \
                or not fits(filename):
            return None
        folder = self.folder(kind, subfolder)
        if folder is None or linked(os.path.join(folder, filename)):
            return None
        path = real(os.path.join(folder, filename))
        return path if is_inside(path, folder) else None

    def input_files(self, exts: tuple[str, ...]) -> list[str]:
        """The input folder's files whose names end in one of ``exts`` (what a loader lists)."""
        try:
            names = os.listdir(self.input)
        except OSError:
            return []
        return sorted(n for n in names if n.lower().endswith(exts) and os.path.isfile(os.path.join(self.input, n)))

    def where(self, path: str) -> tuple[str, str, str] | None:
        """(filename, subfolder, type) of a file inside one of the folders, as ComfyUI names it."""
        r = real(path)
        for kind, base in self.dirs.items():
            if is_inside(r, base) and r != base:
                sub = os.path.relpath(os.path.dirname(r), base)
                return os.path.basename(r), "" if sub == "." else sub.replace(os.sep, "/"), kind
        return None


NAME_MAX = 255  # bytes of one name in a path, as the file systems Studio runs on take it


def fits(relative: str) -> bool:
    """Whether every name of ``relative`` fits a folder's entry (at most NAME_MAX bytes as written)."""
    try:
        return all(len(os.fsencode(part)) <= NAME_MAX for part in relative.replace("\\", "/").split("/"))
    except (UnicodeError, ValueError):
        return False


def linked(path: str) -> bool:
    """Whether ``path`` is a link of any kind: a symbolic link, or a regular file with another name (a
    hard link: the same file may be outside the folder, e.g. a secret linked into input/)."""
    try:
        st = os.lstat(path)
    except (OSError, ValueError):
        return False  # not there (yet): an upload's new name
    return stat.S_ISLNK(st.st_mode) or (stat.S_ISREG(st.st_mode) and st.st_nlink > 1)


def safe_relative(text: str, allow_empty: bool = False) -> bool:
    """A relative path of plain names: no '..', no root, no drive, no home, no control characters."""
    if not isinstance(text, str):
        return False
    if not text:
        return allow_empty
    if text.startswith(("/", "~", "\\")) or _BAD_NAME.search(text) or os.path.isabs(text):
        return False
    return all(part not in ("..",) for part in text.replace("\\", "/").split("/"))
