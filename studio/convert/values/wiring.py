"""The links a workflow's frontend-only nodes stand for: KJNodes' Set/Get pairs and cg-use-everywhere's broadcasts.

Neither kind of node runs: ComfyUI's frontend turns them into plain links when it queues the workflow (an API
export has none of them), so a UI file that uses them has its samplers' models, prompts and images arriving
through no link at all. Read for their meaning (KJNodes ``web/js/setgetnodes.js``; cg-use-everywhere 7.x
``js/use_everywhere_classes.js``, ``use_everywhere_graph_analysis.js``, ``ue_properties.js``, both Apache 2.0);
the rules here are written from those descriptions:

- **Set/Get**: a ``GetNode`` gives what the ``SetNode`` of the same name (its first setting) in its own graph is
  given, else the one in the graph around it; a SetNode's own output passes its input on. Easy-Use's
  ``easy getNode``/``easy setNode`` are the same frontend-only pair (its ``getset.js``, from diffus3's, marks them
  virtual nodes: never queued), read alike.
- **Broadcasts**: each wired input of an ``Anything Everywhere`` node (its older ``Anything Everywhere3``,
  ``Anything Everywhere?`` and ``Prompts Everywhere`` too), and each output of a node set to broadcast
  (``properties.ue_convert``), reaches every input of a live node of the same type that has no link and is not a
  setting (a setting only where the node marks it connectable, or where the older frontend showed it as an input
  of its own: ``_converted``), within the broadcaster's restrictions: regular
  expressions on the receiving node's title, the input's name and the group it lies in (each invertible), the
  same (or another) group or colour as the broadcaster, and, where one broadcaster carries two inputs of a type
  (or is set so), its input's name matched against the receiver's (exactly, by start, by end, as a regular
  expression, or as the receiving node's title). Where several reach one input, the highest priority wins (set
  on the node, else 10, +10 Prompts Everywhere, +20 with a regular expression or repeated types, +3 group,
  +6 colour); two of the highest leave it unwired, as ComfyUI does, and that is said.

Plain stdlib: nothing is run."""
from __future__ import annotations

import math
import re
from typing import Any, Callable

GET, SET = "GetNode", "SetNode"
# the frontend-only pairs (registered by the packs' JavaScript, as LGraphNodes: KJNodes', Easy-Use's, KayTool's)
GETS, SETS = frozenset({GET, "easy getNode", "KayGetNode"}), frozenset({SET, "easy setNode", "KaySetNode"})
UE_PREFIX = "Anything Everywhere"
TYPE_NAME = re.compile(r"[A-Z][A-Z0-9_]*$")  # a broadcaster's '*' input named for the type it carries (WANTEXTENCODER)
PROMPTS = "Prompts Everywhere"
# Prompts Everywhere's two inputs go to inputs whose names match these (its i18n.js, the English names)
PROMPT_REGEXES = (r"(_|\b)pos(itive|_|\b)|^prompt|正面", r"(_|\b)neg(ative|_|\b)|负面")

CHECKS = 1_000_000  # broadcasts checked against inputs, at most (a hostile file: thousands of each)
MAX_TIES_SAID = 20  # inputs left unwired by a tie, said one by one (then how many more)
Source = tuple[Any, int]  # (a node's id in its graph, as the file has it, or -10: the subgraph's inputs; output slot)


def is_broadcaster(n: dict) -> bool:
    t = str(n.get("type") or "")
    return t.startswith(UE_PREFIX) or t in (PROMPTS, "Seed Everywhere")


def is_wiring(n: dict) -> bool:
    """A node that stands for links (read away): Set/Get, a broadcaster (Seed Everywhere, which holds a value,
    stays a node)."""
    t = str(n.get("type") or "")
    return t in GETS or t in SETS or (is_broadcaster(n) and t != "Seed Everywhere")


def is_set(n: dict) -> bool:
    """A Set node (KJNodes' or Easy-Use's): its own output passes its input on."""
    return n.get("type") in SETS


