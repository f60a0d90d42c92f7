"""Every setting of the nodes a held task read, as the workflow saves them (held23). A task Studio holds (no generator
made) keeps its model loader, its inputs and its prompts; the settings of the nodes on its way that no Studio node
takes (a wrapper loader's base_precision and attention_mode, a decoder's tiling, a sampler settings node's
riflex_freq_index, start_step, guidance_mode ...) were said only where a sentence happened to name them: read as
ComfyUI's own nodes by a pack's translation, those nodes' own values were lost silently (scail22: 104/07). Here each
node on a held task's way (mapping.held_translations.hold_way) and on no made generator's way has every setting its
type declares (the catalogue's declared widgets; an undeclared type: the settings the file names) said once, in one
sentence naming the node and the input, with the value as the file saves it (snapshot taken before any translation
rewrites the node: ``keep``), whole (a file name is never cut); a value a Studio node made from that node holds, or
one a sentence about that node already says, is not repeated. A converted task (settings23) says the same of the
pack's nodes a translation read as ComfyUI's own for it, in one sentence of its own: only a declared setting fitting its
declared type, not its default, not a flag turned off, not wired, no value any of the task's Studio nodes holds (a kijai
T2V chain's base_precision, attention_mode, riflex_freq_index, tiling were lost unsaid). Told by the declared types,
never by a node's name. Plain stdlib."""
from __future__ import annotations

import json
import math
import re
from typing import Any

from studio.core.shown import number

from .. import catalogue
from ..reading import fewer_values, layout_fit
from ..reading.file_ids import file_id, id_order
from ..reading.by_types import UPLOAD, frontend_order
from ..reading.subgraphs import CONTROL, SEED_CONTROLS
from ..tracing.roles import out_types
from .held_translations import made_from

NAMED = re.compile(r"#([0-9][0-9:]*)|\bnode ([0-9][0-9:]*)")  # a node as a sentence names it
# a constant's outputs (a number's math too): said as the settings of the nodes reading it, worked out there (heldout104
# 07's Int 300, the clip's length its loader's Trim takes: never said 'not applied')
VALUES = {"INT", "FLOAT", "STRING", "BOOLEAN", "NUMBER"}
DENOISE = "denoise"  # a sampler's denoise, read where its schedule starts (the translation's sampler, denoise_steps;
# said there where it skips steps, heldout32 03; one skipping none changes nothing): never in a converted task's list
MISFIT = False  # _named's answer for values saved by place that do not fit the declared layout
WORDS = 8  # a text this long a Studio node holds (a prompt, a file's name) is held, whichever node it was read from


def keep(wf) -> None:
    """Each node's type, settings (as the file names them, else by place) and links as the file has them, kept on
    ``wf`` before a translation rewrites them (``wf.as_saved``: node id -> (its type as shown, settings, links, a UI
    file's values as saved, its type as read, whether ComfyUI runs it, its title))."""
    wf.as_saved = {k: (str(n.shown_cls), dict(n.settings()), dict(n.links), list(n.raw) if isinstance(n.raw, list)
                       else None, n.origin or n.cls, n.enabled, n.title) for k, n in wf.nodes.items()}


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
    order = frontend_order(t, raw)
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
    before it names: "... makes it; Studio cannot convert it (said first) (its settings: ...)"; a note's line naming
    none about the nodes its first line names: a pipeline's note, "sampler 'WanVideoSampler' (#128):")."""
    out: dict[str, list[str]] = {}
    for text in texts:
        lines = text.split("\n")
        head = [m.group(1) or m.group(2) for m in NAMED.finditer(lines[0])]  # (a note's heading: "sampler 'X' (#5):")
        for line in lines:
            _clauses(out, line, head)
    return out


def _clauses(out: dict, line: str, head: list[str]) -> None:
    """``line``'s clauses, each under the nodes it names (none: those the clause before names, else the heading's)."""
    last = head
    for clause in line.split("; "):
        last = [m.group(1) or m.group(2) for m in NAMED.finditer(clause)] or last
        for k in dict.fromkeys(last):
            out.setdefault(k, []).append(clause)


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
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-12)  # (1.0000000000000002, a drag's 1)
    return isinstance(a, str) and isinstance(b, str) and a == b


def _made(b) -> set[str]:
    """The file's nodes (ids as the file has them) a made Studio node (not a held task's) was made from, with the
    nodes upstream of them as the converter reads the file."""
    return {file_id(k) for k in made_from(b)}


def _ways(b, saved: dict) -> list[str]:
    """The file's nodes (their ids as the file has them) of the held tasks' ways on no way a made Studio node (not a
    held task's) was made from; with them, up the file's own links, the nodes that fed them there (a wrapper's SetLoRAs a
    translation took away, its compile settings let go), none read away as the links it stands for."""
    made = _made(b)
    ways = {file_id(k) for k in getattr(b, "held_ways", set())} - made
    todo, idle = list(ways), getattr(b.wf, "idle", frozenset())  # (what ComfyUI does not run: said so)
    while todo:
        for src, _ in saved[k][2].values() if (k := todo.pop()) in saved else ():
            if src not in ways and src not in made and src in saved and src not in idle and not \
                    {saved[src][0], saved[src][4]} & set(b.wf.wiring):  # (a switch, a primitive read away: its value
                # is the input it passes on, read where that is)
                ways.add(src)
                todo.append(src)
    return sorted((k for k in ways if k in saved and saved[k][5]), key=id_order)


