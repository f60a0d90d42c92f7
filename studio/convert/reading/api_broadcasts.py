"""An API file's cg-use-everywhere broadcasts (heldout85 11): an 'Anything Everywhere' node kept in an API file with
what it carries wired in, and nodes lacking a socket their type requires, of that type (the LTX-2.3 graph whose two
CLIPTextEncode nodes have no 'clip': its DualCLIPLoader feeds only the broadcaster). ComfyUI's frontend wires a
broadcast into every unwired input of its type when it queues the workflow (values/wiring.py reads a UI file's), so an
API file saved without those links is refused by ComfyUI as it is (a required input missing); the workflow its author
ran had them. Each required socket a node lacks is read as wired from the one broadcast of its type, and said; two
broadcasts of one type leave it unwired, said (an API file keeps none of a broadcaster's restrictions or priorities:
which would reach it is not known). Optional inputs are left as they are (the file cannot tell a restriction from no
link). The broadcaster is read away, as in a UI file. Types are the catalogue's declarations: the source's output
type, the receiver's required sockets; a node of a type it does not know is neither. Plain stdlib."""
from __future__ import annotations

from typing import Any

from .. import catalogue
from ..values.wiring import UE_PREFIX


def _kind(nodes: dict[str, Any], src: tuple[str, int]) -> str:
    """The declared type of output ``src`` ((node id, slot)); '' where not known."""
    n = nodes.get(src[0])
    t = catalogue.node_type(n.origin or n.cls) if n is not None else None
    types = t.output_types if t is not None else ()
    return types[src[1]] if 0 <= src[1] < len(types) and types[src[1]] not in ("*", "") else ""


def read_away(nodes: dict[str, Any], said: list[str]) -> dict[str, int]:
    """Each enabled broadcaster's sources wired into the required sockets nodes lack, in place; the broadcasters read
    away ({type: count}); a sentence per broadcast source used or left."""
    casters = [n for n in nodes.values() if n.cls.startswith(UE_PREFIX)]
    if not casters:
        return {}
    by_kind: dict[str, list[tuple[Any, tuple[str, int]]]] = {}
    for c in casters:
        if not c.enabled:
            continue
        for src in c.links.values():
            if (kind := _kind(nodes, src)):
                by_kind.setdefault(kind, []).append((c, src))
    wired: dict[tuple, list[str]] = {}
    tied: dict[str, list[str]] = {}
    for n in nodes.values():
        t = catalogue.node_type(n.origin or n.cls)
        if not n.enabled or n.cls.startswith(UE_PREFIX) or t is None or t.inputs is None:
            continue
        for i in t.sockets:
            if i.optional or i.name in n.links or i.name in n.widgets or i.type not in by_kind:
                continue
            if len(by_kind[i.type]) > 1:
                tied.setdefault(i.type, []).append(n.where(i.name))
                continue
            c, src = by_kind[i.type][0]
            n.links[i.name] = src
            wired.setdefault((c.id, src), []).append(n.where(i.name))
    for (cid, src), where in wired.items():
        c, s = nodes[cid], nodes[src[0]]
        said.append(f"{c.named()} broadcasts what {s.named()} gives ({_kind(nodes, src)}) to every input of its type "
                    f"left unwired; this API file leaves {', '.join(where)} unwired, each required by its node's type (ComfyUI "
                    "refuses the file as saved; in the UI its frontend wires such inputs from the broadcast when it "
                    f"queues the workflow, within restrictions an API file does not keep): read as wired from "
                    f"{s.named()}")
    for kind, where in tied.items():
        said.append(f"{', '.join(where)}, each required by its node's type, left unwired in this API file: "
                    f"{len(by_kind[kind])} broadcasts of {kind} could reach it (an API file keeps none of their "
                    "restrictions): not wired, as ComfyUI refuses the file as saved")
    count: dict[str, int] = {}
    for c in casters:
        del nodes[c.id]
        count[c.cls] = count.get(c.cls, 0) + 1
    return count
