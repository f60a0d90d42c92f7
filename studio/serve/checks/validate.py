"""ComfyUI's check of a prompt at the door (the meaning of its execution.py ``validate_prompt`` and
``validate_inputs``, read, not copied), before anything is converted or queued: every link names a
node of the prompt and an output it has, of the type the input takes; no node depends on its own
output; every required input is given; each value is of its input's type (a whole number for INT, a
finite number for FLOAT, true or false for BOOLEAN, text for STRING), inside its min and max, one of
its options. The declarations are those /object_info serves (api/object_info.read_node), so a client is
held to what it was told. Nothing is replaced: a value a client must change is a 400 naming the node
and the input in ComfyUI's shape (``node_errors``); stricter than ComfyUI where it would guess (3.7
for an INT, NaN, a value where a link belongs), and every output must pass, not only one."""
from __future__ import annotations

import math
import re
from typing import Any, Callable

from studio.core.shown import cut

from .refused import Refused

PRIMITIVE = ("INT", "FLOAT", "STRING", "BOOLEAN")
MAX_LISTED = 20  # options echoed in a 'value_not_in_list' (ComfyUI's: a long list of files is not sent back)
MAX_DEPTH = 8  # of a value's nesting looked into for a number JSON cannot hold (1e999 reads as inf)
_WHOLE = re.compile(r"[+-]?\d{1,20}")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def check(prompt: dict, declared: Callable[[str], dict]) -> None:
    """Refused (400, ``prompt_outputs_failed_validation``) when any node of ``prompt`` fails; a value
    given as text of a number ("512") is written back as the number, as ComfyUI does."""
    node_errors: dict[str, dict] = {}
    for nid, node in prompt.items():
        errors = _node(prompt, declared, node)
        if errors:
            node_errors[nid] = {"errors": errors, "dependent_outputs": [], "class_type": node["class_type"]}
    for nid, errors in _cycles(prompt, declared).items():
        entry = node_errors.setdefault(nid, {"errors": [], "dependent_outputs": [],
                                             "class_type": prompt[nid]["class_type"]})
        entry["errors"] += errors
    if not node_errors:
        return
    outputs = [nid for nid, n in prompt.items() if declared(n["class_type"]).get("output_node")]
    above = _upstream(prompt, outputs)
    for nid, entry in node_errors.items():
        entry["dependent_outputs"] = [o for o in outputs if nid in above[o]]
    lines = [f"{e['message']}: {e['details']}" for entry in node_errors.values() for e in entry["errors"]]
    raise Refused("Prompt outputs failed validation", node_errors, kind="prompt_outputs_failed_validation",
                  details="\n".join(lines))


def error(kind: str, message: str, details: str, name: str | None = None, **extra) -> dict:
    """One of a node's errors as ComfyUI answers it."""
    info = {"input_name": name, **extra} if name is not None else extra
    return {"type": kind, "message": message, "details": details, "extra_info": info}


def _node(prompt: dict, declared, node: dict) -> list[dict]:
    d = declared(node["class_type"]).get("input", {})
    required, optional = d.get("required", {}), d.get("optional", {})
    inputs = node.get("inputs", {})
    errors = [error("required_input_missing", "Required input is missing", name, name)
              for name, conf in required.items() if name not in inputs and conf and conf[0] != "*"]
    for name, value in inputs.items():
        conf = required.get(name) or optional.get(name)
        if isinstance(value, list) and (_typed(conf) or _link_shaped(value)):
            errors += _link(prompt, declared, name, value, conf)
            continue
        found = _value(name, value, conf)
        if isinstance(found, dict):
            errors.append(found)
        elif found is not value:
            inputs[name] = found  # "512" for an INT: the number it says
    return errors


def _typed(conf) -> bool:
    """Whether an input's declaration says what it takes (not '*', not undeclared)."""
    return bool(conf) and conf[0] != "*"


def _link_shaped(value: list) -> bool:
    """A list an input of any type reads as a link (as the converter reads one): [id, output index].
    Another list given to an input declared '*' or not at all is that node's value (a node pack's)."""
    return len(value) == 2 and isinstance(value[1], int) and not isinstance(value[1], bool)


