"""What a family's node-pack translation is made of (api.PackTranslation): a node pack's workflow (kijai's
wrappers ...) rewritten, in place, into the core nodes that mean the same, so the converter reads it as it
reads a core workflow. A family's ``translate`` (its mapping's) subclasses it with its pack's nodes; this
holds what every such translation does alike: its nodes' settings by name, a core node made in a pack node's
place, links moved, a loader's chain of LoRA selectors, the settings nodes said as not taken, and the one
sentence of what was read as what. Plain data and stdlib, as the rest of the converter."""
from __future__ import annotations

import math
from typing import Any

from .comfy_read import CNode, Workflow


def finite(v: Any) -> bool:
    """A finite number (a hostile file's infinity or NaN is passed on as it is: the node says it)."""
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


class PackTranslation:
    """One workflow's translation. A subclass sets ``PACK`` (its words in the Log: 'WanVideoWrapper'),
    ``PREFIXES`` (its nodes' type names start so), ``WIDGETS`` (each node's settings in the order a UI file
    saves them) and ``SETTINGS_ONLY`` (its speed and memory nodes), and ``steps()``, the rewriting."""
    PACK = ""
    PREFIXES: tuple[str, ...] = ()
    WIDGETS: dict[str, tuple[str, ...]] = {}
    SETTINGS_ONLY: tuple[str, ...] = ()

    def __init__(self, wf: Workflow):
        self.wf = wf
        self.said: list[str] = []
        self.made: dict[str, str] = {}  # pack node type -> what it was read as

    @classmethod
    def is_pack(cls, n: CNode) -> bool:
        return n.cls.startswith(cls.PREFIXES)

    @classmethod
    def translate(cls, wf: Workflow) -> list[str]:
        """Rewrites ``wf``'s nodes of the pack into the core nodes that mean the same, in place; the sentences
        that say what was read as what, and what was not taken (none when the workflow has no node of it)."""
        if not any(cls.is_pack(n) for n in wf.nodes.values()):
            return []
        t = cls(wf)
        t.steps()
        t.settings_only()
        if not t.made:
            return t.said
        made = ", ".join(f"{k} as {v}" for k, v in sorted(t.made.items()))
        return [f"{cls.PACK} nodes read as ComfyUI's own: {made}"] + t.said

    def steps(self) -> None:
        raise NotImplementedError

    def named(self, n: CNode) -> dict[str, Any]:
        """The node's settings by name: as the file names them (API JSON), else by their places."""
        if n.widgets:
            return dict(n.widgets)
        names = self.WIDGETS.get(n.cls, ())
        return dict(zip(names, n.raw)) if isinstance(n.raw, list) else {}

    def core(self, n: CNode, cls: str, widgets: dict, links: dict, nid: str | None = None) -> CNode:
        """A core node made for pack node ``n`` (in its place, or beside it as ``nid``)."""
        c = CNode(nid or n.id, cls, n.title, n.mode, {k: v for k, v in widgets.items() if v is not None}, links, n.pos,
                  origin=n.cls)
        self.wf.nodes[c.id] = c
        if nid is None:
            self.made.setdefault(n.cls, cls)
        return c

    def rewire(self, old: tuple[str, int], new: tuple[str, int], skip=frozenset()) -> None:
        """Every input fed by ``old`` fed by ``new`` instead (but the nodes in ``skip``)."""
        for m in self.wf.nodes.values():
            if m.id in skip:
                continue
            for k, v in list(m.links.items()):
                if tuple(v[:2]) == old:
                    m.links[k] = new

    def model_loader(self, n: CNode, cls: str, widgets: dict, selectors: tuple[str, ...],
                     read: tuple[str, ...] = ()) -> None:
        """Loader ``n`` as core ``cls`` and the LoRAs hung off it (its 'lora' input, each selector's 'prev_lora'
        before it) as a LoraLoaderModelOnly chain between it and what it feeds; an input of it other than
        'lora' and ``read`` said as not read."""
        loras, src, seen = [], n.links.get("lora"), set()
        while src is not None and src[0] in self.wf.nodes and src[0] not in seen:
            seen.add(src[0])
            sel = self.wf.nodes[src[0]]
            if sel.cls not in selectors:
                self.said.append(f"the LoRAs of '{sel.title or sel.cls}' ({sel.cls}, #{sel.id}) are not read: add "
                                 "them as Video LoRA nodes")
                break
            loras.append(sel)
            src = sel.links.get("prev_lora")
        for k in n.links:
            if k != "lora" and k not in read:
                self.said.append(f"{n.cls}'s '{k}' input is not read (Studio loads the model file alone)")
        self.core(n, cls, widgets, {})
        top = (n.id, 0)
        for sel in reversed(loras):  # the one nearest the loader first
            sw = self.named(sel)
            lora = self.core(sel, "LoraLoaderModelOnly", {"lora_name": sw.get("lora"), "strength_model": sw.get("strength")},
                             {"model": top}, nid=f"{sel.id}:lora")
            self.made.setdefault(sel.cls, lora.cls)
            top = (lora.id, 0)
        if top != (n.id, 0):
            self.rewire((n.id, 0), top, {f"{s.id}:lora" for s in loras})

    def settings_only(self) -> None:
        found = sorted({n.cls for n in self.wf.nodes.values() if n.cls in self.SETTINGS_ONLY and n.enabled})
        if found:
            self.said.append(f"its {', '.join(found)} set{'s' if len(found) == 1 else ''} the wrapper's memory and speed: "
                             "Studio's own (Load Video Model's memory, the generator's speed settings) are used instead")
