"""A text encoder Studio has no rule for, read by its declared types (issue 112, item 2): a node whose only wired
sockets are a text encoder's (CLIP), whose outputs are all CONDITIONING (one or two: a prompt, or a positive and
negative pair) and whose settings hold as many texts as it has outputs encodes text k on output k (a pack's prompt
pair node, PG-Nodes' PgLazyPromptMini in heldout10, that no pack in the catalogue declares). Its texts are its pack's
declared STRING settings in their order, else a UI file's values by place. Plain stdlib."""
from __future__ import annotations

from functools import lru_cache

from .. import catalogue
from ..reading.by_types import declared_outputs
from ..reading.workflow import CNode, Workflow
from .roles import consumers, in_type

MAX_OUTPUTS = 2  # a prompt, or a positive and a negative


def _outputs(wf: Workflow, n: CNode) -> list[str]:
    """Its outputs' types: its pack's declared ones, else its UI file's, else (an API file) the types of the inputs
    each output slot feeds, one type a slot, the slots from 0 on all fed ([] where not)."""
    if outs := declared_outputs(n):
        return outs
    fed: dict[int, set[str]] = {}
    for m, k in consumers(wf).get(n.id, ()):
        fed.setdefault(m.links[k][1], set()).add(in_type(m, k))
    if sorted(fed) != list(range(len(fed))) or any(len(v) != 1 for v in fed.values()):
        return []
    return [next(iter(fed[i])) for i in range(len(fed))]


@lru_cache(maxsize=1)
def _choices() -> frozenset[str]:
    """Every choice a catalogued node declares (a resize's 'lanczos', a sampler's 'euler'): a value of these saved
    beside a node's texts is a choice of its, not a prompt."""
    return frozenset(o for name in catalogue.names() if (t := catalogue.node_type(name)) is not None and t.inputs
                     for i in t.inputs if isinstance(i.options, tuple) for o in i.options if isinstance(o, str))


def _texts(n: CNode) -> list[str]:
    """Its text settings in order: its pack's declared STRING settings, else every text value the file saves (where
    those are more than its outputs, less the values some catalogued node declares as a choice)."""
    t = catalogue.node_type(n.origin or n.cls)
    if t is not None and t.inputs is not None:
        named = n.settings()
        return [v for i in t.inputs if i.widget and i.type == "STRING" and isinstance(v := named.get(i.name), str)]
    return [v for v in n.settings().values() if isinstance(v, str)]


def encoded_text(wf: Workflow, n: CNode, slot: int) -> str | None:
    """The text ``n`` encodes on output ``slot`` where its declared types make it a text encoder (above); None
    otherwise."""
    outs = _outputs(wf, n)
    if not 0 < len(outs) <= MAX_OUTPUTS or any(o != "CONDITIONING" for o in outs) or not 0 <= slot < len(outs):
        return None
    if not n.links or any(in_type(n, k) != "CLIP" for k in n.links):
        return None
    texts = _texts(n)
    if len(texts) > len(outs):
        texts = [v for v in texts if v not in _choices()]
    return texts[slot] if len(texts) == len(outs) else None


def shaped(wf: Workflow, n: CNode) -> bool:
    """``n`` is a text encoder by its declared types (above)."""
    return encoded_text(wf, n, 0) is not None
