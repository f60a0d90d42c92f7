"""ComfyUI's prompt weights read from a prompt's text: ``(words:1.3)`` weighs the words 1.3, ``(words)`` 1.1 times
the weight around it (parentheses inside parentheses multiply), a number after the last ':' of a group replaces
the weight (``((a:1.5))`` is 1.5), ``\\(`` and ``\\)`` are the characters themselves. Read as ComfyUI reads them
(comfy/sd1_clip.py's parsing, its facts only; written here): a ')' with no '(' open is kept as a character and
lowers the count (the next '(' is then a character too), a '(' never closed is kept as a character, a group whose
text after its last ':' is no number is a 1.1 group with its ':' kept. ``embedding:NAME`` words pass untouched
(nodes' loading/embeddings.py reads them).

``read(text)`` gives the text the tokenizer gets, the syntax removed (two chunks that would join two words keep a
space between them: ComfyUI tokenizes each chunk's words on their own), and each chunk's characters with its
weight; ``plain(text)`` is True when nothing is to be done (the text is encoded as before, to the bit). Plain
Python, read by the generators (nodes/video_models/sampling/prompt_weighting.py applies the weights) and by the
converter (studio/convert/mapping/prompt_weights.py says where a family does not)."""
from __future__ import annotations

from typing import NamedTuple

_CLOSE, _OPEN = "\ue000", "\ue001"  # an escaped ')' and '(' while the groups are read (private-use characters)
STEP = 1.1  # the weight a group without a number multiplies by
DEEPEST = 64  # groups inside groups read so deep; deeper parentheses are kept as characters (a hostile prompt's
# thousands would otherwise exhaust the recursion: 1.1 ** 64 is already 445)


class Span(NamedTuple):
    start: int  # in the clean text
    end: int
    weight: float


class Read(NamedTuple):
    text: str  # what the tokenizer gets: the syntax removed
    spans: tuple[Span, ...]  # each chunk's characters in ``text`` with its weight

    @property
    def weighted(self) -> bool:
        return any(s.weight != 1.0 for s in self.spans)


def _groups(text: str) -> list[str]:
    """The text cut at its outermost parentheses: each piece a '(...)' group or the text between (a stray ')'
    drops the count below zero, and the rest stays one piece, as in ComfyUI)."""
    pieces: list[str] = []
    depth, start = 0, 0
    for i, ch in enumerate(text):
        if ch == "(":
            if depth == 0 and i > start:
                pieces.append(text[start:i])
            if depth == 0:
                start = i
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                pieces.append(text[start:i + 1])
                start = i + 1
    if start < len(text):
        pieces.append(text[start:])
    return pieces


def _number(s: str) -> float | None:
    try:
        return float(s)
    except ValueError:
        return None


def chunks(text: str, weight: float = 1.0, depth: int = 0) -> list[tuple[str, float]]:
    """[(characters, weight)] in order, the escapes still in (``_CLOSE`` / ``_OPEN``)."""
    out: list[tuple[str, float]] = []
    for piece in _groups(text):
        if len(piece) < 2 or piece[0] != "(" or piece[-1] != ")" or depth >= DEEPEST:
            out.append((piece, weight))
            continue
        inner, w = piece[1:-1], weight * STEP
        colon = inner.rfind(":")
        number = _number(inner[colon + 1:]) if colon > 0 else None
        if number is not None:
            inner, w = inner[:colon], number
        out += chunks(inner, w, depth + 1)
    return out


def _joins_words(left: str, right: str) -> bool:
    return bool(left) and bool(right) and (left[-1].isalnum() or left[-1] == "_") and \
        (right[0].isalnum() or right[0] == "_")


def read(text: str) -> Read:
    """The clean text and its weighted chunks (see the module's note)."""
    escaped = text.replace("\\)", _CLOSE).replace("\\(", _OPEN)
    clean, spans = "", []
    for part, weight in chunks(escaped):
        part = part.replace(_CLOSE, ")").replace(_OPEN, "(")
        if not part:
            continue
        if _joins_words(clean, part):
            clean += " "
        spans.append(Span(len(clean), len(clean) + len(part), weight))
        clean += part
    return Read(clean, tuple(spans))


def plain(text) -> bool:
    """Nothing to do: no parenthesis nor escape in ``text`` (or not a text), or none that reads as syntax."""
    if not isinstance(text, str) or ("(" not in text and ")" not in text):
        return True
    r = read(text)
    return r.text == text and not r.weighted


def shown(text: str, most: int = 3) -> str:
    """The weighted chunks in words: "'cat' x1.5, 'red' x1.1" (the first ``most``)."""
    r = read(text)
    got = [f"'{r.text[s.start:s.end].strip()}' x{s.weight:g}" for s in r.spans if s.weight != 1.0]
    return ", ".join(got[:most]) + (f" and {len(got) - most} more" if len(got) > most else "")
