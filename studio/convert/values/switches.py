"""Node packs' switches read away where their choice is knowable (issue 99, item 6): a node whose type says it
switches or branches and that passes on one of its inputs, chosen by its own setting (or a primitive wired to
it), is read as the link it passes on, as ComfyUI runs it: an index switch (Impact's ImpactSwitch 'select' of
input1, input2...; Easy-Use's 'index' of value0, value1...; numbered from 0 or 1 as its inputs are) or a boolean
one (Crystools' 'boolean' of on_true / on_false; Impact's ConditionalBranch 'cond' of tt_value / ff_value). Its
consumers then read the chosen input's source (a prompt, a model, a LoRA chain), and the switch node is gone;
a switch whose choice is made when the workflow runs stays, and is said where what it gives is read.
ComfyUI's own Switch (ComfySwitchNode) and rgthree's Any Switch have their own readings (reading.workflow).

The inputs a switch has and how its index counts are taken from its pack's declaration where the catalogue has
it (an API file names only the inputs set or wired). Plain data and stdlib (reading.workflow calls it while it
reads a file)."""
from __future__ import annotations

import re
from typing import Any

from .. import catalogue

BOOLEAN = ("boolean", "cond", "switch", "on", "value")  # a boolean switch's setting
PAIRS = (("on_true", "on_false"), ("tt_value", "ff_value"), ("if_true", "if_false"), ("true", "false"),
         ("input_true", "input_false"), ("value_if_true", "value_if_false"))
NUMBERED = re.compile(r"^(.*?)(\d+)$")
PRIMITIVES = ("PrimitiveInt", "PrimitiveBoolean", "PrimitiveNode")
MAX_CHAIN = 64


def _is_switch(cls: str) -> bool:
    low = cls.lower()
    return ("switch" in low or "branch" in low) and cls not in ("ComfySwitchNode", "Any Switch (rgthree)")


def _pair(declared: list[str], t: Any) -> tuple[str, str] | None:
    """The pair of inputs a boolean switch chooses between, as declared: (taken when true, taken when false). One
    of PAIRS in any case (ComfyUI-Logic's 'If ANY return A else B' declares IF_TRUE / IF_FALSE), else two declared
    inputs of one type named '<x>_a' / '<x>_b' (WAS' Image / Model / Text Input Switch: 'a' when true)."""
    low = {x.lower(): x for x in declared}
    for a, b in PAIRS:
        if a in low and b in low:
            return low[a], low[b]
    types = {i.name: i.type for i in (t.inputs or ())} if t is not None else {}
    for x in declared:
        if x.endswith("_a") and f"{x[:-2]}_b" in declared and types.get(x) == types.get(f"{x[:-2]}_b") is not None:
            return x, f"{x[:-2]}_b"
    return None


def pair_of(n: Any) -> tuple[str, str] | None:
    """The two inputs a boolean switch (by its name or its declared inputs) chooses between, as declared (taken
    when true, taken when false); None for any other node."""
    if not _is_switch_node(n):
        return None
    declared, t = _declared(n)
    return _pair(declared, t)


def _is_switch_node(n: Any) -> bool:
    """A switch by its name, or by its declared inputs: a pair chosen between by a boolean (Easy-Use's 'easy ifElse'
    on_true / on_false; ComfyUI-Logic's 'If ANY return A else B' IF_TRUE / IF_FALSE)."""
    if _is_switch(n.cls):
        return True
    if n.cls in ("ComfySwitchNode", "Any Switch (rgthree)"):
        return False
    declared, t = _declared(n)
    return _pair(declared, t) is not None


def _setting(nodes: dict[str, Any], n: Any, name: str, value=None) -> Any:
    """A switch's own setting: its value, or a primitive's wired into it (with ``value``, the workflow's reader of a
    setting: any value it works out, a comparison's); None when made when the workflow runs."""
    src = n.links.get(name)
    if src is None:
        return n.widgets.get(name)
    if value is not None:
        return value(n, name)
    p = nodes.get(src[0])
    if p is None or p.links:
        return None
    if p.cls in PRIMITIVES or catalogue.is_primitive(catalogue.node_type(p.origin or p.cls)) and len(p.widgets) == 1:
        return p.widgets.get("value") if p.cls in PRIMITIVES else next(iter(p.widgets.values()))  # (a pack's: Impact's
    return None  # ImpactInt, KJNodes' INTConstant, by its declared types)


