"""A subgraph's output that nothing inside the subgraph gives (ComfyUI's own LTX-2 'image to video with LoRA'
template, comfyui-workflow-templates 0.1.123: its group's 'VIDEO' output lists link 265, which the group's links do
not hold; its Create Video gives nothing): a node outside reading that output is given nothing as ComfyUI queues the
workflow (a required input missing: ComfyUI refuses that output). Such links are cut and said in one sentence naming
the reading node, its input, the subgraph and its output, where before the subgraph's whole inside was "passed over"
with no word on why. Plain stdlib."""
from __future__ import annotations

from typing import Any

MAX_NAMED = 4  # inputs named in the sentence (the rest counted)


def cut(nodes: dict, instances: dict[str, tuple[str, dict]]) -> list[str]:
    """Each link of ``nodes`` whose source is a subgraph instance (``instances``: its id -> (its title, the
    subgraph's definition)) still after resolving, i.e. an output the subgraph gives nothing: removed; the sentence."""
    cut_: list[tuple[Any, str, str, int]] = []
    for n in nodes.values():
        for name, src in list(n.links.items()):
            if isinstance(src, tuple) and len(src) == 2 and src[0] in instances:
                del n.links[name]
                cut_.append((n, name, src[0], int(src[1] or 0)))
    if not cut_:
        return []
    parts = []
    for n, name, inst, slot in cut_[:MAX_NAMED]:
        title, sub = instances[inst]
        outs = [o for o in sub.get("outputs") or [] if isinstance(o, dict)]
        out = str(outs[slot].get("label") or outs[slot].get("name")) if 0 <= slot < len(outs) else f"#{slot}"
        parts.append(f"'{n.title or n.cls}' (#{n.id})'s '{name}' is wired to the output '{out}' of '{title}' (#{inst}), "
                     "a subgraph that gives that output nothing inside (the file holds no link into it)")
    more = f"; and {len(cut_) - MAX_NAMED} more" if len(cut_) > MAX_NAMED else ""
    return ["; ".join(parts) + more + ": as ComfyUI queues the workflow, that input is given nothing; read as not wired "
            "(wire the subgraph's output inside it in ComfyUI, or the node's input in Studio)"]
