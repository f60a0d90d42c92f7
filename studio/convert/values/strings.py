"""Texts a ComfyUI workflow makes from other texts when it runs (issue 99, item 6): a node that joins texts
(ComfyUI's StringConcatenate, KJNodes' JoinStrings, WAS' Text Concatenate, any pack's node whose type says it
joins or concatenates and whose settings name a delimiter) gives its texts, in the order of their inputs'
names, joined by its delimiter, where each text is known (a setting, a primitive, another join); None where
one is not (the prompt is then said to be made when the workflow runs, never left as Studio's default).

Plain stdlib: the workflow's value reader (reading.workflow.Workflow.value) is handed in."""
from __future__ import annotations

from typing import Any, Callable

DELIMITERS = ("delimiter", "separator")
NOT_TEXTS = DELIMITERS + ("clean_whitespace", "inputcount", "input_count")
MAX_JOINED = 100_000  # characters of a joined text (a prompt is a few hundred)


def is_join(cls: str) -> bool:
    """A node type that joins texts, told by its name."""
    low = cls.lower()
    return "concat" in low or "join" in low


def _natural(name: str) -> tuple:
    """'string_b' after 'string_a', 'text10' after 'text2'."""
    head = name.rstrip("0123456789")
    return head, int(name[len(head):]) if name[len(head):] else -1


def joined(names: list[str], value: Callable[[str], Any], has_delimiter: bool, wired: set[str]) -> str | None:
    """The texts of inputs ``names`` (read by ``value``) joined by the node's delimiter, in their names' order;
    None where the node names no delimiter (not a join of texts) or a text is not known (one of those ``wired``
    made when the workflow runs)."""
    if not has_delimiter:
        return None
    delimiter = next((d for k in DELIMITERS if isinstance(d := value(k), str)), "")
    texts = []
    for name in sorted((n for n in names if n not in NOT_TEXTS), key=_natural):
        v = value(name)
        if v is None and name not in wired:
            continue  # an optional text left unwired (WAS' text_c, text_d)
        if not isinstance(v, str):
            return None
        texts.append(v)
    if not texts:
        return None
    out = delimiter.join(texts)
    return out if len(out) <= MAX_JOINED else None
