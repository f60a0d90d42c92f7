"""The names of the files jobs write into the output folder, as ComfyUI names them: a node's prefix
'video/ComfyUI' -> output/video/ComfyUI_00001_.mp4. One counter per name (the prefix's last part),
taken under one lock, so no two outputs are ever given one name, whichever folder they go to (the page
lists an output by its file's name): it starts past the highest number on disk in each folder the name
is used in (read once per folder), past the names of the jobs kept from before a restart, and skips a
file that appeared since. O(1) a name once its folder is read."""
from __future__ import annotations

import os
import re
import threading

from ..checks.folders import Folders, safe_relative

MAX_PREFIX = 200
DEFAULT = "ComfyUI"
_NUMBERED = re.compile(r"^(?P<stem>.+)_(?P<n>\d{5,})_")


class OutputNames:
    def __init__(self, folders: Folders):
        self.folders = folders
        self._next: dict[str, int] = {}  # a name's stem -> its next number
        self._read: set[tuple[str, str]] = set()  # (folder, stem) whose files on disk were counted
        self._lock = threading.Lock()

    def reserve(self, job) -> None:
        """The output names of a job kept from before a restart, not given again."""
        for n in job.graph.get("nodes", []):
            for v in (n.get("params") or {}).values() if isinstance(n, dict) else ():
                if isinstance(v, str) and v.startswith(self.folders.output + os.sep):
                    m = _NUMBERED.match(os.path.basename(v))
                    if m:
                        with self._lock:
                            self._bump(m["stem"], int(m["n"]))

    def for_node(self, inputs: dict, written: str, ext: str, folder: bool = False) -> str:
        """A new path for a node's output: named by its prefix (prefix_of), with ``ext`` (the kind of file
        Studio writes there; else the node's own file name's; else '.mp4'), or a folder of frames."""
        prefix, own_ext = prefix_of(inputs, written)
        return self.name(prefix, "" if folder else ext or own_ext or ".mp4")

    def name(self, prefix: str, ext: str) -> str:
        """A new file's path in the output folder for ``prefix`` ('video/ComfyUI'; a node's own file
        name 'clips/out' the same) and ``ext`` ('.mp4'; '' for a folder of frames). ValueError when the
        prefix would leave the output folder."""
        sub, _, stem = prefix.replace("\\", "/").rpartition("/")
        folder = self.folders.folder("output", sub)
        if folder is None or not stem or not safe_relative(prefix) or len(prefix) > MAX_PREFIX:
            raise ValueError(f"filename_prefix '{prefix[:80]}' would save outside the output folder")
        with self._lock:
            if (folder, stem) not in self._read:
                self._count(folder, stem)
            n = self._next.get(stem, 1)
            while os.path.lexists(path := os.path.join(folder, f"{stem}_{n:05d}_{ext}")):
                n += 1
            self._next[stem] = n + 1
        return path

    def _count(self, folder: str, stem: str) -> None:
        rx = re.compile(re.escape(stem) + r"_(\d+)_")
        try:
            names = os.listdir(folder)
        except OSError:
            names = []
        for f in names:
            m = rx.match(f)
            if m:
                self._bump(stem, int(m.group(1)))
        self._read.add((folder, stem))

    def _bump(self, stem: str, n: int) -> None:
        self._next[stem] = max(self._next.get(stem, 1), n + 1)


def prefix_of(inputs: dict, written: str) -> tuple[str, str]:
    """(prefix, extension) of a node's output: its ComfyUI filename_prefix, else the file name it was
    given (a Studio node's 'path': 'clips/out.mp4' -> 'clips/out', '.mp4'), else ComfyUI's default;
    ``written``: the value the node has ('' when none)."""
    given = inputs.get("filename_prefix")
    if isinstance(given, str) and given.strip():
        return given, ""
    if written and not os.path.isabs(written) and safe_relative(written):
        stem, ext = os.path.splitext(written.replace("\\", "/"))
        if stem.rpartition("/")[2]:
            return stem, ext
    return DEFAULT, ""
