"""LoRA stacks of any pack, by their declared types and their settings' shapes (issue 112, lorastack6), and of
rgthree's node pack (rgthree-comfy), the LoRA loaders community video workflows use most: "Power
Lora Loader (rgthree)" (any number of slots, each {on, lora, strength, strengthTwo}: saved by name in an API file,
as dicts among the widgets in a UI file) and "Lora Loader Stack (rgthree)" (four lora_0N / strength_0N pairs, 'None'
when empty). Each LoRA that is on is read as a LoraLoaderModelOnly would be: its file and its model strength, in the
order the node applies them. Read from the pack's declarations for their meaning; nothing of it is copied or run.
A slot that is on and cannot be read as the pack reads it (no file name, a strength that is no number, an 'on' that
is neither true nor false) is said and not applied, never applied at a default strength; the slots are read in one
pass, in time linear in their number, and past MAX_STACKED LoRAs of one stack the rest are said, not made (each is a
Video LoRA node of Studio's graph, its graph at most MAX_NODES).

Any other pack's stack is read by what it declares, never by its name (``is_stack``): a node taking one model and
giving one model (its declared sockets) that holds LoRA slots - dicts of a file and a strength (rgthree's shape, kept by
other packs: {on, lora, strength}; {enabled, name, strength}), a text setting holding a JSON list of such dicts
(DaSiWa's stack_data), or numbered settings (a 'lora' name, a strength, a clip strength, a switch: Comfyroll's
lora_name_1 / model_weight_1 / clip_weight_1 / switch_1) - or taking a list of LoRAs from a socket of a LoRA-list
type (LORA_STACK, LORAS: CR Apply LoRA Stack, LoraManager), whose giver is read the same way, the list chained into
it first (as Comfyroll's and Efficiency's stacks extend the one they are given). An entry switched off, or with no
file, is skipped as the pack skips it; one that cannot be read is said, naming the file and the node, not applied.

Plain data and stdlib (and the catalogue's declarations)."""
from __future__ import annotations

import json
import math
import re
from typing import Any

from .. import catalogue
from ..reading.workflow import CNode, Workflow
from ..values.shown import shown

POWER, STACK = "Power Lora Loader (rgthree)", "Lora Loader Stack (rgthree)"
STACKS = (POWER, STACK)
MAX_STACKED = 100  # LoRAs made from one stack (a workflow's: a handful; a hostile one: thousands, each a node)
MAX_SAID = 10  # slots that cannot be read said one by one, then how many more
EMPTY = ("", "None", "none", "(none)", "[none]")  # a slot with no LoRA chosen: the pack skips it as well
# (Lora Loader Stack's widgets, in the order a UI file saves them, are reading.workflow.WIDGETS')


def _number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _slot_order(key: str) -> int:
    tail = key.rpartition("_")[2]
    return int(tail) if tail.isdigit() and len(tail) < 10 else 0


def _slots(n: CNode) -> list[tuple[str, Any]]:
    """A Power Lora Loader's slots, first applied first: (its name, its value). An API file's lora_N settings; a
    UI file's dicts among its widgets that hold a 'lora' (the header and the spacer widgets hold none)."""
    if n.widgets:
        return sorted(((k, v) for k, v in n.widgets.items() if k.lower().startswith("lora_")),
                      key=lambda kv: _slot_order(kv[0]))
    return [(f"slot {i}", v) for i, v in enumerate((v for v in (n.raw or []) if isinstance(v, dict) and "lora" in v), 1)]


def _unread(s: Any) -> str | None:
    """Why a Power Lora Loader's slot is not applied as the pack applies it, else None (a slot that is off, or
    empty, is None too: the pack skips it)."""
    if not isinstance(s, dict):
        return f"{shown(s)} is not a slot of the pack's ({{on, lora, strength}})"
    on = s.get("on", True)
    if not isinstance(on, bool):
        return f"its 'on' {shown(on)} is neither true nor false"
    if not on or (isinstance(s.get("lora"), str) and s["lora"].strip() in EMPTY):
        return None
    if not isinstance(s.get("lora"), str):
        return f"its lora {shown(s.get('lora'))} is not a file name"
    if "strength" not in s:
        return f"LoRA '{s['lora']}' has no strength"
    if not _number(s["strength"]):
        return f"LoRA '{s['lora']}': its strength {shown(s['strength'])} is not a number"
    if s.get("strengthTwo") is not None and not _number(s["strengthTwo"]):
        return f"LoRA '{s['lora']}': its text-encoder strength {shown(s['strengthTwo'])} is not a number"
    return None


