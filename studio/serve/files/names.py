"""The names of the files jobs write into the output folder (a preview's into temp/), as ComfyUI names them:
a node's prefix 'video/ComfyUI' -> output/video/ComfyUI_00001_.mp4, a Save Image's frames one number each. One counter per name (the prefix's last part),
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

    def name(self, prefix: str, ext: str, kind: str = "output") -> str:
        """A new file's path in the folder ``kind`` (output; temp for a preview) for ``prefix`` ('video/ComfyUI';
        a node's own file name 'clips/out' the same) and ``ext`` ('.mp4'; '' for a folder of frames).
        ValueError when the prefix would leave the folder."""
        sub, _, stem = prefix.replace("\\", "/").rpartition("/")
        folder = self.folders.folder(kind, sub)
        if folder is None or not stem or not safe_relative(prefix) or len(prefix) > MAX_PREFIX:
            raise ValueError(f"filename_prefix '{prefix[:80]}' would save outside the {kind} folder")
        with self._lock:
            if (folder, stem) not in self._read:
                self._count(folder, stem)
            n = self._next.get(stem, 1)
            while os.path.lexists(path := os.path.join(folder, f"{stem}_{n:05d}_{ext}")):
                n += 1
            self._next[stem] = n + 1
        return path

    def more(self, path: str, count: int) -> None:
        """``count`` more numbers after ``path``'s given to it (a Save Image of several frames:
        ComfyUI_00001_.png, ComfyUI_00002_.png...), when the next ones are still free (else its node passes
        over the numbers taken when it writes)."""
        m = _NUMBERED.match(os.path.basename(path))
        if not m or count <= 0:
            return
        with self._lock:
            if self._next.get(m["stem"], 1) == int(m["n"]) + 1:
                self._next[m["stem"]] = int(m["n"]) + 1 + count

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