def _link(prompt: dict, declared, name: str, value: list, conf) -> list[dict]:
    """A link [node id, output index]: to a node of the prompt, an output it has, of the input's type."""
    if len(value) != 2 or not isinstance(value[0], str) or not isinstance(value[1], int) \
            or isinstance(value[1], bool) or value[1] < 0:
        return [error("bad_linked_input", "Bad linked input, must be a length-2 list of [node_id, slot_index]",
                      f"{name}: {cut(repr(value), 80)}", name, received_value=_echo(value))]
    src, slot = value
    if src not in prompt:
        return [error("bad_linked_input", "Bad linked input: the linked node is not in the prompt",
                      f"{name}: node '#{cut(src, 80)}' is not in the prompt", name, linked_node=value)]
    outs = declared(prompt[src]["class_type"]).get("output") or []
    if outs and slot >= len(outs):
        return [error("bad_linked_input", "Bad linked input: the linked node has no such output",
                      f"{name}: node '#{src}' ({prompt[src]['class_type']}) has {len(outs)} output(s), not an "
                      f"output {slot}", name, linked_node=value)]
    want = conf[0] if conf else "*"
    if outs and isinstance(want, str) and not _fits(outs[slot], want):
        return [error("return_type_mismatch", "Return type mismatch between linked nodes",
                      f"{name}, received_type({outs[slot]}) mismatch input_type({want})", name,
                      received_type=outs[slot], linked_node=value)]
    return []


def _fits(given: str, want: str) -> bool:
    if "*" in (given, want):
        return True
    return bool(set(given.split(",")) & set(want.split(",")))


def _value(name: str, value: Any, conf) -> Any:
    """The value an input takes (``value`` itself, or the number a text of one says), else its error."""
    kind = conf[0] if conf else "*"
    opts = conf[1] if conf and len(conf) > 1 and isinstance(conf[1], dict) else {}
    if isinstance(kind, list):
        if isinstance(value, (str, int, float)) and value in kind and not isinstance(value, bool):
            return value
        listed = f"(list of length {len(kind)})" if len(kind) > MAX_LISTED else str(kind)
        return error("value_not_in_list", "Value not in list", f"{name}: '{cut(str(value), 80)}' not in {listed}",
                     name, received_value=_echo(value))
    if kind == "INT":
        number = _whole(value)
    elif kind == "FLOAT":
        number = _real(value)
    elif kind == "BOOLEAN":
        number = value if isinstance(value, bool) else None
    elif kind == "STRING":
        number = value if isinstance(value, str) else None
    elif kind == "*":
        bad = _not_finite(value)
        return value if bad is None else error("invalid_input_type", "A number JSON cannot hold",
                                               f"{name}: {bad} is not a finite number", name)
    else:  # a node's output type (IMAGE, MODEL...): a link is needed
        return error("invalid_input_type", f"Input takes a link from a node's {kind} output, not a value",
                     f"{name}: {cut(repr(value), 80)} is not a link [node_id, slot_index]", name,
                     received_value=_echo(value))
    if number is None:
        return error("invalid_input_type", f"Failed to convert an input value to a {kind} value",
                     f"{name}, {cut(repr(value), 80)}, {_why(kind)}", name, received_value=_echo(value))
    if isinstance(number, float) and math.isnan(number):
        return error("invalid_input_type", f"Failed to convert an input value to a {kind} value",
                     f"{name}, nan, not a number", name)
    lo, hi = opts.get("min"), opts.get("max")
    if kind in ("INT", "FLOAT") and lo is not None and number < lo:
        return error("value_smaller_than_min", f"Value {number} smaller than min of {lo}", name, name,
                     received_value=_echo(number), input_config=conf)
    if kind in ("INT", "FLOAT") and hi is not None and number > hi:
        return error("value_bigger_than_max", f"Value {number} bigger than max of {hi}", name, name,
                     received_value=_echo(number), input_config=conf)
    if kind == "FLOAT" and not math.isfinite(number):
        return error("invalid_input_type", "Failed to convert an input value to a FLOAT value",
                     f"{name}, {number}, not a finite number", name)
    return value if number == value and type(number) is type(value) else number