def _props(n: dict) -> dict:
    p = n.get("properties")
    return p if isinstance(p, dict) else {}


def _ue(n: dict) -> dict:
    """Its use-everywhere settings: ``ue_properties`` (7.x), else the older ones kept on ``properties``."""
    p = _props(n)
    q = p.get("ue_properties")
    return q if isinstance(q, dict) else p


def _name(i: dict) -> str:
    return str(i.get("label") or i.get("localized_name") or i.get("name") or "")


def _shown(n: dict) -> str:
    return str(n.get("title") or n.get("type") or "")


# a group holding a repeat or a choice, itself repeated ('(a+)+', '(a|aa)*'): an expression that can take exponential time on a
# name, never run (a file's expressions are matched against names the same file writes)
NESTED_REPEAT = re.compile(r"\((?:[^()\\]|\\.)*[*+}|](?:[^()\\]|\\.)*\)\s*[*+{]")
NEVER = re.compile(r"(?!)")


def _regex(pattern: Any, invert: Any, said: list[str] | None = None) -> tuple[re.Pattern, bool] | None:
    if not isinstance(pattern, str) or not pattern or pattern == ".*":
        return None
    if len(pattern) > 500 or NESTED_REPEAT.search(pattern):
        if said is not None:
            said.append(f"a broadcast's expression {pattern[:60]!r} repeats a group that repeats or chooses (or is over 500 "
                        "characters): not run, so that broadcast reaches nothing")
        return NEVER, False
    try:
        return re.compile(pattern), bool(invert)
    except re.error:  # an expression Python cannot read: no restriction, as the pack does with one it cannot
        return None


def _passes(rx: tuple[re.Pattern, bool] | None, text: str) -> bool:
    return rx is None or bool(rx[0].search(text)) != rx[1]


def _centre(n: dict) -> tuple[float, float]:
    pos, size = n.get("pos"), n.get("size")

    def pair(v, a, b):
        if isinstance(v, (list, tuple)) and len(v) >= 2:
            return v[0], v[1]
        return (v.get(a, 0), v.get(b, 0)) if isinstance(v, dict) else (0, 0)
    (x, y), (w, h) = pair(pos, "0", "1"), pair(size, "0", "1")
    try:
        return float(x) + float(w) / 2, float(y) + float(h) / 2
    except (TypeError, ValueError):
        return 0.0, 0.0


def _groups_of(nodes: list[dict], groups: list) -> dict[str, list[str]]:
    """Each node's groups' titles (a node lies in a group when its centre does, as ComfyUI's frontend counts)."""
    out: dict[str, list[str]] = {}
    for g in groups or []:
        b = g.get("bounding") if isinstance(g, dict) else None
        if not isinstance(b, (list, tuple)) or len(b) < 4:
            continue
        try:
            x, y, w, h = (float(v) for v in b[:4])
        except (TypeError, ValueError):
            continue
        for n in nodes:
            cx, cy = _centre(n)
            if x <= cx <= x + w and y <= cy <= y + h:
                out.setdefault(str(n.get("id")), []).append(str(g.get("title") or ""))
    return out


