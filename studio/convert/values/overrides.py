"""A setting that a wired input of its own name plus '_input' overrides when the workflow runs, read so that the
wire wins over the setting's saved value (which is stale once the input is wired). KJNodes' ImageResizeKJ of the
releases with 'width_input' and 'height_input' takes them so (its source, read for this fact: a given value that is
not 0 replaces the width or height setting; 0 leaves the setting's own): Studio read the saved width and height there
and scaled to them (heldout5, heldout6, heldout33, heldout34, heldout36 and two corpus files: issue 112, sizes6).
Read by the inputs' names and the setting beside them, for any node that has both. Plain stdlib."""
from __future__ import annotations

from typing import Any, Callable

SUFFIX = "_input"


def overridden(value: Callable[[str], Any], node: Any, settings: set[str] | None = None) -> Callable[[str], Any]:
    """``value`` (a setting's value where Studio works it out) with each setting ``k`` of ``node`` whose input
    ``k + '_input'`` is wired read from that wire: its value where it is not 0, the setting's own where it is 0, and
    None (not the stale saved value) where Studio cannot work the wired value out. ``settings``: the node's settings
    (its saved ones by default)."""
    links = getattr(node, "links", {}) or {}
    names = set(settings) if settings is not None else set(getattr(node, "widgets", {}) or {})
    wired = {k[:-len(SUFFIX)] for k in links if k.endswith(SUFFIX) and k[:-len(SUFFIX)]}
    if not wired:
        return value

    def read(k: str) -> Any:
        if k in wired and (k in names or not names):
            given = value(k + SUFFIX)
            if given is None or isinstance(given, bool):
                return None
            if given:
                return given
        return value(k)
    return read


def overriding(node: Any) -> list[str]:
    """The settings of ``node`` a wired '<setting>_input' overrides (by name), for a sentence."""
    return sorted(k[:-len(SUFFIX)] for k in (getattr(node, "links", {}) or {}) if k.endswith(SUFFIX) and k[:-len(SUFFIX)])