def _values(b, nid: str, saved: tuple, clauses: list[str], held: dict, strict: bool = False) -> list[str]:
    """Node ``nid``'s settings not held by a Studio node made from it (``held``: file node id -> the values its Studio
    nodes hold; '' -> the long texts any Studio node holds) nor said by a clause naming it, in words; ``strict`` (a
    converted task's): only declared settings whose value fits their declared type and is not its default (a value
    by place not named, one wired in (its reader reads it), another version's layout: left to what says them)."""
    settings, links, raw, cls = saved[1:5]
    took = getattr(getattr(b, "wf", None), "settings_read", ())  # (a setting a reading took: a loader's frame_load_cap
    settings = {k: v for k, v in settings.items() if (nid, k) not in took}  # its Trim keeps, heldout116 01)
    own, texts = held.get(nid, ()), held.get("", set())
    is_held = lambda v: any(_same(v, x) for x in own) or isinstance(v, str) and v in texts  # noqa: E731
    t = catalogue.node_type(cls)
    named = _named(t, settings, raw)
    if strict and (named is None or named is MISFIT or
                   any("settings" in c and ("not applied" in c or "not taken" in c) for c in clauses)):
        return []  # (by place, not named; or its settings said as a whole: "its other settings ... not applied")
    if named is None or named is MISFIT:  # (its values by place: said so, those a Studio node holds or a sentence
        rest = [f"#{i} {shown(v)}" for i, v in enumerate(raw or ()) if v is not None and not  # says aside)
                isinstance(v, dict) and not is_held(v) and not _said(clauses, f"#{i}", v) and not _control(raw, i)]
        how = layout_fit.DIFFERS if named is MISFIT else "saved by place, unnamed"
        return [f"its values {how}: " + ", ".join(rest)] if rest else []
    wired = [i.name for i in t.widgets if i.name in links and i.name not in named] if t and t.inputs else []
    off = {x for k, v in (named or {}).items() if v is False for x in _stems(k)}
    out = []
    for k, v in [*named.items(), *((k, None) for k in wired)]:
        if strict and (k in links or not _fits(t, k, v) or _default(t, k, v) or v is False or v == "default" or
                       _native(b, t, k, v) or _stems(k) & off or k.startswith(DENOISE)):
            continue  # (a flag turned off: ComfyUI not doing what Studio does not do either, an offload, a disk cache;
            # a setting of what it turns off: tile_x beside enable_vae_tiling False, unused; a 'default' choice: the
            # implementation's own, as Studio's is: rope_function 'default')
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


def _fits(t, k: str, v: Any) -> bool:
    """Whether ``v`` is a value of setting ``k``'s declared type (a flag for a BOOLEAN, a number for an INT or FLOAT,
    one of a list's choices): else it was named by a layout not the declared one."""
    i = t.input(k) if t is not None and t.inputs is not None else None
    if i is None:
        return False
    if i.type == "BOOLEAN":
        return isinstance(v, bool)
    if i.type in ("INT", "FLOAT"):
        return isinstance(v, (int, float)) and not isinstance(v, bool)
    if isinstance(i.options, tuple) and i.options:
        return any(_same(v, o) for o in i.options)
    return isinstance(v, str) if i.type in ("STRING", "COMBO") else True


def _stems(k: str) -> set[str]:
    """A setting's words by their first three letters ('enable_vae_tiling' -> vae, til), the words that turn a thing on
    or off aside: what a flag and the settings of the thing it turns on share ('tile_x': til)."""
    return {w[:3] for w in k.lower().split("_") if len(w) >= 3 and w[:3] not in ("ena", "use", "for", "aut", "dis")}


def _native(b, t, k: str, v: Any) -> bool:
    """Whether ``v`` is an attention kernel (a choice beside 'sdpa') Studio runs as it is: torch's SDPA ('sdpa', and
    ComfyUI's own attention, 'comfy', SDPA as ComfyUI runs by default) where Studio's attention is 'native' (SDPA); or
    a precision 'bf16' where Studio's loader's dtype is 'auto' (bf16 on CUDA)."""
    i = t.input(k) if t is not None and t.inputs is not None else None
    opts = i.options if i is not None and isinstance(i.options, tuple) else ()
    params = {(x, n.params.get(x)) for n in b.g.nodes.values() for x in ("attention", "dtype")}
    return "sdpa" in opts and v in ("sdpa", "comfy") and ("attention", "native") in params or \
        {"fp16", "bf16"} <= set(opts) and v == "bf16" and ("dtype", "auto") in params  # (auto: bf16 on CUDA)


