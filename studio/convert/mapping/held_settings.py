"""Every setting of the nodes a held task read, as the workflow saves them (held23). A task Studio holds (no generator
made) keeps its model loader, its inputs and its prompts; the settings of the nodes on its way that no Studio node
takes (a wrapper loader's base_precision and attention_mode, a decoder's tiling, a sampler settings node's
riflex_freq_index, start_step, guidance_mode ...) were said only where a sentence happened to name them: read as
ComfyUI's own nodes by a pack's translation, those nodes' own values were lost silently (scail22: 104/07). Here each
node on a held task's way (mapping.held_translations.hold_way) and on no made generator's way has every setting its
type declares (the catalogue's declared widgets; an undeclared type: the settings the file names) said once, in one
sentence naming the node and the input, with the value as the file saves it (snapshot taken before any translation
rewrites the node: ``keep``), whole (a file name is never cut); a value a Studio node made from that node holds, or
one a sentence about that node already says, is not repeated. Told by the declared types, never by a node's name.
Plain stdlib."""
from __future__ import annotations

import json
import re
from typing import Any

from studio.core.shown import number

from .. import catalogue
from ..reading import fewer_values, layout_fit
from ..reading.file_ids import file_id
from ..reading.by_types import SEEDS, UPLOAD
from ..reading.subgraphs import CONTROL, SEED_CONTROLS
from ..tracing.roles import out_types
from ..tracing.walks import upstream

NAMED = re.compile(r"#([0-9][0-9:]*)|\bnode ([0-9][0-9:]*)")  # a node as a sentence names it
# a constant's outputs (a number's math too): said as the settings of the nodes reading it, worked out there (heldout104
# 07's Int 300, the clip's length its loader's Trim takes: never said 'not applied')
VALUES = {"INT", "FLOAT", "STRING", "BOOLEAN", "NUMBER"}
MISFIT = False  # _named's answer for values saved by place that do not fit the declared layout
WORDS = 8  # a text this long a Studio node holds (a prompt, a file's name) is held, whichever node it was read from


def keep(wf) -> None:
    """Each node's type, settings (as the file names them, else by place) and links as the file has them, kept on
    ``wf`` before a translation rewrites them (``wf.as_saved``: node id -> (its type as shown, settings, links, a UI
    file's values as saved, its type as read, whether ComfyUI runs it, its title))."""
    wf.as_saved = {k: (str(n.shown_cls), dict(n.settings()), dict(n.links), list(n.raw) if isinstance(n.raw, list)
                       else None, n.origin or n.cls, n.enabled, n.title) for k, n in wf.nodes.items()}


def _order(t, raw: list) -> list[str]:
    """The declared widgets in the order the frontend saves them (the required, then the optional; a seed's control
    word after it where the file saves one: reading.by_types.widget_names_of's order)."""
    controls = any(isinstance(v, str) and v in SEED_CONTROLS for v in raw)
    out = []
    for i in sorted(t.widgets, key=lambda i: i.optional):
        out += [i.name, CONTROL] if controls and i.type == "INT" and (i.name in SEEDS or i.control) else [i.name]
    return out


def _named(t, settings: dict, raw: list | None) -> dict[str, Any] | None | bool:
    """The node's settings by their declared names; a UI file's values saved by place named by the declared order
    (fewer values: by their declared types, reading.fewer_values); None where they cannot be named (said by place);
    MISFIT where the values saved by place do not fit the declared layout (reading.layout_fit: said so, unnamed)."""
    if t is None or t.inputs is None:
        return {k: v for k, v in settings.items() if not k.startswith("#")} or (None if settings else {})
    names, declared = [i.name for i in t.widgets], {i.name: i for i in t.widgets}
    if not settings or not all(k.startswith("#") for k in settings) or raw is None:  # (named: declared first)
        first = {k: settings[k] for k in names if k in settings}
        got = {**first, **{k: v for k, v in settings.items() if k not in first and not k.startswith("#")}}
        return got if raw is None or layout_fit.named_fit(got, declared) else MISFIT
    order = _order(t, raw)
    if len(raw) > len(order):
        return None  # (more values than the type declares: a later version's layout, not guessed)
    typed = fewer_values.named(order, raw, declared) if len(raw) < len(order) else None
    if typed is None and not layout_fit.order_fits(order, raw, declared):
        return MISFIT  # (another version's order: its values said unnamed, never by a wrong name: layout23)
    got = typed[0] if typed is not None else dict(zip(order, raw))
    return {k: v for k, v in got.items() if k not in (CONTROL, UPLOAD)}