def _declared(n: Any) -> tuple[list[str], Any]:
    """The switch's inputs as its file and its pack declare them (an API file lists only those set or wired), and
    its catalogued type (None when not catalogued)."""
    t = catalogue.node_type(n.origin or n.cls)
    names = [i.name for i in t.inputs or ()] if t is not None else []
    return list(dict.fromkeys([*n.in_types, *names, *n.links])), t


def _by_index(nodes: dict[str, Any], n: Any, declared: list[str], t: Any, value=None) -> tuple[bool, str | None]:
    """(an index setting was found, the input it picks) for an index switch."""
    numbered = [(m.group(1), int(m.group(2)), x) for x in declared if (m := NUMBERED.match(x))]
    base = 0 if any(i == 0 for _, i, _ in numbered) else 1  # its inputs numbered from 0 or from 1
    for name, first in (("select", 1), ("index", 0), ("Input", 1), ("input", 1)):
        k = _setting(nodes, n, name, value)
        spec = t.input(name) if t is not None else None
        low = spec.min if spec is not None and isinstance(spec.min, int) and not isinstance(spec.min, bool) else None
        if not isinstance(k, int) or isinstance(k, bool) or (name.lower() == "input" and low is None):
            continue  # a setting named 'input' is an index only where its pack declares it a number from low
        heads = {h for h, _, _ in numbered}
        if len(heads) != 1:
            return True, None
        if low is not None:  # declared from low: it names its input by number (input1, value0, image2)
            want = f"{next(iter(heads))}{k}"
            return True, want if want in declared else None
        return True, next((x for _, i, x in numbered if i == base + k - first), None)
    return False, None


def chosen(nodes: dict[str, Any], n: Any, value=None) -> str | None:
    """The input a pack's switch passes on, where its own settings say it; None otherwise (not a switch of these
    forms, or its choice made when the workflow runs)."""
    if not _is_switch_node(n):
        return None
    declared, t = _declared(n)
    found, pick = _by_index(nodes, n, declared, t, value)
    if found:
        return pick
    pair = _pair(declared, t)
    if pair is None:
        return None
    # its choosing setting: one of the usual names, else its one other declared input ('If ANY ...' 'ANY': a
    # boolean given there chooses as it is)
    others = [x for x in declared if x not in pair and x.lower() not in BOOLEAN]
    for name in [x for x in declared if x.lower() in BOOLEAN] + (others if len(others) == 1 else []):
        on = _setting(nodes, n, name, value)
        if isinstance(on, bool):
            n.chosen_by = name  # (read: its value chose: _selectors)
            return pair[0 if on else 1]
    return None


SETTINGS = BOOLEAN + ("select", "index", "Input", "input")  # the settings a switch chooses by


def _selectors(nodes: dict[str, Any], picks: dict[str, str | None], taken: set | None) -> dict[str, str | None]:
    """``picks`` (the switches whose choice is known); the nodes giving their choosing settings added to ``taken``
    (read: their value chose, though nothing reads them once the switch is read away)."""
    if taken is not None:
        for k, pick in picks.items():
            by = nodes[k].chosen_by or None
            taken.update(src for name, (src, _) in nodes[k].links.items() if (name in SETTINGS or name == by)
                         and name != pick)
    return picks


def read_away(nodes: dict[str, Any], taken: set | None = None) -> dict[str, int]:
    """Links from a pack's switch whose choice is knowable read as the chosen input's (unwired: nothing); those
    switches removed; how many of each type (the nodes choosing added to ``taken``)."""
    picks = {k: chosen(nodes, n) for k, n in nodes.items() if n.enabled and _is_switch(n.cls)}
    return passed_on(nodes, _selectors(nodes, {k: c for k, c in picks.items() if c is not None}, taken))


