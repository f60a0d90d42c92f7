"""A whole number written as text, told by its declared types (issue 112, values5: Comfyroll's 'CR Integer To String'
wiring a seed's 14 into a StringReplace, KJNodes' 'SomethingToString' writing 'Steps: ' and a step count, each said
'a value Studio cannot work out'): one socket, of an INT or of any type, besides at most the STRING settings
'prefix' and 'suffix'; its first output a STRING; its name or category saying it makes a text ('To String', 'ToText').
Its text is the prefix, the number in decimal digits, the suffix (the packs' str(); read for that fact, none copied).

Only a whole number given by an output its node declares INT is written so: a FLOAT's text (its digits after the
point) and another type's depend on the pack and on what runs, so they are left to when the workflow runs (None).
Plain data and stdlib."""
from __future__ import annotations

import re
from typing import Any, Callable

from .. import catalogue

AROUND = ("prefix", "suffix")
ANY = ("*", "INT")  # the socket's declared type
SAYS_TEXT = re.compile(r"To(String|Text|Str)\b|(?i:(?:^|[^a-z])to[ _]?(string|text|str)\b)")


def text_input(n) -> str | None:
    """The socket such a node writes as text, else None."""
    t = catalogue.node_type(n.origin or n.cls)
    if t is None or t.inputs is None or not t.outputs or t.outputs[0].type != "STRING":
        return None
    if not SAYS_TEXT.search(f"{t.name} {t.display} {t.category}"):
        return None
    sockets, widgets = t.sockets, t.widgets
    if len(sockets) != 1 or sockets[0].type not in ANY:
        return None
    if not all(w.name in AROUND and w.type == "STRING" for w in widgets):
        return None
    return sockets[0].name


def written(n, slot: int, value: Callable[[str], Any], source_type: str | None) -> str | None:
    """The text output ``slot`` of ``n`` gives, where ``source_type`` (the declared type of the output wired into its
    socket; not wired: its own declared type) is INT and the number is known; else None."""
    into = text_input(n) if slot == 0 else None
    if into is not None and into not in n.links:  # its own setting: of the type it declares
        source_type = catalogue.node_type(n.origin or n.cls).input(into).type
    if into is None or source_type != "INT":
        return None
    v = value(into)
    if not isinstance(v, int) or isinstance(v, bool):
        return None
    around = [value(k) for k in AROUND]
    if any(a is not None and not isinstance(a, str) for a in around) or any(
            a is None and k in n.links for a, k in zip(around, AROUND)):
        return None  # (a prefix wired from a value not known, or not a text)
    return f"{around[0] or ''}{v}{around[1] or ''}"