def _default(t, k: str, v: Any) -> bool:
    """Whether ``v`` is setting ``k``'s declared default (a list declaring none: its first choice, the one ComfyUI
    takes): left as it is, it changes nothing."""
    i = t.input(k) if t is not None and t.inputs is not None else None
    if i is None:
        return False
    if i.default is None:  # (a list's first choice: the one the frontend shows first)
        return isinstance(i.options, tuple) and bool(i.options) and _same(v, i.options[0])
    return _same(v, i.default)


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


def _read_ways(b, saved: dict) -> list[str]:
    """The file's nodes a made task was made from that a pack's translation read as another type (and, up the file's
    own links from them, the pack's nodes it took away: a settings node a sampler read), none ComfyUI does not run
    (settings23; a file loader, a loop, a variant read as a core type: not these, their readers say what they take)."""
    nodes, pack = {file_id(k) for k in b.wf.nodes}, {file_id(k) for k in getattr(b.wf, "translated", ())}
    ways = _made(b) & pack & nodes
    todo, idle = list(ways), getattr(b.wf, "idle", frozenset())
    while todo:
        for src, _ in saved[k][2].values() if (k := todo.pop()) in saved else ():
            if src not in ways and src not in nodes and src in pack and src in saved and src not in idle:
                ways.add(src)
                todo.append(src)
    return sorted((k for k in ways if k in saved and saved[k][5]), key=id_order)


def _instead(b, saved: tuple, vals: list[str]) -> list[str]:
    """A machine setting Studio sets its own way, said with Studio's value beside it, by the declared choices: an
    attention kernel's ('sdpa' a choice: the generator's attention), a precision's ('fp16' and 'bf16': the loader's
    dtype), an fp8 quantization's (the loader's memory 'auto' picks fp8 weights itself)."""
    t = catalogue.node_type(saved[4])
    made = {k: v for n in b.g.nodes.values() for k, v in n.params.items() if k in ("attention", "dtype", "memory")}
    out = []
    for text in vals:
        i = t.input(text.split(" ", 1)[0]) if t is not None and t.inputs is not None else None
        opts = set(i.options) if i is not None and isinstance(i.options, tuple) else set()
        if "sdpa" in opts and "attention" in made:
            text += f" (Studio's own attention {shown(made['attention'])} instead)"
        elif {"fp16", "bf16"} <= opts and "dtype" in made:
            text += f" (Studio's loader's own dtype {shown(made['dtype'])} instead)"
        elif any(str(o).startswith("fp8") for o in opts) and made.get("memory") == "auto" and "fp8" in text:
            text += " (Studio's loader's memory 'auto' picks fp8 weights itself where the card's memory asks for them)"
        out.append(text)
    return out


def _read_said(b, saved: dict, told: dict, readers: set) -> None:
    """One sentence for the made tasks: the settings of the pack's nodes read as ComfyUI's own for them that no
    Studio node holds, no sentence says and that are not their declared defaults, as the workflow saves them."""
    ways = [k for k in _read_ways(b, saved) if not (k in readers and (given := _gives(b.wf, k, saved[k][4])) and
                                                    given <= VALUES)]
    held: dict[str, Any] = {k: [] for k in ways}  # what a node's values went on as: the settings of the ComfyUI
    for nid, n in b.wf.nodes.items():  # nodes it was read as (read there, or said), the params of the Studio nodes
        if file_id(nid) in held:  # made from it
            held[file_id(nid)] += [*n.settings().values(), *n.widgets.values()]  # (and what it keeps beside them: a
            # wrapper sampler's denoise_strength, read by its reading there)
    for nid, cid in b.out.origin.items():
        if nid in b.g.nodes and file_id(cid) in held:
            held[file_id(cid)] += [v for v in b.g.nodes[nid].params.values() if not isinstance(v, bool)]
    every = [v for n in b.g.nodes.values() for v in n.params.values()]
    for k in held:  # (a task's numbers and words land on any of its nodes: the generator's most_frames 725 from an
        held[k] += [v for v in every if not isinstance(v, bool)]  # encode's num_frames; a flag only as the ComfyUI
        # node it was read as carries it: the generator's own previews True holds no sampler's batched_cfg True)
    held[""] = {v for v in every if isinstance(v, str) and len(v) >= WORDS}
    parts = [f"'{saved[k][6] or saved[k][0]}' ({saved[k][0]}, #{k}) " + ", ".join(_instead(b, saved[k], vals))
             for k in ways if (vals := _values(b, k, saved[k], told.get(k, []), held, strict=True))]
    if parts:
        line = ("Settings of the pack's nodes read as ComfyUI's own for the converted task that no Studio node made "
                "for it holds (not applied), as the workflow saves them: " + "; ".join(parts) + ".")
        b.out.log.append(f"{b.name}: {line}")
        b.note(line)


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
    shown_over = [t for k, t in b.over.items() if k not in b.used]  # (a passing-over line of a node Studio made a
    # node from is never shown: heldout111 06's picture-to-video node, its prompt a Text Prompt, its size said nowhere)
    told = _told([*b.out.log, *b.first_notes, *shown_over, *(n.get("text", "") for n in b.notes)])  # (not
    # ``listed``: the canvas's list of nodes not converted, their settings cut short there, in no Log line: layout23)
    _read_said(b, saved, told, readers)
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