def read_away_worked_out(nodes: dict[str, Any], value, taken: set | None = None) -> dict[str, int]:
    """The switches left after ``read_away`` whose choice ``value`` (the workflow's reader) works out (a boolean a
    comparison of two numbers gives, Easy-Use's 'easy compare' into 'easy ifElse'), read away the same way."""
    picks = {k: chosen(nodes, n, value) for k, n in nodes.items() if n.enabled and _is_switch_node(n)}
    return passed_on(nodes, _selectors(nodes, {k: c for k, c in picks.items() if c is not None}, taken))


def passed_on(nodes: dict[str, Any], picks: dict[str, str | None]) -> dict[str, int]:
    """Links from the nodes ``picks`` names read as the input each passes on (its name; None: its first wired, as
    rgthree's Any Switch and the reroutes give: reading.workflow); those nodes removed; how many of each type."""
    if not picks:
        return {}

    firsts: dict[str, Any] = {}  # a first-given node -> what it gives (worked out once)

    def pick(src, depth: int = 0):
        for _ in range(MAX_CHAIN):
            if src[0] not in picks:
                return src
            links = nodes[src[0]].links
            name = picks[src[0]]
            if name is None:  # its first input given anything: one fed by a switch giving nothing passes to the next
                if src[0] not in firsts:
                    firsts[src[0]] = None  # (a circle gives nothing)
                    firsts[src[0]] = next((r for v in links.values() if depth < MAX_CHAIN
                                           and (r := pick(v, depth + 1)) is not None), None)
                return firsts[src[0]]
            src = links.get(name)
            if src is None:
                return None
        return None
    runs = {k: [r[0] for name, v in nodes[k].links.items() if name != picks[k] and name not in SETTINGS
                and lazy(nodes[k], name) is False and (r := pick(v)) is not None]  # (what ComfyUI computes for it all
            for k in picks}  # the same, through a reroute read away too)
    for n in nodes.values():
        if any(s[0] in picks for s in n.links.values()):
            n.also_run = tuple(dict.fromkeys([*n.also_run, *(x for v in n.links.values() for x in _ran(nodes, picks,
                                                                                                     runs, v))]))
            n.links = {k: r for k, v in n.links.items() if (r := pick(v)) is not None}
    counts: dict[str, int] = {}
    passed = {k: name if name is not None else next((x for x, v in nodes[k].links.items() if pick(v) is not None),
                                                    None) for k, name in picks.items()}  # (a first-given one's)
    for k in picks:
        n = nodes[k]
        counts[n.cls] = counts.get(n.cls, 0) + 1
        for name, (src, _) in n.links.items():  # its inputs not passed on: said so where nothing else reads them
            if name != passed[k] and src in nodes and src not in picks:
                nodes[src].unpicked = f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})'s '{name}'"
                nodes[src].unpicked_lazy = lazy(n, name)
        del nodes[k]
    return counts


def lazy(n: Any, name: str) -> bool | None:
    """Whether switch ``n``'s input ``name`` is declared lazy (ComfyUI computes what is wired there only when the
    switch asks for it: the one it passes on), as its pack's source declares it; an input its page adds beyond the
    declared ones (input2 after input1) as the declared one of its name and numbering; None where not known (a type
    not catalogued, or its pack read by a reader that did not record laziness)."""
    t = catalogue.node_type(n.origin or n.cls)
    if t is None or not t.lazy_read or t.inputs is None:
        return None
    i = t.input(name)
    if i is None and (m := NUMBERED.match(name)):
        i = next((x for x in t.inputs if (k := NUMBERED.match(x.name)) and k.group(1) == m.group(1)), None)
    return any(x.lazy for x in t.inputs) if i is None else i.lazy  # (inputs its source makes at run time, rgthree's
    # Any Switch's: lazy only where it declares any input lazy)


def _ran(nodes: dict[str, Any], picks: dict, runs: dict, src) -> list[str]:
    """The nodes the switches ``src`` comes through compute though they do not pass them on (``runs``)."""
    out: list[str] = []
    for _ in range(MAX_CHAIN):
        if src is None or src[0] not in picks:
            break
        out += runs[src[0]]
        name = picks[src[0]]
        src = nodes[src[0]].links.get(name) if name is not None else None
    return out