class _Broadcast:
    def __init__(self, ctrl: dict, index: int, kind: str, source: Source, name: str, repeated: bool,
                 groups: dict[str, list[str]], nodes: list[dict], said: list[str]):
        ue = _ue(ctrl)
        self.ctrl, self.kind, self.source, self.name = ctrl, kind, source, name
        self.title_rx = _regex(ue.get("title_regex"), ue.get("title_regex_invert"), said)
        self.input_rx = _regex(ue.get("input_regex"), ue.get("input_regex_invert"), said)
        group_rx = _regex(ue.get("group_regex"), ue.get("group_regex_invert"), said)
        if str(ctrl.get("type")) == f"{UE_PREFIX}?" and "ue_properties" not in _props(ctrl):  # its regexes as settings
            v = ctrl.get("widgets_values") if isinstance(ctrl.get("widgets_values"), list) else []
            self.title_rx = self.title_rx or _regex(v[0] if len(v) > 0 else None, False, said)
            self.input_rx = self.input_rx or _regex(v[1] if len(v) > 1 else None, False, said)
            group_rx = group_rx or _regex(v[2] if len(v) > 2 else None, False, said)
        self.rule = _int(ue.get("repeated_type_rule")) if repeated or _int(ue.get("apply_to_unrepeated")) else None
        if str(ctrl.get("type")) == PROMPTS and index in (0, 1):  # its two inputs told apart by these instead
            self.input_rx, self.rule = _regex(PROMPT_REGEXES[index], False), None
        self.name_rx = _regex(name, False, []) if self.rule == 4 else None  # its input's name as an expression
        self.any = _int(ue.get("send_to_any")) > 0
        self.to_combo = _int(ue.get("string_to_combo")) > 0
        me = str(ctrl.get("id"))
        allowed: set[str] | None = None
        gr, cr = _int(ue.get("group_restricted")), _int(ue.get("color_restricted"))
        if gr in (1, 2):
            mine = set(groups.get(me, []))
            inside = {str(n.get("id")) for n in nodes if mine & set(groups.get(str(n.get("id")), []))}
            allowed = inside if gr == 1 else {str(n.get("id")) for n in nodes} - inside
        if cr in (1, 2):
            colour = ctrl.get("color")
            same = {str(n.get("id")) for n in nodes if (n.get("color") == colour) == (cr == 1)}
            allowed = same if allowed is None else allowed & same
        if group_rx is not None:
            matching = {str(n.get("id")) for n in nodes if any(_passes(group_rx, t) for t in groups.get(str(n.get("id")), []))}
            allowed = matching if allowed is None else allowed & matching
        self.allowed = allowed
        p = ue.get("priority")
        if isinstance(p, (int, float)) and not isinstance(p, bool) and p and math.isfinite(p):
            self.priority = float(p)
        else:
            self.priority = 10 + (10 if str(ctrl.get("type")) == PROMPTS else 0) + (
                20 if (self.title_rx or self.input_rx or group_rx or repeated) else 0) + (3 if gr > 0 else 0) + (
                6 if cr > 0 else 0)

    def reaches(self, node: dict, inp: dict) -> bool:
        if str(self.source[0]) == str(node.get("id")):
            return False
        t = str(inp.get("type") or "")
        if t != self.kind and not (t == "COMBO" and self.kind == "STRING" and self.to_combo) and not (
                t == "*" and self.any):
            return False
        if self.allowed is not None and str(node.get("id")) not in self.allowed:
            return False
        if not _passes(self.title_rx, _shown(node)) or not _passes(self.input_rx, _name(inp)):
            return False
        if self.rule is None:
            return True
        mine, theirs = self.name, str(inp.get("label") or inp.get("name") or "")
        k = min(len(mine), len(theirs))
        if self.rule == 1:
            return theirs[:k] == mine[:k]
        if self.rule == 2:
            return theirs[len(theirs) - k:] == mine[len(mine) - k:]
        if self.rule == 3:
            return str(node.get("title") or "") == mine
        if self.rule == 4:
            return self.name_rx is not None and bool(self.name_rx[0].search(theirs))
        return theirs == mine


def _dict(v: Any) -> dict:
    return v if isinstance(v, dict) else {}


def _int(v: Any) -> int:
    ok = isinstance(v, int) or isinstance(v, float) and math.isfinite(v) and abs(v) < 2**31
    return int(v) if ok and not isinstance(v, bool) else 0


SEED_CONTROLS = ("fixed", "increment", "decrement", "randomize")


