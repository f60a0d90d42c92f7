"""Later samplers a family reads into ONE take (Wan Animate's extension, a continuation its generator makes itself):
what the take's note said of them before the family's hook ran - "another take: ... add a generator for it", or
"samples on from the take of ... not made either" - withdrawn, as the generator now makes them; and "shift N on
the model of ... which samples another take: not applied to this take" (mapping.models) withdrawn where the take is
made with that shift, else said of the segment (heldout121 04: a Wan Animate template's second segment, sampled on
the same shifted model, was said to be another take whose shift 8 is not applied, the take made with shift 8).
Plain data and stdlib (the builder's notes)."""
from __future__ import annotations

from typing import Any, Iterable

_SAID = ("another take: ",)  # how passes.segment_line opens its line
_SECOND = "(its second pass): not made either"  # settings' line of a withdrawn segment's second expert
_SHIFT = ("shift ", ", which samples another take: not applied to this take")  # mapping.models' line of its shift


def _of(line: str, ids: set[str]) -> bool:
    """True where ``line`` is a segment's words about one of the sampler ``ids`` (named as '(..., #id)')."""
    said = line.startswith(_SAID) or line.endswith(_SECOND)
    return said and any(f"#{i})" in line.split(" samples ", 1)[0] for i in ids)


def withdraw(b: Any, band: int, samplers: Iterable[str]) -> int:
    """The lines of pipeline ``band``'s notes that call ``samplers`` a take Studio does not make, removed (a shift
    line of theirs restated where the take's shift differs: _shift); how many."""
    ids, gone, shift = set(samplers), 0, _take_shift(b, band)
    for i, note in enumerate(b.notes):
        if b.note_bands[i] != band:
            continue
        head, *lines = note["text"].split("\n- ")
        kept = [y for x in lines if (y := _shift(x, ids, shift) if _is_shift(x) else (None if _of(x, ids) else x))]
        if len(kept) != len(lines) or kept != lines:
            gone += len(lines) - len(kept)
            note["text"] = "\n- ".join([head, *kept])
    return gone


def _is_shift(line: str) -> bool:
    return line.startswith(_SHIFT[0]) and line.endswith(_SHIFT[1])


def _take_shift(b: Any, band: int) -> Any:
    """The 'shift' of the generator pipeline ``band`` makes (None where none is known; NONE where it has no such
    setting: SCAIL-2's, sampling with its scheduler's own)."""
    for made in getattr(b, "made", {}).values():
        if len(made) > 2 and made[2] == band and made[0] in b.g.nodes:
            return b.g.nodes[made[0]].params.get("shift", NONE)
    return None


NONE = "none"  # a generator with no 'shift' setting


def _shift(line: str, ids: set[str], shift: Any) -> str | None:
    """A segment's shift line (mapping.models): the line itself where it names none of ``ids``; None (withdrawn)
    where every value it names is the take's ``shift``; else said of the segment, against the take's."""
    head = line[len(_SHIFT[0]):].split(" on the model of ", 1)
    if not any(f"#{i})" in line.split(", which samples ", 1)[0] for i in ids) or len(head) != 2:
        return line
    try:
        values = [float(v) for v in head[0].split(", ")]
    except ValueError:
        values = []
    if values and isinstance(shift, (int, float)) and all(abs(v - float(shift)) < 1e-9 for v in values):
        return None
    took = (f"with the generator's shift ({float(shift):g}) throughout" if isinstance(shift, (int, float)) else
            "by the generator with its scheduler's own shift (it has no shift setting)" if shift == NONE else
            "with the generator's shift throughout")
    return (f"{_SHIFT[0]}{head[0]} on the model of {head[1].split(', which samples ', 1)[0]}, which samples a later "
            f"segment of this take: not applied, the take is sampled {took}")
