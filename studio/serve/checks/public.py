"""What an answer of the server may say of this machine's files: a path inside the server's folders
as ComfyUI names it ('input/clip.mp4'), one inside a models folder relative to it
('models/wan/model.safetensors'), and any other absolute path by its last name only ('…/passwd'). A
client learns no folder of the machine from an error ("model not found: looked in ..."), a job's
history or a refusal. Plain stdlib."""
from __future__ import annotations

import os
import re
from typing import Any, Iterable

# an absolute path left after the known folders are named: POSIX (two names at least, so a route such as
# '/prompt' stays) or Windows; its last name kept
_POSIX = re.compile(r"(?<![\w:/.~-])/(?:[^\s/'\"`,;()\[\]{}<>]+/)+([^\s/'\"`,;()\[\]{}<>]*)")
_WINDOWS = re.compile(r"(?<![\w])[A-Za-z]:[\\/](?:[^\s\\/'\"`,;()\[\]{}<>]+[\\/])*([^\s\\/'\"`,;()\[\]{}<>]*)")
MAX_DEPTH = 16  # of an answer's nesting walked


class Public:
    """Names the places of ``places`` ((absolute folder, its public name) pairs) in a text."""

    def __init__(self, places: Iterable[tuple[str, str]]):
        pairs: dict[str, str] = {}
        for path, name in places:
            for p in {os.path.abspath(path), os.path.realpath(path)}:
                if p and p != os.sep:
                    pairs.setdefault(p.rstrip("\\/"), name)
        self.places = sorted(pairs.items(), key=lambda kv: -len(kv[0]))  # the deepest first
        self._rx = re.compile("|".join(f"({re.escape(p)})(?:[\\\\/]([^\\s'\"`,;()\\[\\]{{}}<>]*))?(?![\\w-])"
                                       for p, _ in self.places)) if self.places else None

    def text(self, text: str) -> str:
        if not isinstance(text, str) or ("/" not in text and "\\" not in text):
            return text
        if self._rx is not None:
            text = self._rx.sub(self._named, text)
        text = _POSIX.sub(lambda m: "…/" + m.group(1), text)
        return _WINDOWS.sub(lambda m: "…\\" + m.group(1), text)

    def _named(self, m: re.Match) -> str:
        k = next(i for i in range(0, len(self.places)) if m.group(2 * i + 1) is not None)
        rest = m.group(2 * k + 2)
        name = self.places[k][1]
        return f"{name}/{rest.replace(os.sep, '/')}" if rest else name

    def answer(self, value: Any, depth: int = 0) -> Any:
        """``value`` (an answer's JSON: dicts, lists, texts) with every text made public."""
        if isinstance(value, str):
            return self.text(value)
        if depth >= MAX_DEPTH:
            return value
        if isinstance(value, dict):
            return {k: self.answer(v, depth + 1) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.answer(v, depth + 1) for v in value]
        return value
