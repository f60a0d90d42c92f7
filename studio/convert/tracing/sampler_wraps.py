"""A node that wraps the sampler it is given, told by its declared types: it gives one SAMPLER, takes one on its only
SAMPLER input and names none itself (no 'sampler_name'): a pack's sampler changer (Detail Daemon's
DetailDaemonSamplerNode, a lying-sigma or noise-injecting sampler). The sampler the pass is given is the one its
input names (KSamplerSelect's 'ddim' under Detail Daemon: heldout126 01 said "no sampler named" and listed the
KSamplerSelect as not converted, the wrapper's own settings nowhere); the wrapper's change is not applied by
Studio's generators, so its settings are said. Plain stdlib."""
from __future__ import annotations

from .. import catalogue
from ..reading.by_types import declared_outputs
from ..values.shown import shown


def _sampler_inputs(n) -> list[str]:
    """The names of ``n``'s inputs of type SAMPLER: as its pack declares them, else as its UI file saves them."""
    t = catalogue.node_type(n.origin or n.cls)
    if t is not None and t.inputs is not None:
        return [i.name for i in t.sockets if i.type == "SAMPLER"]
    return [k for k, v in n.in_types.items() if v == "SAMPLER"]


def is_wrapper(n) -> bool:
    """Whether ``n`` wraps the one sampler it is given (see the module)."""
    return declared_outputs(n) == ["SAMPLER"] and "sampler_name" not in n.widgets \
        and len(_sampler_inputs(n)) == 1


def through(wf, sel) -> tuple[list, object]:
    """(the wrappers from the pass's side in, the node that gives the innermost its sampler) for the node ``sel`` the
    pass takes its sampler from; ([], sel) where ``sel`` wraps none (or what it wraps is not wired)."""
    wraps, seen = [], set()
    while sel is not None and sel.id not in seen and is_wrapper(sel):
        inner = wf.source(sel, _sampler_inputs(sel)[0])
        if inner is None:
            break
        seen.add(sel.id)
        wraps.append(sel)
        sel = inner
    return wraps, sel


def said(wrap, inner, name: str | None) -> str:
    """The sentence of a wrapper whose change is not applied, its settings as the file saves them."""
    settings = ", ".join(f"{k} {shown(v)}" for k, v in wrap.widgets.items() if not isinstance(v, (list, dict)))
    given = f"the sampler '{name}'" if name else "the sampler"
    return (f"'{wrap.title or wrap.shown_cls}' ({wrap.shown_cls}, #{wrap.id}) changes {given} it is given by "
            f"'{inner.title or inner.shown_cls}' ({inner.shown_cls}, #{inner.id}): its change is not applied, the "
            f"generator samples without it" + (f" (its settings: {settings})" if settings else ""))