def shown(v: Any) -> str:
    """A value as the sentence writes it: words quoted whole, numbers as Studio shows them, flags as they are."""
    if isinstance(v, str):
        return f"'{v}'"
    if isinstance(v, (bool, int, float)):
        return number(v)
    return json.dumps(v, ensure_ascii=False, default=str)


def _told(texts) -> dict[str, list[str]]:
    """Each node id -> the clauses of ``texts`` naming it (a clause naming none goes on about the nodes the clause
    before it names: "... makes it; Studio cannot convert it (said first) (its settings: ...)")."""
    out: dict[str, list[str]] = {}
    for line in (x for text in texts for x in text.split("\n")):
        last: list[str] = []
        for clause in line.split("; "):
            last = [m.group(1) or m.group(2) for m in NAMED.finditer(clause)] or last
            for k in dict.fromkeys(last):
                out.setdefault(k, []).append(clause)
    return out


def _said(clauses: list[str], k: str, v: Any) -> bool:
    """Whether a clause naming the node says its setting ``k`` of value ``v`` (or names the words ``v`` quoted)."""
    forms = [f"{k} {shown(v)}", f"{k} {v}", f"'{k}' {shown(v)}", f"'{k}' {v}", f'"{k}": ']
    if isinstance(v, str) and len(v) >= 6:
        forms.append(f"'{v}'")
    return any(f in c for c in clauses for f in forms)


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    return isinstance(a, str) and isinstance(b, str) and a == b


def _ways(b, saved: dict) -> list[str]:
    """The file's nodes (their ids as the file has them) of the held tasks' ways on no way a made Studio node (not a
    held task's) was made from; with them, up the file's own links, the nodes that fed them there (a wrapper's SetLoRAs a
    translation took away, its compile settings let go), none read away as the links it stands for."""
    held_band = {nid for band in getattr(b, "held_bands", ()) for nid in band}
    made: set[str] = set()
    for nid, cid in b.out.origin.items():
        if nid in held_band or cid in made or cid not in b.wf.nodes:
            continue
        made |= {n.id for n in upstream(b.wf, b.wf.nodes[cid])} | {cid}
    made = {file_id(k) for k in made}
    ways = {file_id(k) for k in getattr(b, "held_ways", set())} - made
    todo, idle = list(ways), getattr(b.wf, "idle", frozenset())  # (what ComfyUI does not run: said so)
    while todo:
        for src, _ in saved[k][2].values() if (k := todo.pop()) in saved else ():
            if src not in ways and src not in made and src in saved and src not in idle and not \
                    {saved[src][0], saved[src][4]} & set(b.wf.wiring):  # (a switch, a primitive read away: its value
                # is the input it passes on, read where that is)
                ways.add(src)
                todo.append(src)
    return sorted((k for k in ways if k in saved and saved[k][5]), key=lambda k: [int(p) if p.isdigit() else 0
                                                                                  for p in k.split(":")])


