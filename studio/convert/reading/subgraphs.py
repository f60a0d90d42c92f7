"""A ComfyUI subgraph node's own values for the inner settings it shows, written into its inner nodes by name
(issue 99, item 6): by ``properties.proxyWidgets`` ((inner node, setting) pairs, in the order of its values), else
by the setting inputs it lists or the subgraph's own inputs, each value into the inner settings that input feeds.
A seed's control value ('randomize', 'fixed') saved beside it keeps no setting of its own: it is passed over, so
that the values after it land in their own settings, not one along (a text encoder's file read as a LoRA's).
Values that still cannot be matched to the settings are said, not written one along, nor dropped in silence; a
proxied value saved as null is no value: the inner node's own is kept (the thirteenth held-out set).

Plain data and stdlib (reading.workflow calls it while it reads a UI file)."""
from __future__ import annotations

import json
from typing import Any

SEED_CONTROLS = ("fixed", "increment", "decrement", "randomize")  # the UI's values of a seed's CONTROL
CONTROL = "control_after_generate"  # the UI's extra value after a seed (fixed / randomize / ...)
CONTROLS = (CONTROL, "control_before_generate")


def _without_controls(values: list, want: int) -> list:
    """``values`` with the seed controls passed over (a control value following a whole number), while there are
    more values than the ``want`` settings they are for."""
    out, surplus = [], len(values) - want
    for i, v in enumerate(values):
        if surplus > 0 and i and isinstance(v, str) and v in SEED_CONTROLS and isinstance(values[i - 1], int) \
                and not isinstance(values[i - 1], bool):
            surplus -= 1
            continue
        out.append(v)
    return out


def proxy_values(nodes: dict[str, Any], inst: str, n: dict, sub: dict | None, said: list[str]) -> None:
    """A subgraph node's own values for the inner settings it shows, written into those inner nodes. An empty
    list keeps the inner nodes' values. Files whose node lists fewer setting inputs than it holds values
    (ComfyUI's Wan Animate 2 template: 10 listed, 18 values) are read by the subgraph's own inputs, those the
    node does not take as a wire, in order."""
    proxies = _proxies(n)
    values = n.get("widgets_values")
    if not isinstance(values, list) or not values:
        _tied(nodes, inst, proxies, n)
        return
    # the values follow the list; a seed's control shown beside it keeps no value of its own there
    named = proxies if len(values) == len(proxies) else [p for p in proxies if p[1] not in CONTROLS]
    if named and len(values) == len(named):
        for (inner, name), v in zip(named, values):
            if v is None:  # a setting the node shows but saved no value for (null): the inner node keeps its own
                continue  # (the seed ComfyUI's LTX-2 template's node saves as null, its RandomNoise holding 10)
            if inner == "-1":  # the subgraph's own input of that name: the inner settings it feeds
                _feed(nodes, inst, name, v)
            elif (node := nodes.get(f"{inst}:{inner}")) is not None:
                node.widgets[name] = v
        _tied(nodes, inst, proxies, n)
        return
    # older files: the values of the node's inputs that are settings, in order, each written into
    # the inner settings that input feeds
    shown = [i.get("name") for i in n.get("inputs") or [] if isinstance(i, dict) and i.get("widget")]
    if len(shown) != len(values) and len(shown) != len(_without_controls(values, len(shown))) and isinstance(sub, dict):
        wired = {i.get("name") for i in n.get("inputs") or [] if isinstance(i, dict) and not i.get("widget")}
        shown = [x.get("name") for x in sub.get("inputs") or [] if isinstance(x, dict) and x.get("name") not in wired]
    kept = values if len(shown) == len(values) else _without_controls(values, len(shown))
    if len(shown) != len(kept):
        if shown:
            title = n.get("title") or (sub.get("name") if isinstance(sub, dict) else None) or n.get("type")
            said.append(f"subgraph '{title}' (#{inst}): "
                        f"its {len(values)} saved values do not match its {len(shown)} settings "
                        f"({', '.join(str(x) for x in shown[:8])}): the inner nodes' own values are read; check them")
        return
    for name, v in zip(shown, kept):
        _feed(nodes, inst, name, v)


def _proxies(n: dict) -> list[tuple[str, str]]:
    """A subgraph node's ``properties.proxyWidgets``: (inner node id, or "-1" for the subgraph's own input, and
    the setting's name) pairs, in the order of its values; saved as a list or as that list in JSON text."""
    raw = (n.get("properties") or {}).get("proxyWidgets") or []
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return []
    if not isinstance(raw, list):
        return []
    return [(str(p[0]), str(p[1])) for p in raw if isinstance(p, (list, tuple)) and len(p) == 2]


def _feed(nodes: dict[str, Any], inst: str, name: str, v: Any) -> None:
    """The value of subgraph node ``inst``'s input ``name`` written into each inner setting that input feeds."""
    for node in nodes.values():
        if node.id.startswith(inst + ":"):
            for k, src in node.links.items():
                if len(src) == 3 and src[1] == inst and src[2] == name:
                    node.widgets[k] = v


def _tied(nodes: dict[str, Any], inst: str, proxies: list[tuple[str, str]], n: dict) -> None:
    """The value of each inner setting the subgraph node ``inst`` shows (``proxies``) whose input is the subgraph's
    own input also written into the other inner settings that input feeds: ComfyUI gives them all the one value the
    node shows (SCAIL-2's blueprints: the input 'length' shown as ImageFromBatch's length, 81, is also the 'b' of
    the ComfyMathExpression picking the segment's first frame, which saves no value of its own); not where the
    subgraph node ``n`` is given that input by a wire."""
    wired = {i.get("name") for i in n.get("inputs") or [] if isinstance(i, dict) and i.get("link") is not None}
    for inner, name in proxies:
        node = nodes.get(f"{inst}:{inner}") if inner != "-1" else None
        src = node.links.get(name) if node is not None else None
        if src is None or len(src) != 3 or src[1] != inst or src[2] in wired or node.widgets.get(name) is None:
            continue  # (an input the subgraph node is given by a wire: its value is the wire's)
        _feed(nodes, inst, src[2], node.widgets[name])
