"""A workflow's find-and-replace rules on a written text: one 'find -> replace' per line, applied in order (what
Caption and Generate Text do with the words a ComfyUI StringReplace puts on their text). Plain stdlib."""
from __future__ import annotations


def replaced(text: str, rules: str) -> str:
    """``text`` with each 'find -> replace' line of ``rules`` applied in order (a line without ' -> ' or with nothing
    to find is skipped)."""
    for line in rules.splitlines():
        find, sep, by = line.partition(" -> ")
        if sep and find:
            text = text.replace(find, by)
    return text
