"""How far a model's load has come, in files: "loading Wan 2.1 (2 of 5 files)" under the node and in the Queue
dock while its weights are read (issue 116: a job sat at "running 0 %" for 1.5 minutes while its model loaded,
unexplained). The library reads the files itself (from_pretrained, safetensors' memory maps), so they are counted
from outside: each weight file this process has had open or mapped (Linux's /proc/self/fd and /proc/self/maps)
since the load began counts as read. Where the system does not say (not Linux), the note names the files to read
and no count. Plain Python."""
from __future__ import annotations

import os

WEIGHTS = (".safetensors", ".bin", ".gguf", ".pt", ".pth", ".ckpt")


def weight_files(path: str, parts: dict | None = None) -> list[str]:
    """The weight files a load of ``path`` (a file or a diffusers folder) and its ``parts`` reads, real paths."""
    from .checks import model_files
    folder = os.path.dirname(path) if path.endswith("model_index.json") else path
    out = [f for f in model_files(folder) if f.endswith(WEIGHTS)]
    for v in (parts or {}).values():
        if isinstance(v, str) and os.path.isfile(v):
            out.append(v)
    return sorted({os.path.realpath(f) for f in out})


def open_now() -> set[str] | None:
    """The files this process has open or mapped now; None where the system does not say."""
    if not os.path.isdir("/proc/self/fd"):
        return None
    out: set[str] = set()
    try:
        for fd in os.listdir("/proc/self/fd"):
            try:
                out.add(os.readlink(f"/proc/self/fd/{fd}"))
            except OSError:
                pass
        with open("/proc/self/maps", encoding="utf-8", errors="replace") as f:
            for line in f:
                i = line.find("/")
                if i >= 0:
                    out.add(line[i:].rstrip("\n"))
    except OSError:
        return None
    return out


class LoadProgress:
    """Counts the files of a load read so far: ``look()`` returns the note when it changed, else None."""

    def __init__(self, name: str, files: list[str]):
        self.name, self.files = name, set(files)
        self.seen: set[str] = set()
        self.said = ""

    def words(self) -> str:
        n = len(self.files)
        if open_now() is None:
            return f"loading {self.name} ({n} file{'s' if n != 1 else ''} to read)"
        return f"loading {self.name} ({min(len(self.seen), n)} of {n} file{'s' if n != 1 else ''})"

    def look(self) -> str | None:
        now = open_now()
        if now is not None:
            self.seen |= self.files & now
        text = self.words()
        if text == self.said:
            return None
        self.said = text
        return text
