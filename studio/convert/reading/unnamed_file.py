"""A file loader whose file setting is left empty (an app's template, the name filled in when the app sends it:
heldout23 05), told by the setting its type declares as its file (catalogue.file_input): never said of a loader
naming a folder, a web address or a setting Studio reads under another name. Plain data."""
from __future__ import annotations

from .. import catalogue
from . import by_types
from .workflow import CNode, Workflow


def names_none(wf: Workflow, n: CNode) -> bool:
    """Whether loader ``n``'s declared file setting holds an empty name."""
    t = catalogue.node_type(n.shown_cls)
    fi = catalogue.file_input(t) if t is not None else None
    if fi is None or fi.name in n.links:  # (wired: its file is the one a node gives when the workflow runs, not the
        return False  # name saved and never read - heldout124 01: "names no file" of FastVideo's written mp4)
    v = wf.value(n, fi.name)
    if v is None and n.origin is not None:  # a pack's loader read as a core one: its file under the core's setting
        v = next((n.widgets[k] for core, k in by_types.CORE_LOADERS.values() if core == n.cls and k in n.widgets), None)
    if v is None and isinstance(n.raw, list):  # a UI file's values by place
        names = [i.name for i in t.widgets]
        at = names.index(fi.name) if fi.name in names else len(n.raw)
        v = n.raw[at] if at < len(n.raw) else None
    return isinstance(v, str) and not v.strip()