def _values(b, nid: str, saved: tuple, clauses: list[str], held: dict) -> list[str]:
    """Node ``nid``'s settings not held by a Studio node made from it (``held``: file node id -> the values its Studio
    nodes hold; '' -> the long texts any Studio node holds) nor said by a clause naming it, in words."""
    settings, links, raw, cls = saved[1:5]
    own, texts = held.get(nid, ()), held.get("", set())
    is_held = lambda v: any(_same(v, x) for x in own) or isinstance(v, str) and v in texts  # noqa: E731
    t = catalogue.node_type(cls)
    named = _named(t, settings, raw)
    if named is None or named is MISFIT:  # (its values by place: said so, those a Studio node holds or a sentence
        rest = [f"#{i} {shown(v)}" for i, v in enumerate(raw or ()) if v is not None and not  # says aside)
                isinstance(v, dict) and not is_held(v) and not _said(clauses, f"#{i}", v) and not _control(raw, i)]
        how = layout_fit.DIFFERS if named is MISFIT else "saved by place, unnamed"
        return [f"its values {how}: " + ", ".join(rest)] if rest else []
    wired = [i.name for i in t.widgets if i.name in links and i.name not in named] if t and t.inputs else []
    out = []
    for k, v in [*named.items(), *((k, None) for k in wired)]:
        if k in links:  # (a setting wired from another node: the value worked out, else the node named)
            src = b.wf.nodes.get(links[k][0])
            v = b.wf.output(src, links[k][1]) if src is not None else None
            if v is None or isinstance(v, (list, dict)):
                if src is not None and not any(f"'{k}'" in c or f"{k} " in c for c in clauses):
                    out.append(f"{_key(k)} wired from '{src.title or src.shown_cls}' (#{src.id}), worked out when the "
                               "workflow runs")
                continue
        if v is None or isinstance(v, dict) or _button(k, t) or is_held(v) or \
                _said(clauses, k, v) or v == "" and any("empty" in c for c in clauses):
            continue  # (a dict: the page's own state, a preview's; an empty text said as an empty prompt)
        out.append(f"{_key(k)} {shown(v)}")
    return out


def _control(raw: list, i: int) -> bool:
    """Whether value ``i`` is the frontend's control word after a seed ('randomize' after an integer): no setting."""
    return isinstance(raw[i], str) and raw[i] in SEED_CONTROLS and i > 0 and type(raw[i - 1]) is int


def _button(k: str, t) -> bool:
    """The frontend's upload button, saved beside the settings ('upload', VHS's 'choose video to upload'): none."""
    return k == UPLOAD or "upload" in k.lower() and (t is None or t.input(k) is None)


def _key(k: str) -> str:
    """A setting's name as the sentence writes it (quoted where it is more than one word: 'by wuwukasi（bilibili）')."""
    return k if k.isidentifier() or k.replace(".", "_").isidentifier() else f"'{k}'"


def _gives(wf, nid: str, cls: str) -> set[str]:
    """The types node ``nid`` gives: as its type declares them, else as the file or its readers say."""
    t = catalogue.node_type(cls)
    if t is not None and t.outputs:
        return set(t.output_types)
    return out_types(wf, wf.nodes[nid]) if nid in wf.nodes else set()


def say(b, listed: list[str]) -> None:
    """One sentence in the Log and a note on the canvas: the settings of each node on a held task's way that no
    Studio node made for it takes and no Log sentence or note names, as the workflow saves them (``listed``, the
    canvas's note of what is not converted, its settings cut short and in no Log line, is not counted: layout23)."""
    saved = getattr(b.wf, "as_saved", {})
    readers = {src for x in saved.values() for src, _ in x[2].values()}  # (a constant read: said as its readers')
    ways = [k for k in _ways(b, saved) if not (k in readers and (given := _gives(b.wf, k, saved[k][4])) and
                                               given <= VALUES)]
    held: dict[str, Any] = {}  # the values the Studio nodes made from each file node hold
    for nid, cid in b.out.origin.items():
        if nid in b.g.nodes:
            held.setdefault(file_id(cid), []).extend(b.g.nodes[nid].params.values())
    held[""] = {v for n in b.g.nodes.values() for v in n.params.values() if isinstance(v, str) and len(v) >= WORDS}
    told = _told([*b.out.log, *b.first_notes, *b.over.values(), *(n.get("text", "") for n in b.notes)])  # (not
    # ``listed``: the canvas's list of nodes not converted, their settings cut short there, in no Log line: layout23)
    parts = [f"'{saved[k][6] or saved[k][0]}' ({saved[k][0]}, #{k}) " + ", ".join(vals) for k in ways
             if (vals := _values(b, k, saved[k], told.get(k, []), held))]
    if parts:
        many = len(getattr(b, "held_bands", ())) > 1  # (several tasks held: one sentence for them all)
        whose, them = ("tasks'", "them") if many else ("task's", "it")
        line = (f"Settings of the held {whose} nodes that no Studio node made for {them} takes (not applied; to set by "
                "hand), as the workflow saves them: "
                + "; ".join(parts) + ".")
        b.out.log.append(f"{b.name}: {line}")
        b.note(line)