def stacked(wf: Workflow, n: CNode, said: list[str] | None = None) -> list[tuple[str, float, float | None]]:
    """The LoRAs a stack node applies, first applied first: (file, model strength, text-encoder strength or None
    where it is the model's). A slot that is on and cannot be read, and the LoRAs past MAX_STACKED, are said in
    ``said``, not applied."""
    out: list[tuple[str, float, float | None]] = []
    wrong: list[str] = []
    if n.cls not in STACKS:
        out = [(a, b, c) for a, b, c, _ in entries(wf, n, wrong)]
    elif n.cls == POWER:
        for key, s in _slots(n):
            why = _unread(s)
            if why is not None:
                wrong.append(f"{key}: {why}")
            elif s.get("on", True) and s["lora"].strip() not in EMPTY:
                out.append((s["lora"], float(s["strength"]),
                            float(s["strengthTwo"]) if s.get("strengthTwo") is not None else None))
    elif n.cls == STACK:
        for i in range(1, 5):
            name, strength = wf.value(n, f"lora_{i:02d}"), wf.value(n, f"strength_{i:02d}")
            if name is None or (isinstance(name, str) and name.strip() in EMPTY):
                continue
            if not isinstance(name, str):
                wrong.append(f"lora_{i:02d}: {shown(name)} is not a file name")
            elif not _number(strength):
                wrong.append(f"lora_{i:02d}: LoRA '{name}': its strength {shown(strength)} is not a number")
            else:
                out.append((name, float(strength), None))
    if said is not None:
        where = f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"
        if wrong:
            more = f"; and {len(wrong) - MAX_SAID:,} more" if len(wrong) > MAX_SAID else ""
            said.append(f"{where}: {'; '.join(wrong[:MAX_SAID])}{more}: not applied (" + (
                "the pack reads a slot as {on: true or false, lora: a file, strength: a number}" if n.cls in STACKS
                else "a LoRA's file, its strength a number, its switch on or off") + "); set what was meant in Video LoRA")
        if len(out) > MAX_STACKED:
            said.append(f"{where} applies {len(out):,} LoRAs; Studio makes the first {MAX_STACKED} of a stack: the "
                        f"other {len(out) - MAX_STACKED:,} (from '{out[MAX_STACKED][0]}') are not applied")
    return out[:MAX_STACKED]


# -- any pack's stack, by its declared types and its settings' shapes ---------------------------------------------
MAX_CHAINED = 64  # stacks chained into one another (a circle ends where it comes round)
NAMES = ("lora", "name", "lora_name")  # a slot dict's file (rgthree: 'lora'; DaSiWa: 'lora'; AcademiaSD: 'name')
STRENGTHS = ("strength", "str", "weight", "model_strength", "strength_model")  # a slot dict's model strength
CLIPS = ("strengthTwo", "clipStrength", "clip_strength", "strength_clip")  # its text encoder's (None: the model's)
SWITCHES = ("on", "enabled", "active")  # its switch (absent: on)
OFF = ("off", "disabled", "no", "false")  # a numbered switch's value that skips its LoRA (Comfyroll: 'Off')
ON = ("on", "enabled", "yes", "true")
_INDEX = re.compile(r"(?:^|_)(\d{1,3})(?:_|$)")


def _list_type(t: Any) -> bool:
    """A declared type carrying a list of LoRAs from node to node (LORA_STACK, LORAS, LORA_LIST); not a pack's own
    model's LoRA type (WANVIDLORA, MOTION_LORA: its family reads it) nor a file name."""
    u = str(t).upper()
    return u in ("LORA", "LORAS") or "LORA" in u and ("STACK" in u or "LIST" in u)


def declared(n: CNode) -> tuple[dict[str, str], list[str]]:
    """``n``'s sockets (name -> type) and outputs' types: as its pack declares them, else as its UI file saves them."""
    t = catalogue.node_type(n.origin or n.cls)
    ins = {i.name: i.type for i in t.sockets} if t is not None and t.inputs else {}
    ins.update({k: v for k, v in n.in_types.items() if k in n.links or k not in ins})
    outs = list(t.output_types) if t is not None and t.outputs else list(n.out_types)
    return ins, outs