def _converted(n: dict) -> bool:
    """A setting shown as an input by the older frontend (before every setting had one): the node, with no
    use-everywhere 7.x properties, lists fewer settings among its inputs than it saves values for (a KSampler
    saving seven values, its seed alone an input). Such an input was a socket of its own, which the broadcasts
    of that time reached (the AnimateDiff workflow of the thirteenth held-out set gives its KSampler's seed so)."""
    if "ue_properties" in _props(n) or not isinstance(n.get("widgets_values"), list):
        return False
    shown = sum(1 for i in n.get("inputs") or [] if isinstance(i, dict) and i.get("widget") is not None)
    values = [v for v in n["widgets_values"] if not (isinstance(v, str) and v in SEED_CONTROLS)]
    return 0 < shown < len(values)


def _live(n: dict) -> bool:
    m = n.get("mode")
    return m in (0, None)


def broadcasts(nodes: list[dict], source_of: Callable[[Any], Source | None], groups: list | None,
               said: list[str]) -> dict[tuple[str, str], Source]:
    """(a node's id, an input's name) -> the source a broadcast gives that unwired input, for one graph's
    ``nodes`` (``source_of``: a link id -> its source); an input two broadcasts reach at one priority is said."""
    nodes = [n for n in nodes if isinstance(n, dict)]
    where = _groups_of(nodes, groups or [])
    made = _broadcasters(nodes, source_of, where, said)
    if not made:
        return {}
    return _wired(nodes, made, source_of, said)


def _broadcasters(nodes: list[dict], source_of: Callable[[Any], Source | None], where: dict[str, list[str]],
                  said: list[str]) -> list["_Broadcast"]:
    """The broadcasts of ``nodes``: each wired input of an Anything Everywhere node, each output of a node set to
    broadcast its own (ue_convert) but those it keeps quiet."""
    made: list[_Broadcast] = []
    for n in nodes:
        if not _live(n):
            continue
        if is_broadcaster(n) and str(n.get("type")) != "Seed Everywhere":
            wired = []
            for i, inp in enumerate(n.get("inputs") or []):
                src = source_of(inp.get("link")) if isinstance(inp, dict) and inp.get("link") is not None else None
                if src is not None:
                    kind = str(inp.get("type") or "")
                    if kind == "*" and TYPE_NAME.match(_name(inp)):  # its input renamed for the type wired in
                        kind = _name(inp)
                    wired.append((i, kind if kind != "*" else "", src, _name(inp)))
            kinds = [w[1] for w in wired]
            made += [_Broadcast(n, i, kind, src, name, kinds.count(kind) > 1, where, nodes, said)
                     for i, kind, src, name in wired if kind]
        elif _props(n).get("ue_convert"):
            quiet = _dict(_ue(n).get("output_not_broadcasting"))
            outs = [o for o in n.get("outputs") or [] if isinstance(o, dict)]
            kinds = [str(o.get("type") or "") for o in outs]
            made += [_Broadcast(n, -1, str(o.get("type") or ""), (n.get("id"), j), _name(o),
                                kinds.count(str(o.get("type") or "")) > 1, where, nodes, said)
                     for j, o in enumerate(outs) if o.get("type") and not quiet.get(o.get("name"))]
    return made


