"""Later samplers a family reads into ONE take (Wan Animate's extension, a continuation its generator makes itself):
what the take's note said of them before the family's hook ran - "another take: ... add a generator for it", or
"samples on from the take of ... not made either" - withdrawn, as the generator now makes them. Plain data and
stdlib (the builder's notes)."""
from __future__ import annotations

from typing import Any, Iterable

_SAID = ("another take: ",)  # how passes.segment_line opens its line
_SECOND = "(its second pass): not made either"  # settings' line of a withdrawn segment's second expert


def _of(line: str, ids: set[str]) -> bool:
    """True where ``line`` is a segment's words about one of the sampler ``ids`` (named as '(..., #id)')."""
    said = line.startswith(_SAID) or line.endswith(_SECOND)
    return said and any(f"#{i})" in line.split(" samples ", 1)[0] for i in ids)


def withdraw(b: Any, band: int, samplers: Iterable[str]) -> int:
    """The lines of pipeline ``band``'s notes that call ``samplers`` a take Studio does not make, removed; how many."""
    ids, gone = set(samplers), 0
    for i, note in enumerate(b.notes):
        if b.note_bands[i] != band:
            continue
        head, *lines = note["text"].split("\n- ")
        kept = [x for x in lines if not _of(x, ids)]
        if len(kept) != len(lines):
            gone += len(lines) - len(kept)
            note["text"] = "\n- ".join([head, *kept])
    return gone