def _whole(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _WHOLE.fullmatch(value.strip()):
        return int(value.strip())
    return None


def _real(value: Any) -> float | int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        return float(value.strip())
    return None


def _why(kind: str) -> str:
    return {"INT": "not a whole number", "FLOAT": "not a number", "BOOLEAN": "not true or false",
            "STRING": "not text"}.get(kind, "not a value of its type")


def _not_finite(value: Any, depth: int = 0) -> str | None:
    """How a number JSON cannot hold shows ('inf', 'nan') where one is inside ``value``."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if depth < MAX_DEPTH and isinstance(value, dict):
        value = list(value.values())
    if depth < MAX_DEPTH and isinstance(value, list):
        return next((b for v in value if (b := _not_finite(v, depth + 1)) is not None), None)
    return None


def _echo(value: Any) -> Any:
    """A received value as echoed back: short, and JSON (no inf, no nan)."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, str):
        return cut(value, 80)
    if isinstance(value, (list, dict)):
        return cut(repr(value), 80)
    return value


def _links(prompt: dict) -> dict[str, list[str]]:
    """Each node's sources: the nodes of the prompt its links name."""
    return {nid: [v[0] for v in n.get("inputs", {}).values() if isinstance(v, list) and len(v) == 2
                  and isinstance(v[0], str) and v[0] in prompt] for nid, n in prompt.items()}


def _cycles(prompt: dict, declared) -> dict[str, list[dict]]:
    """The nodes that depend on their own output (each in a loop of links), with the loop named."""
    sources = _links(prompt)
    loops: dict[str, list[dict]] = {}
    for group in _strong_groups(sources):
        if len(group) == 1 and group[0] not in sources[group[0]]:
            continue
        shown = ", ".join(f"#{n}" for n in sorted(group)[:10]) + (" ..." if len(group) > 10 else "")
        for nid in group:
            loops[nid] = [error("dependency_cycle", "Dependency cycle detected",
                                f"node '#{nid}' ({prompt[nid]['class_type']}) depends on its own output through "
                                f"the loop {shown}")]
    return loops


def _strong_groups(sources: dict[str, list[str]]) -> list[list[str]]:
    """The strongly connected groups of the link graph (Kosaraju's two passes, without recursion: a
    prompt of 10,000 nodes in one chain must not reach Python's recursion limit)."""
    finished: list[str] = []  # the first pass: each node once everything it depends on is done
    seen: set[str] = set()
    for root in sources:
        if root in seen:
            continue
        seen.add(root)
        work = [(root, iter(sources[root]))]
        while work:
            node, it = work[-1]
            nxt = next((s for s in it if s not in seen), None)
            if nxt is None:
                work.pop()
                finished.append(node)
            else:
                seen.add(nxt)
                work.append((nxt, iter(sources[nxt])))
    users: dict[str, list[str]] = {n: [] for n in sources}
    for n, srcs in sources.items():
        for s in srcs:
            users[s].append(n)
    groups, placed = [], set()
    for root in reversed(finished):  # the second pass, along the links reversed
        if root in placed:
            continue
        placed.add(root)
        group, todo = [], [root]
        while todo:
            n = todo.pop()
            group.append(n)
            for u in users[n]:
                if u not in placed:
                    placed.add(u)
                    todo.append(u)
        groups.append(group)
    return groups


def _upstream(prompt: dict, outputs: list[str]) -> dict[str, set[str]]:
    """Each output's nodes, itself and those it depends on, direct or not (what an error holds back)."""
    sources, above = _links(prompt), {}
    for o in outputs:
        seen, todo = {o}, [o]
        while todo:
            for s in sources[todo.pop()]:
                if s not in seen:
                    seen.add(s)
                    todo.append(s)
        above[o] = seen
    return above
