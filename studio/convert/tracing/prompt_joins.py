"""A node on a prompt's way that joins a second conditioning to the one walked through (ComfyUI's
ConditioningConcat, ConditioningCombine, ConditioningAverage, or any node told by its declared types: one
CONDITIONING output, two or more CONDITIONING inputs wired): Studio's generator takes one prompt, so what the
other input gives is not applied, said naming the node giving it (held9: an empty text concatenated onto
generate_video's negative prompt was listed as not converted and said nowhere). A text encoder giving it, given
its text as a value, is said with its text and read with the sentence (nothing of it left unsaid). Plain stdlib."""
from __future__ import annotations

from ..reading.by_types import declared_outputs
from ..reading.workflow import CNode, Workflow
from .roles import in_type


def _name(x: CNode) -> str:
    return f"'{x.title or x.shown_cls}' ({x.shown_cls}, #{x.id})"


def joined_said(wf: Workflow, way: list[CNode], walked: tuple[str, ...], which: str, end: CNode,
                encoders: tuple[str, ...] = (), used: set | None = None) -> list[str]:
    """A sentence for each node of ``way`` (the prompt's way to ``end``, its encoder) giving one conditioning and
    taking more than the one it was walked through (the first of ``walked`` it has wired); a text encoder (of
    ``encoders``, taking its 'text' as a value and nothing else but its 'clip') giving a joined one is put in
    ``used``, its text said."""
    lines = []
    for x in way:
        if declared_outputs(x).count("CONDITIONING") != 1:
            continue
        through = next((k for k in walked if k in x.links), None)
        others = [k for k in x.links if k != through and in_type(x, k) == "CONDITIONING"]
        if through is None or through == which or not others:  # (walked through its own 'positive' or 'negative':
            continue  # a node taking both, giving one, is no join of two of a kind: not said so)
        given = [(k, wf.nodes.get(x.links[k][0])) for k in others]
        parts = []
        for k, src in given:
            text = src.widgets.get("text") if src is not None else None
            plain = (src is not None and src.cls in encoders and isinstance(text, str) and set(src.links) <= {"clip"})
            if plain and used is not None:
                used.add(src.id)
            parts.append(f"on '{k}' from {_name(src) if src is not None else 'another node'}"
                         + (f", its text {text!r}" if plain else ""))
        what = "; ".join(parts)
        lines.append(f"{_name(x)} joins a second conditioning ({what}) to the {which} prompt's: not applied, "
                     f"Studio's generator takes one {which} prompt, that of {_name(end)}")
    return lines
