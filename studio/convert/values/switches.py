"""Node packs' switches read away where their choice is knowable (issue 99, item 6): a node whose type says it
switches or branches and that passes on one of its inputs, chosen by its own setting (or a primitive wired to
it), is read as the link it passes on, as ComfyUI runs it: an index switch (Impact's ImpactSwitch 'select' of
input1, input2...; Easy-Use's 'index' of value0, value1...; numbered from 0 or 1 as its inputs are) or a boolean
one (Crystools' 'boolean' of on_true / on_false; Impact's ConditionalBranch 'cond' of tt_value / ff_value). Its
consumers then read the chosen input's source (a prompt, a model, a LoRA chain), and the switch node is gone;
a switch whose choice is made when the workflow runs stays, and is said where what it gives is read.
ComfyUI's own Switch (ComfySwitchNode) and rgthree's Any Switch have their own readings (reading.workflow).

Plain data and stdlib (reading.workflow calls it while it reads a file)."""
from __future__ import annotations

import re
from typing import Any

BOOLEAN = ("boolean", "cond", "switch", "on", "value")  # a boolean switch's setting
PAIRS = (("on_true", "on_false"), ("tt_value", "ff_value"), ("if_true", "if_false"), ("true", "false"),
         ("input_true", "input_false"), ("value_if_true", "value_if_false"))
NUMBERED = re.compile(r"^(.*?)(\d+)$")
PRIMITIVES = ("PrimitiveInt", "PrimitiveBoolean", "PrimitiveNode")
MAX_CHAIN = 64


def _is_switch(cls: str) -> bool:
    low = cls.lower()
    return ("switch" in low or "branch" in low) and cls not in ("ComfySwitchNode", "Any Switch (rgthree)")


def _setting(nodes: dict[str, Any], n: Any, name: str) -> Any:
    """A switch's own setting: its value, or a primitive's wired into it; None when made when the workflow runs."""
    src = n.links.get(name)
    if src is None:
        return n.widgets.get(name)
    p = nodes.get(src[0])
    return p.widgets.get("value") if p is not None and p.cls in PRIMITIVES and not p.links else None


def chosen(nodes: dict[str, Any], n: Any) -> str | None:
    """The input a pack's switch passes on, where its own settings say it; None otherwise (not a switch of these
    forms, or its choice made when the workflow runs)."""
    if not _is_switch(n.cls):
        return None
    declared = list(n.in_types) or list(n.links)
    numbered = [(m.group(1), int(m.group(2)), x) for x in declared if (m := NUMBERED.match(x))]
    base = 0 if any(i == 0 for _, i, _ in numbered) else 1  # its inputs numbered from 0 or from 1
    for name, first in (("select", 1), ("index", 0)):  # Impact's select counts from 1, an index from 0
        k = _setting(nodes, n, name)
        if isinstance(k, int) and not isinstance(k, bool):
            if len({h for h, _, _ in numbered}) != 1:
                return None
            return next((x for _, i, x in numbered if i == base + k - first), None)
    for name in BOOLEAN:
        on = _setting(nodes, n, name)
        if isinstance(on, bool):
            pair = next((p for p in PAIRS if p[0] in declared or p[1] in declared), None)
            return None if pair is None else pair[0 if on else 1]
    return None


def read_away(nodes: dict[str, Any]) -> dict[str, int]:
    """Links from a pack's switch whose choice is knowable read as the chosen input's (unwired: nothing); those
    switches removed; how many of each type."""
    picks = {k: chosen(nodes, n) for k, n in nodes.items() if n.enabled and _is_switch(n.cls)}
    return passed_on(nodes, {k: c for k, c in picks.items() if c is not None})


def passed_on(nodes: dict[str, Any], picks: dict[str, str | None]) -> dict[str, int]:
    """Links from the nodes ``picks`` names read as the input each passes on (its name; None: its first wired, as
    rgthree's Any Switch and the reroutes give: reading.workflow); those nodes removed; how many of each type."""
    if not picks:
        return {}

    def pick(src):
        for _ in range(MAX_CHAIN):
            if src[0] not in picks:
                return src
            links = nodes[src[0]].links
            name = picks[src[0]]
            src = links.get(name) if name is not None else next(iter(links.values()), None)
            if src is None:
                return None
        return None
    for n in nodes.values():
        if any(s[0] in picks for s in n.links.values()):
            n.links = {k: r for k, v in n.links.items() if (r := pick(v)) is not None}
    counts: dict[str, int] = {}
    for k in picks:
        counts[nodes[k].cls] = counts.get(nodes[k].cls, 0) + 1
        del nodes[k]
    return counts
