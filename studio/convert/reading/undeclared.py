"""An API file's node given its settings under names its type does not declare and lacking a required one of its own
(heldout24 13: a RunPod request whose every setting is written as 'value', 'text' or 'filename' - LoadAudio's file as
'filename', not 'audio'): ComfyUI refuses such a prompt (a required input missing), said once per node naming both;
Studio reads a node's inputs by their own names, so none of those values is read. Told by the catalogue's declared
inputs only: a node whose type it does not know, that lacks nothing it requires (an extra input ComfyUI ignores is no
loss), or that is given one of its settings under its own name (another version of its pack, renaming some) is never
told; ComfyUI's own nodes only (a pack's node name may be another pack's, with other inputs). Plain stdlib."""
from __future__ import annotations

from typing import Any

from .. import catalogue

CORE = "Comfy-Org/ComfyUI"  # ComfyUI's own nodes: their names are theirs alone


def lacks(n: Any) -> list[str]:
    """The required settings (widget inputs) the catalogue declares for ``n`` that it is not given, where it is given
    others under names its type does not declare; [] otherwise."""
    t = catalogue.node_type(n.origin or n.cls)
    if t is None or t.inputs is None or t.pack != CORE:  # (a pack's name may be another pack's node: not told)
        return []
    declared = {i.name for i in t.inputs}
    given = set(n.widgets) | set(n.links)
    if not any(k not in declared and "." not in k for k in given):  # ('a.b': a dynamic input's own, declared so)
        return []
    if any(i.widget and i.name in given for i in t.inputs):  # one setting under its own name: a pack's other
        return []  # version renaming some (ImageResize+'s keep_proportion -> method), not told
    return [i.name for i in t.inputs if i.widget and not i.optional and i.name not in given]


def said(nodes: dict[str, Any]) -> list[str]:
    """One sentence per enabled node given undeclared names and lacking a required setting of its own."""
    out = []
    for n in nodes.values():
        missing = lacks(n) if n.enabled else []
        if not missing:
            continue
        t = catalogue.node_type(n.origin or n.cls)
        declared = {i.name for i in t.inputs}
        stray = sorted(k for k in set(n.widgets) | set(n.links) if k not in declared and "." not in k)
        them = lambda xs: ", ".join(f"'{x}'" for x in xs)  # noqa: E731
        given = set(n.widgets) | set(n.links)  # (a required socket unwired too: heldout26 15's VideoLinearCFGGuidance)
        sockets = [i.name for i in t.inputs if not i.widget and not i.optional and i.name not in given
                   and not any(k.startswith(i.name + ".") for k in given)]  # ('values.a': V3's own, given)
        nor = f" nor its required {them(sockets)} (connected to nothing)" if sockets else ""
        out.append(f"{n.named()} is given {them(stray)}, which {n.shown_cls} does not declare, and not its own "
                   f"{them(missing)}{nor}: ComfyUI refuses the workflow as saved (a required input missing); Studio "
                   f"reads none of {'them' if len(stray) > 1 else 'it'} (its {them(missing)} left unset)")
    return out
