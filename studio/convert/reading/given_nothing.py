"""A node its file gives nothing at all - no setting written, named or by place, nothing wired - where it needs a
setting to give anything (heldout25 13: an API file's TextBox and DF_Integer, exported empty; ComfyUI refuses such a
prompt). Told by the catalogue's declared inputs (one required setting at least); a type the catalogue does not know
only in an API file (which writes every setting a node has: a UI file's node may be the page's own, taking none).
Never a node whose inputs are all optional (Impact's ImpactIfNone gives its answer from nothing) nor one the
catalogue declares with no setting. Plain data."""
from __future__ import annotations

from typing import Any

from .. import catalogue


def given_nothing(n: Any, kind: str) -> bool:
    """Whether ``n`` is given nothing though it needs a setting (``kind``: the file's, 'api' or 'ui')."""
    if n.links or n.widgets or n.raw:
        return False
    t = catalogue.node_type(n.origin or n.cls)
    if t is None or t.inputs is None:
        return kind == "api"
    return any(i.widget and not i.optional for i in t.inputs)
