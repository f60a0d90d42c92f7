"""An API file whose nodes are not given settings their packs, as the catalogue read them, require (heldout24 08: a
RunPod worker's InfiniteTalk file shortened by hand, its sampler, decoder and saver missing a dozen settings; the
corpus's RIFE VFI saved before the pack added 'dtype'): ComfyUI with those versions of the packs refuses such a prompt
(a required input missing), and another version may not. Said once per file, naming each node, what it lacks and
the pack@commit that requires it; Studio reads what is given. A node whose undeclared names reading/undeclared.py
already tells, a node the catalogue does not know or whose inputs its source builds at run time, and a disabled node
are left out. Plain stdlib."""
from __future__ import annotations

from typing import Any

from .. import catalogue
from ..catalogue.types import UNKNOWN
from . import undeclared

SHOWN = 4  # nodes named in the sentence; the rest counted


def unset(n: Any) -> list[str]:
    """The required settings (widget inputs) the catalogue declares for ``n`` that an API file does not give it."""
    t = catalogue.node_type(n.origin or n.cls)
    if t is None or t.inputs is None or not n.enabled or undeclared.lacks(n):
        return []
    given = set(n.widgets) | set(n.links)
    return [i.name for i in t.inputs if i.widget and not i.optional and i.name not in given and i.name != UNKNOWN
            and not any(k.startswith(i.name + ".") for k in given)]  # ('unknown': names a loop makes, unread)


def said(nodes: dict[str, Any], first: dict[str, list[str]] | None = None) -> list[str]:
    """One sentence for the file, or none when every node is given what its catalogued type requires (``first``: what
    each node lacked as saved, before a pack's loader was read as a core one and its settings renamed: a
    TS_VideoLoader given its 'source_path' was said not given it)."""
    first = first or {}
    lacking = [(n, m) for k, n in nodes.items() if (m := first[k] if k in first else unset(n))]
    if not lacking:
        return []
    packs = sorted({f"{t.pack}@{t.commit[:8]}" for n, _ in lacking if (t := catalogue.node_type(n.origin or n.cls))})
    shown = "; ".join(f"{n.named()}: {', '.join(repr(x) for x in m)}" for n, m in lacking[:SHOWN])
    more = f"; and {len(lacking) - SHOWN} more node(s)" if len(lacking) > SHOWN else ""
    # (a node given a setting under a name its catalogued version does not declare - another version's name - is
    # read by that name only where Studio's reading of the node knows it: heldout57 05's SeedVR2 'new_resolution')
    reads = ("Studio reads the settings it is given by the names its reading of each node knows" if
             any(_stray(n) for n, _ in lacking) else "Studio reads the settings it is given")
    return [f"this API file does not give {len(lacking)} node(s) settings their packs require as the catalogue read "
            f"them ({', '.join(packs)}): {shown}{more}. ComfyUI with those versions refuses the file as saved (a "
            f"required input missing), other versions may take it. {reads}"]


def _stray(n: Any) -> bool:
    """``n`` is given a setting under a name its catalogued type does not declare (another version of its pack)."""
    t = catalogue.node_type(n.origin or n.cls)
    declared = {i.name for i in t.inputs} if t is not None and t.inputs is not None else set()
    return any(k not in declared and "." not in k and not k.startswith("#") for k in n.widgets)