def _slot(v: Any) -> bool:
    """A dict of one LoRA: a file name and a strength (its shape, whichever pack keeps it)."""
    return isinstance(v, dict) and any(isinstance(v.get(k), str) for k in NAMES) and \
        any(k in v for k in STRENGTHS)


def _texts(v: Any) -> list:
    """The slot dicts a text setting holds as a JSON list (DaSiWa's stack_data, AcademiaSD's list), else []."""
    if not (isinstance(v, str) and v.lstrip().startswith("[") and len(v) < 200_000):
        return []
    try:
        got = json.loads(v)
    except ValueError:
        return []
    return [x for x in got if _slot(x)] if isinstance(got, list) else []


def _dicts(n: CNode) -> list[tuple[str, dict]]:
    """``n``'s LoRA slots kept as dicts (its own, or in a JSON text), in order: (where, the slot)."""
    values = list(n.widgets.items()) if n.widgets else [(f"#{i}", v) for i, v in enumerate(n.raw)] \
        if isinstance(n.raw, list) else []
    out: list[tuple[str, dict]] = []
    for key, v in values:
        if _slot(v):
            out.append((key, v))
        elif isinstance(v, list) and any(_slot(x) for x in v):  # a list widget of slots (LoraManager's 'loras')
            out += [(f"{key}[{i}]", x) for i, x in enumerate(v, 1) if _slot(x)]
        else:
            out += [(f"{key}[{i}]", x) for i, x in enumerate(_texts(v), 1)]
    return out


def _numbered(wf: Workflow, n: CNode) -> dict[int, dict[str, str]]:
    """``n``'s numbered LoRA settings: index -> {'name' | 'model' | 'clip' | 'switch' | 'strengths': its setting(s)},
    only the indices holding a setting with 'lora' in its name (a file)."""
    groups: dict[int, dict[str, Any]] = {}
    for key in list(n.widgets) + [k for k in n.links if k not in n.widgets]:
        m = _INDEX.search(key)
        if m is None:
            continue
        parts, g = set(key.lower().split("_")), groups.setdefault(int(m.group(1)), {"strengths": []})
        if parts & {"switch", "toggle", "on", "enabled", "active"}:
            g["switch"] = key
        elif "clip" in parts:
            g["clip"] = key
        elif parts & {"strength", "weight", "wt", "str"} or "strength" in key.lower():
            g["strengths"].append(key)
        elif "lora" in key.lower():
            g.setdefault("name", key)
    return {i: g for i, g in sorted(groups.items()) if "name" in g and isinstance(wf.value(n, g["name"]), str)}


def _count(wf: Workflow, n: CNode) -> int | None:
    """How many numbered slots a stack uses where it says (a 'num_loras' / 'lora_count' setting), else None."""
    for key in n.widgets:
        parts = set(key.lower().split("_"))
        if "lora" in key.lower() and parts & {"count", "num"} and isinstance(v := wf.value(n, key), int) \
                and not isinstance(v, bool):
            return v
    return None


def _switched_off(wf: Workflow, n: CNode) -> bool:
    """A stack-wide switch set off (Easy-Use's 'toggle'): its own LoRAs are not given (those chained in still are)."""
    return any(not _INDEX.search(k) and set(k.lower().split("_")) & {"toggle", "enabled"} and
               wf.value(n, k) is False for k in n.widgets)


def _read_one(name: Any, model: Any, clip: Any, on: Any) -> tuple[str, float, float | None] | str | None:
    """One entry: (file, model strength, clip strength or None); why it cannot be read; None where it is skipped
    (off, or no file chosen), as the packs skip it."""
    if isinstance(on, str):
        on = False if on.strip().lower() in OFF else True if on.strip().lower() in ON else on
    if not isinstance(on, bool):
        return f"its switch {shown(on)} is neither on nor off"
    if not on or isinstance(name, str) and name.strip() in EMPTY:
        return None
    if not isinstance(name, str):
        return f"its LoRA {shown(name)} is not a file name"
    if not _number(model):
        return f"LoRA '{name}': its strength {shown(model)} is not a number"
    if clip is not None and not _number(clip):
        return f"LoRA '{name}': its text-encoder strength {shown(clip)} is not a number"
    return name, float(model), float(clip) if clip is not None else None


