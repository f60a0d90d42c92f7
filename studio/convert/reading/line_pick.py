"""A node giving lines of a many-line text, from a line index on (Easy-Use's promptLine, its like in other packs: one
prompt a line, each segment of a loop reading the line of its pass), told by its declared types: a multiline STRING
widget, a whole-number widget counting from 0 (the first line given) and one counting from 1 (how many lines), and
the lines given as STRING on its first output (a list: ComfyUI runs what reads it once per line), and as a COMBO
on an output after it where it has one. Worked out where it
gives one line (a count of 1, or one line left from the index on): that line, as ComfyUI splits the text at each
newline, the index held to the last line, empty lines taken out first where its BOOLEAN setting says so. Where it
gives more than one line it is not one prompt: None (the reader says it is written when the workflow runs). Plain
data and stdlib, over the catalogue."""
from __future__ import annotations

from typing import Any, Callable

from .. import catalogue


def picker(node, slot: int = 0) -> tuple[str, str, str, str | None] | None:
    """(the text's setting, the first line's, the count's, the empty lines' switch or None) of a line picker whose
    output ``slot`` gives the lines (its first, or a COMBO output after it: the same lines as a choice, Easy-Use's),
    else None."""
    t = catalogue.node_type(node.origin or node.cls)
    if t is None or t.inputs is None or not t.output_types or t.output_types[0] != "STRING" or t.sockets or \
            slot >= len(t.output_types) or slot and t.output_types[slot] != "COMBO":
        return None
    texts = [i for i in t.widgets if i.type == "STRING" and i.multiline]
    ints = [i for i in t.widgets if i.type == "INT"]
    first = [i for i in ints if i.min == 0]
    count = [i for i in ints if i.min == 1]
    flags = [i for i in t.widgets if i.type == "BOOLEAN"]
    if len(texts) != 1 or len(ints) != 2 or len(first) != 1 or len(count) != 1 or len(flags) > 1 or \
            len(t.widgets) != len(texts) + len(ints) + len(flags):
        return None
    return texts[0].name, first[0].name, count[0].name, flags[0].name if flags else None


def line_slots(node) -> list[int]:
    """The outputs of a line picker that give its lines (its first; a COMBO after it: the same lines)."""
    t = catalogue.node_type(node.origin or node.cls)
    return [k for k in range(len(t.output_types)) if picker(node, k) is not None] if t is not None else []


KINDS = {"STRING": (str,), "INT": (int,), "BOOLEAN": (bool,)}


def by_place(node) -> dict[str, Any]:
    """A UI file's values of its declared widgets by place, where the file saves more values than the pack declares
    widgets (Easy-Use's promptLine saves one more, its page's own) and each value is of its widget's type; else {}."""
    t = catalogue.node_type(node.origin or node.cls)
    raw = node.raw if isinstance(node.raw, list) else []
    widgets = t.widgets if t is not None and t.inputs is not None else ()
    if not widgets or len(raw) < len(widgets) or any(i.control for i in widgets):
        return {}
    out = dict(zip((i.name for i in widgets), raw))
    ok = all(isinstance(out[i.name], KINDS.get(i.type, object)) and not (i.type == "INT" and isinstance(
        out[i.name], bool)) for i in widgets)
    return out if ok else {}


def picked(names: tuple[str, str, str, str | None], value: Callable[[str], Any], placed: dict,
           wired: set) -> str | None:
    """The one line a line picker gives (``value``: its settings by name, worked out; ``placed``: its values by
    place, where the file names none, never for a setting ``wired`` from another node), else None."""
    def given(k: str) -> Any:
        got = value(k)
        return got if got is not None or k in wired else placed.get(k)
    text, at, rows = given(names[0]), given(names[1]), given(names[2])
    if not isinstance(text, str) or any(not isinstance(v, int) or isinstance(v, bool) for v in (at, rows)):
        return None
    lines = text.split("\n")
    if names[3] is not None and given(names[3]) is True:
        lines = [line for line in lines if line.strip()]
    if not lines:
        return None
    start = max(0, min(at, len(lines) - 1))
    given = lines[start:start + max(rows, 1)]
    return given[0] if len(given) == 1 else None


def line_said(wf, node, which: str, input_of: str) -> str | None:
    """The sentence of a prompt read as one line of ``node`` (a line picker giving ``input_of``), else None."""
    names = picker(node)
    line = wf.output(node, 0) if names is not None else None
    if line is None:
        return None
    at = wf.value(node, names[1])
    at = at if at is not None else by_place(node).get(names[1])
    return (f"the {which} prompt is a line of the text of '{node.title or node.shown_cls}' ({node.shown_cls}, "
            f"#{node.id}), the one its '{names[1]}' {at} picks, given to {input_of}: {line!r}")