def _wired(nodes: list[dict], made: list["_Broadcast"], source_of: Callable[[Any], Source | None],
           said: list[str]) -> dict[tuple[str, str], Source]:
    """Each unwired input of ``nodes`` that takes a broadcast and is reached by ``made``: the source of the one
    of highest priority (a tie at one priority left unwired and said; the checks bounded by CHECKS)."""
    by_kind: dict[str, list[_Broadcast]] = {}
    for b in made:
        by_kind.setdefault(b.kind, []).append(b)
    loose = [b for b in made if b.any or b.to_combo]  # those that reach other types too
    budget, ties = CHECKS, 0
    out: dict[tuple[str, str], Source] = {}
    for n in nodes:
        props = _props(n)
        if not _live(n) or is_broadcaster(n) or props.get("rejects_ue_links"):
            continue
        ue = _ue(n)
        for inp in n.get("inputs") or []:
            if not isinstance(inp, dict) or (inp.get("link") is not None and source_of(inp.get("link")) is not None):
                continue
            name = str(inp.get("name"))
            if inp.get("widget") is not None:
                if not _dict(ue.get("widget_ue_connectable")).get(name) and not _converted(n):
                    continue
            elif _dict(ue.get("input_ue_unconnectable")).get(name):
                continue
            those = by_kind.get(str(inp.get("type") or ""), []) + loose
            budget -= len(those)
            if budget < 0:
                if ties > MAX_TIES_SAID:
                    said.append(f"{ties - MAX_TIES_SAID:,} more inputs are reached by broadcasts at one priority and "
                                "left unwired")
                said.append(f"the workflow's broadcasts (Anything Everywhere) would be checked against its inputs more "
                            f"than {CHECKS:,} times: inputs from '{_shown(n)}' (#{n.get('id')}) on are left unwired")
                return out
            found = sorted({id(b): b for b in those if b.reaches(n, inp)}.values(), key=lambda b: -b.priority)
            if not found:
                continue
            if len(found) > 1 and found[0].priority == found[1].priority:
                tied = [f"'{_shown(b.ctrl)}' (#{b.ctrl.get('id')})" for b in found if b.priority == found[0].priority]
                ties += 1
                if ties <= MAX_TIES_SAID:
                    more = f" and {len(tied) - 4:,} more" if len(tied) > 4 else ""
                    said.append(f"'{_shown(n)}' (#{n.get('id')})'s input '{_name(inp)}' is reached by "
                                f"{', '.join(tied[:4])}{more} at one priority: ComfyUI leaves it unwired, and so does "
                                "Studio")
                continue
            out[(str(n.get("id")), name)] = found[0].source
    if ties > MAX_TIES_SAID:
        said.append(f"{ties - MAX_TIES_SAID:,} more inputs are reached by broadcasts at one priority and left unwired")
    return out


def _set_gives(n: dict) -> bool:
    """A Set that still gives its input: live, or bypassed (a bypassed node passes its input on; the frontend saves
    every node inside a bypassed subgraph bypassed, its Set/Get pairs with them: heldout45 03/04's clips bypassed
    after the first passed the first's frames on through their 'Prev_Images' pair, read as leading nowhere)."""
    return _live(n) or n.get("mode") == 4


def setters(nodes: list[dict], source_of: Callable[[dict, dict], Source | None]) -> dict[str, Source]:
    """Each SetNode's name -> the source its input is given (``source_of``: (node, input) -> source)."""
    out: dict[str, Source] = {}
    for n in nodes:
        if not isinstance(n, dict) or n.get("type") not in SETS or not _set_gives(n):
            continue
        v = n.get("widgets_values")
        name = v[0] if isinstance(v, list) and v else None
        ins = [i for i in n.get("inputs") or [] if isinstance(i, dict)]
        src = source_of(n, ins[0]) if ins else None
        if isinstance(name, str) and name and src is not None:
            out.setdefault(name, src)
    return out


def getter_name(n: dict) -> str | None:
    if n.get("type") not in GETS and n.get("type") not in SETS:
        return None
    v = n.get("widgets_values")
    return v[0] if isinstance(v, list) and v and isinstance(v[0], str) else None


FRONTEND_REROUTES = ("Reroute", "Reroute (rgthree)", "ReroutePrimitive|pysssss")  # frontend-only, like Set/Get


def frontend_made(cls: str) -> bool:
    """A type ComfyUI's frontend turns into links when it queues a workflow (a reroute, Set/Get, a broadcaster), not a
    server node read away as the input it passes on (a pack's switch, rgthree's Any Switch, LayerStyle's AnyRerouter):
    the seventh held-out set's Crystools switch was said to be made into links by the frontend."""
    return cls in FRONTEND_REROUTES or is_wiring({"type": cls})
