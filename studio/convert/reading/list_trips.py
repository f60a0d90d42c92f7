"""A clip's round trip through a list of pictures, read away (clipwork9, issue 112; heldout57 03: a Canny pass on a clip
between Impact Pack's 'Image Batch to Image List' and 'Image List to Image Batch' stopped the pass, "not applied").
A converter to a list gives each frame of the batch it is given as one item, in order; ComfyUI runs the nodes it feeds
once per item; a converter back to a batch joins what they give, in order. So a to-list converter whose items go
through one chain of picture steps (each taking them on one input and giving one output only the next reads) into a
to-batch converter gives those steps' pictures of every frame of the clip, in order: read as the steps on the clip,
both converters read away, said. Told by the catalogue's declarations: a converter has one IMAGE socket, no
settings and one IMAGE output, and its pack's display name says which way it converts ('Batch to ... List', 'List to
... Batch'; the types alone cannot tell a converter from an image filter taking no setting). Plain stdlib."""
from __future__ import annotations

import re
from typing import Any

from .. import catalogue
from ..values import switches

MAX_STEPS = 8
WAYS = {"list": re.compile(r"\bbatch\b.*\bto\b.*\blist\b", re.I), "batch": re.compile(r"\blist\b.*\bto\b.*\bbatch\b", re.I)}


def _converter(n: Any, to: str) -> str | None:
    """The picture input of ``n`` where it converts a batch of pictures to a list (``to`` 'list') or back; None."""
    t = catalogue.node_type(n.origin or n.cls)
    if not n.enabled or t is None or t.inputs is None or t.outputs is None or not WAYS[to].search(t.display or ""):
        return None
    socks = [i for i in t.inputs if not i.widget]
    if len(socks) != 1 or socks[0].type != "IMAGE" or len(t.inputs) != 1 or list(t.output_types) != ["IMAGE"]:
        return None
    return socks[0].name if socks[0].name in n.links else None


def to_list(n: Any) -> bool:
    """``n`` converts a batch of pictures to a list (its items each run through what it feeds), by its declaration."""
    return _converter(n, "list") is not None


def _readers(nodes: dict[str, Any]) -> dict[str, list[tuple[Any, str, int]]]:
    out: dict[str, list[tuple[Any, str, int]]] = {}
    for m in nodes.values():
        for k, (src, slot) in m.links.items():
            out.setdefault(src, []).append((m, k, slot))
    return out


def _trip(nodes: dict[str, Any], readers: dict, a: Any) -> tuple[list[Any], Any] | None:
    """(the steps, the to-batch converter) the items of to-list converter ``a`` go through; None where they do not
    go through one chain into one."""
    steps, at = [], a
    for _ in range(MAX_STEPS + 1):
        got = readers.get(at.id, [])
        if len(got) != 1 or got[0][2] != 0 or not got[0][0].enabled:
            return None
        m, k, _ = got[0]
        if _converter(m, "batch") == k:
            return steps, m
        t = catalogue.node_type(m.origin or m.cls)
        if t is None or t.outputs is None or t.output_node or list(t.output_types[:1]) != ["IMAGE"] \
                or (i := t.input(k)) is None or i.type != "IMAGE" \
                or any(src == at.id for name, (src, _) in m.links.items() if name != k):
            return None
        steps.append(m)
        at = m
    return None


def read_away(nodes: dict[str, Any]) -> list[str]:
    """Each such round trip's converters read away (what reads the to-batch converter reads the last step, or the
    clip itself); the sentences saying so."""
    said, picks = [], {}
    readers = _readers(nodes)
    for a in list(nodes.values()):
        if (name := _converter(a, "list")) is None or a.id in picks or (found := _trip(nodes, readers, a)) is None:
            continue
        steps, b = found
        picks[a.id], picks[b.id] = name, _converter(b, "batch")
        ran = (f"ComfyUI runs {', '.join(s.named() for s in steps)} once per frame between them, as on every frame of "
               "the clip: read as " + ("that step" if len(steps) == 1 else "those steps") + " on the clip"
               if steps else "the same frames: read as the clip itself")
        said.append(f"{a.named()} gives the clip as a list of its frames and {b.named()} joins them back into one "
                    f"clip in the same order; {ran} (the two are not made)")
    if picks:
        switches.passed_on(nodes, picks)
    return said
