"""Frame-number patterns in file names: ``plate.####.exr``, ``plate.%04d.exr``, ``plate.{frame}.exr``,
``plate.{frame:04d}.exr`` (and, for Save Image Sequence's older graphs, ``frame_{:05d}.png``).

A pattern is parsed, never evaluated: the frame number is put in by a regex substitution, so
``{0.__class__}`` is not a token (it is refused), nothing reaches Python's format machinery, and a
width is at most MAX_PATTERN_WIDTH digits (``{:999999999d}`` would build a 1 GB name). A pattern is
a file name: it holds no folder separator and no ``..``. Plain stdlib: no numpy, no Qt."""
from __future__ import annotations

import re

MAX_PATTERN_WIDTH = 12  # digits of a frame number (frame numbers stop at 10 million)

# one token: ####  |  %d, %04d  |  {frame}, {frame:04d}, {frame:04}  |  legacy {}, {:05d}, {:d}
TOKEN = re.compile(r"(#+)|%(?:0?(\d+))?d|\{frame(?::0?(\d+)d?)?\}|\{(?::0?(\d*)d)?\}")
_BRACE_OR_PERCENT = re.compile(r"[{}%]")


def token_width(m: re.Match) -> int:
    """Digits of padding a token asks for (0: no padding)."""
    if m.group(1):
        return len(m.group(1))
    w = m.group(2) or m.group(3) or m.group(4) or ""
    return int(w) if w else 0


def pattern_problem(name: str) -> str | None:
    """Why ``name`` (a file name, not a path) is not a frame pattern Studio writes, or None.
    Exactly one token; no folder separator; no ``..``; no other braces or ``%``."""
    if "/" in name or "\\" in name:
        return "a frame pattern is a file name: it cannot hold '/' or '\\' (put the folder in the path)"
    if name in (".", "..") or ".." in name.split("."):
        return "a frame pattern cannot hold '..'"
    tokens = list(TOKEN.finditer(name))
    if not tokens:
        return "no frame number in it: use ####, %04d, {frame} or {frame:04}"
    if len(tokens) > 1:
        return f"{len(tokens)} frame-number tokens in it: use one (####, %04d, {{frame}} or {{frame:04}})"
    m = tokens[0]
    if token_width(m) > MAX_PATTERN_WIDTH:
        return f"a frame number of {token_width(m)} digits: at most {MAX_PATTERN_WIDTH} (MAX_PATTERN_WIDTH)"
    rest = name[:m.start()] + name[m.end():]
    if _BRACE_OR_PERCENT.search(rest):
        return ("only ####, %0Nd, {frame} and {frame:0N} are frame-number tokens; other '{', '}' or '%' "
                "are not allowed (a pattern is never evaluated)")
    return None


def has_token(name: str) -> bool:
    return TOKEN.search(name) is not None


def substitute(pattern: str, number: int) -> str:
    """``pattern`` with its (first) token replaced by ``number``, padded as it asks."""
    def sub(m: re.Match) -> str:
        w = min(token_width(m), MAX_PATTERN_WIDTH)
        return f"{number:0{w}d}" if w else str(number)
    return TOKEN.sub(sub, pattern, count=1)


def regex_for(name: str) -> re.Pattern | None:
    """A regex with one group (the frame number) matching the files of the pattern ``name``."""
    m = TOKEN.search(name)
    if m is None:
        return None
    w = min(token_width(m), MAX_PATTERN_WIDTH)
    digits = rf"(\d{{{w},}})" if w else r"(\d+)"
    return re.compile(re.escape(name[:m.start()]) + digits + re.escape(name[m.end():]) + "$")
