"""Bundles in an API file read away as the links they carry (heldout37 07: DaSiWa's API template holds rgthree's
Context and Context Switch between the model loader and the sampler; an API file saves no types and the catalogue
holds those types with no outputs, so bundles.py, which reads a UI file's saved types, did not read them, and each was
called "a model patch ... not applied" - false: they pass the loader's model on). Told by the declared types around
them, never by their names: a node whose outputs no pack declares (the catalogue's, or no pack's type) is a member of
a bundle chain where its first output goes only into other such nodes (a bundle given on) or it takes one's first
output (a node nothing reads is none: it ends the chain as ComfyUI's output, a pack's save), and each of its other outputs that is read (its type the reader's declared input type there) is one of its
own inputs of that type (the declared output type of what feeds it) or comes from the bundle it is given. A read
output is then the link it carries: its own input of that type (one alone, else the one named as the reader's input),
else the same of the bundle it is given; a node given two or more bundles and nothing else (a switch picks the first,
a merge lays the later over the earlier: the types do not tell which) is read only where both readings agree. Where
any step is unsure the link is left as it was. Plain stdlib and the catalogue."""
from __future__ import annotations

from typing import Any

from .. import catalogue
from .bundles import OWN, same_name

EMPTY, UNSURE = "empty", "unsure"  # a field a bundle does not carry; one its types do not settle
MAX_DEPTH = 32


def _unknown(n: Any) -> bool:
    t = catalogue.node_type(n.cls)
    return t is None or t.outputs is None


def _out_type(nodes: dict[str, Any], src: str, slot: int) -> str:
    """The declared type of output ``slot`` of node ``src`` ('' where no pack declares it)."""
    n = nodes.get(src)
    t = catalogue.node_type(n.cls) if n is not None else None
    if t is None or not t.outputs or not 0 <= slot < len(t.outputs):
        return ""
    kind = t.outputs[slot].type
    return kind if kind in OWN - {"*", ""} else ""


def _in_type(n: Any, name: str) -> str:
    """The declared type of input ``name`` of ``n`` ('' where not declared, or of any type)."""
    t = catalogue.node_type(n.cls)
    i = t.input(name) if t is not None and t.inputs else None
    return i.type if i is not None and i.type in OWN - {"*", ""} else ""


class _Chain:
    def __init__(self, nodes: dict[str, Any]):
        self.nodes = nodes
        self.readers: dict[str, list[tuple[Any, str, int]]] = {}
        unknown = {k for k, n in nodes.items() if _unknown(n)}
        if not unknown:
            self.members: set[str] = set()
            return
        for n in nodes.values():
            for k, (src, slot) in n.links.items():
                self.readers.setdefault(src, []).append((n, k, slot))
        members = {k for k in unknown if self._chained(k, unknown)}
        while True:  # (a member's bundle given on, or taken, from a node found no member: not one either)
            kept = {k for k in members if self._chained(k, members) and self._explained(k, members)}
            if kept == members:
                break
            members = kept
        self.members = members

    def _given(self, k: str, members: set[str]) -> list[str]:
        """The inputs of ``k`` taking a member's first output (a bundle), by name."""
        return sorted(name for name, (src, slot) in self.nodes[k].links.items() if src in members and slot == 0)

    def _chained(self, k: str, members: set[str]) -> bool:
        if not self.readers.get(k):
            return False  # read by nothing: it carries nothing on (an output, a save: heldout93 01), never a bundle
        first = [r for r, _, slot in self.readers.get(k, ()) if slot == 0]
        if any(r.id not in members for r in first):
            return False  # its first output read as something else: no bundle
        if any(src in self.nodes and src not in members and _unknown(self.nodes[src]) and slot == 0
               for src, slot in self.nodes[k].links.values()):
            return False
        return bool(first) or bool(self._given(k, members))

    def _read_type(self, k: str, slot: int) -> str:
        kinds = {_in_type(r, name) for r, name, s in self.readers.get(k, ()) if s == slot}
        return next(iter(kinds)) if len(kinds) == 1 else ""

    def _explained(self, k: str, members: set[str]) -> bool:
        """Each output of ``k`` read past its first: one of its own inputs of that type, or its bundle's."""
        n = self.nodes[k]
        given = self._given(k, members)
        for slot in {s for _, _, s in self.readers.get(k, ()) if s > 0}:
            kind = self._read_type(k, slot)
            if not kind:
                return False
            own = [name for name, (src, at) in n.links.items() if _out_type(self.nodes, src, at) == kind]
            if not own and not given:
                return False
        return True

    def field(self, k: str, kind: str, reader_input: str, depth: int = 0) -> Any:
        """The link (source, slot) member ``k`` carries of type ``kind`` to a reader's ``reader_input``; EMPTY, UNSURE."""
        if depth > MAX_DEPTH:
            return UNSURE
        n, given = self.nodes[k], self._given(k, self.members)
        own, untyped = [], []
        for name, (src, at) in n.links.items():
            if name in given:
                continue
            t = _out_type(self.nodes, src, at)
            (own if t == kind else untyped if not t else []).append(name)
        named = [name for name in own + untyped if same_name(name, reader_input)]
        if len(named) == 1:
            return n.links[named[0]]
        if len(own) == 1 and not untyped:
            return n.links[own[0]]
        if own or untyped:
            return UNSURE  # (two of that type, or one of a type no pack declares: either could be the field)
        if not given:
            return EMPTY
        found = [self.field(n.links[g][0], kind, reader_input, depth + 1) for g in given]
        if UNSURE in found:
            return UNSURE
        first, later = found[0], found[1:]
        if all(x == EMPTY for x in later) or all(x == first for x in later):
            return first  # (a switch's first and a merge's last carried agree)
        return UNSURE


def read_away(nodes: dict[str, Any]) -> dict[str, int]:
    """An API file's bundle links read as what they carry (see the module); a member nothing reads then is removed;
    how many of each type were removed."""
    chain = _Chain(nodes)
    if not chain.members:
        return {}
    for n in nodes.values():
        if n.id in chain.members:
            continue
        for name, (src, slot) in list(n.links.items()):
            if src in chain.members and slot > 0 and (kind := _in_type(n, name)):
                got = chain.field(src, kind, name)
                if got not in (EMPTY, UNSURE):
                    n.links[name] = got
    keep = {src for k, n in nodes.items() if k not in chain.members for src, _ in n.links.values()} & chain.members
    todo = list(keep)
    while todo:  # (a member still read keeps what it is given)
        k = todo.pop()
        for src, _ in nodes[k].links.values():
            if src in chain.members and src not in keep:
                keep.add(src)
                todo.append(src)
    counts: dict[str, int] = {}
    for k in sorted(chain.members - keep):
        counts[nodes[k].cls] = counts.get(nodes[k].cls, 0) + 1
        del nodes[k]
    return counts