def own_entries(wf: Workflow, n: CNode, wrong: list[str]) -> list[tuple[str, float, float | None, CNode]]:
    """The LoRAs ``n`` itself holds, first applied first (its numbered settings, or its slot dicts)."""
    out: list[tuple[str, float, float | None, CNode]] = []
    if _switched_off(wf, n):
        return out
    count = _count(wf, n)
    for i, g in _numbered(wf, n).items():
        if count is not None and i > count:
            continue
        names = g["strengths"]
        if len(names) > 1:  # a plain and a model strength: a 'simple' mode reads the plain one (Easy-Use, Efficiency)
            simple = any(k.lower().endswith("mode") and wf.value(n, k) == "simple" for k in n.widgets)
            names = [k for k in names if ("model" in k.lower()) != simple] or names
        name = wf.value(n, g["name"])
        if len(names) != 1 and not (isinstance(name, str) and name.strip() in EMPTY):
            wrong.append(f"{g['name']}: LoRA {shown(name)}: " + (
                f"its strengths {', '.join(names)}: which one the pack applies is not known" if names else
                "no strength"))
            continue
        got = _read_one(name, wf.value(n, names[0]) if names else 1.0,
                        wf.value(n, g["clip"]) if "clip" in g else None,
                        wf.value(n, g["switch"]) if "switch" in g else True)
        if isinstance(got, str):
            wrong.append(f"{g['name']}: {got}")
        elif got is not None:
            out.append((*got, n))
    if out or _numbered(wf, n):
        return out
    for key, d in _dicts(n):
        got = _read_one(next((d[k] for k in NAMES if isinstance(d.get(k), str)), None),
                        next((d[k] for k in STRENGTHS if k in d), None),
                        next((d[k] for k in CLIPS if d.get(k) is not None), None),
                        next((d[k] for k in SWITCHES if k in d), True))
        if isinstance(got, str):
            wrong.append(f"{key}: {got}")
        elif got is not None:
            out.append((*got, n))
    return out


def entries(wf: Workflow, n: CNode, wrong: list[str], seen: set[str] | None = None,
            depth: int = 0) -> list[tuple[str, float, float | None, CNode]]:
    """The LoRAs node ``n`` applies or gives, first applied first: those of the lists wired into its LoRA-list
    sockets, then its own; each with the node holding it. What cannot be read is added to ``wrong``."""
    seen = set() if seen is None else seen
    if n.id in seen or depth > MAX_CHAINED:
        return []
    seen.add(n.id)
    out: list[tuple[str, float, float | None, CNode]] = []
    ins, _ = declared(n)
    for key, t in ins.items():
        src = wf.source(n, key) if _list_type(t) else None
        if src is not None and src.enabled:
            out += entries(wf, src, wrong, seen, depth + 1)
    own: list[str] = []
    out += own_entries(wf, n, own)
    wrong += [f"{n.named()}'s {w}" for w in own] if depth else own  # (a giver's entry: said as that node's)
    return out


def givers(wf: Workflow, n: CNode) -> list[CNode]:
    """The nodes whose LoRA lists reach stack ``n`` through its LoRA-list sockets (read with it)."""
    seen, todo, out = {n.id}, [n], []
    while todo and len(out) < MAX_CHAINED:
        m = todo.pop()
        ins, _ = declared(m)
        for key, t in ins.items():
            src = wf.source(m, key) if _list_type(t) else None
            if src is not None and src.id not in seen:
                seen.add(src.id)
                out.append(src)
                todo.append(src)
    return out


def is_stack(wf: Workflow, n: CNode) -> bool:
    """Whether ``n`` applies a stack of LoRAs to one model, by its declared types: one model in and one out, and a
    LoRA list wired into a socket of a LoRA-list type, or LoRA slots of its own (dicts, a JSON list, numbered
    settings). rgthree's stacks by their names (their sockets are not declared)."""
    if n.cls in STACKS:
        return True
    ins, outs = declared(n)
    if outs.count("MODEL") != 1 or list(ins.values()).count("MODEL") != 1:
        return False  # (two models in or out: a pack's own two-expert stack, its slots' meaning its own)
    return any(_list_type(t) and k in n.links for k, t in ins.items()) or bool(_dicts(n)) or \
        len(_numbered(wf, n)) > 1
