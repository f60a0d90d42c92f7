"""A node no pack in Studio's catalogue declares, read as the catalogued node Studio reads whose sockets it takes
(issue 112, item 2): its sockets as its file declares them (a UI file saves each input's name and type and each
output's type; an API file its inputs' names, a linked input's type being the type its source's output is declared
as, and the types of the outputs other nodes read being the types those inputs are declared as), its settings by the
names the file gives them, else by the places the candidate declares its settings in (each value of the type the
candidate declares there; a value that fits none is passed over, and said). A node is read as a candidate (ComfyUI's
core first, then the packs the workflow already uses) when every required input of the candidate is on it, of the
same name and type, its outputs are of the candidate's types in the same order, and what it has beyond is settings
(said not taken); a wired extra socket (what it carries would be lost; but an earlier shot's take and frames picked
from it beside an image-to-video node's sockets: a later shot, packs/shot_chains.py), a candidate of fewer than 3
required inputs, one sharing fewer than 2 sockets with it (settings by place prove nothing: a cache patch is no LoRA
loader), or fewer than it has of its own, is no twin. Several alike: those holding the most of its inputs, of the
family the workflow's model files name where any is (task_twins' rule), then the one lacking the fewest of its own;
none where they still tie. A family's own task node is no twin where the model files name other families only (a
Wan file's invented maker is not MiniMax H3's MiniMaxH3ImageToVideo, whose 124-frame floor it would take). task_twins.py reads a pack's task node giving conditionings in pairs by the places here
(placed_values.py). Plain data and stdlib."""
from __future__ import annotations

import functools

from .. import catalogue
from ..families import registry as families
from ..reading.workflow import CNode, Workflow
from ..tracing.tasks import tasks
from .expert_samplers import given_type
from .placed_values import fits, placed, uncatalogued
from . import shot_chains
from .shapes import shown, unread
from .task_twins import model_families, word
from .twins import declared, read_by_name

CORE = "Comfy-Org/ComfyUI"
VALUES = ("INT", "FLOAT", "STRING", "BOOLEAN", "COMBO")
MIN_REQUIRED = 3  # a candidate of fewer required inputs (an image in, an image out) is any filter's shape
MIN_SHARED = 2  # the sockets (not settings) a node must share with a candidate, by name and type: one model in and
# a model out is any patch's shape (a cache patch is no LoRA loader), one image in any filter's


@families.derived  # made from the families' mappings: cleared when they change
@functools.lru_cache(maxsize=1)
def _candidates() -> tuple:
    """The catalogued node types Studio reads by name that have a declared signature of 3 required inputs or more."""
    out = []
    for name in sorted(read_by_name()):
        t = catalogue.node_type(name)
        if t is not None and t.inputs and t.outputs and not catalogue.is_primitive(t) and \
                sum(not i.optional for i in t.inputs) >= MIN_REQUIRED:
            out.append(t)
    return tuple(out)


def _readers(wf: Workflow) -> dict[str, list[tuple[CNode, str]]]:
    """Each node's readers (the node, its input) as wired now (tracing.roles.consumers keeps its table while the
    count of nodes stays: made here before the pack translations rewire, it would outlive them)."""
    table: dict[str, list[tuple[CNode, str]]] = {}
    for m in wf.nodes.values():
        for k, (src, _) in m.links.items():
            table.setdefault(src, []).append((m, k))
    return table


def _sockets(wf: Workflow, n: CNode, readers: dict) -> tuple[dict[str, str], dict[int, str]]:
    """({input: its type ('' unknown)}, {output slot: its type}) as ``n``'s file declares them."""
    if n.in_types or n.out_types:
        return dict(n.in_types), dict(enumerate(n.out_types))
    ins = {k: given_type(wf, n, k) for k in n.links}
    ins.update({k: "" for k in n.widgets if k not in ins})
    outs: dict[int, str] = {}
    for m, k in readers.get(n.id, ()):
        t = declared(m.shown_cls)
        i = t.input(k) if t is not None else None
        typ = i.type if i is not None else m.in_types.get(k, "")
        slot = m.links[k][1]
        outs[slot] = typ if outs.get(slot, typ) == typ else "?"
    return ins, outs


def _gives(types: tuple, n: CNode, outs: dict[int, str]) -> bool:
    """Outputs of ``types`` are ``n``'s: all of them in order (a UI file), else those other nodes read (an API's)."""
    return tuple(n.out_types) == types if n.out_types else all(s < len(types) and t == types[s]
                                                                for s, t in outs.items())


def _match(n: CNode, r, ins: dict[str, str], own: dict, shot=None):
    """(r's settings as n's values, n's values not r's, n's inputs r takes, by place) where ``n`` takes ``r``'s
    sockets (its outputs already found r's: ``_gives``; ``own``: r's inputs by name; ``shot``: how it continues an
    earlier shot, its two sockets for that allowed beside r's where r has a start image); None where it does not."""
    for i in r.inputs:
        t = ins.get(i.name)
        if t is None:
            if not i.optional and not i.widget:
                return None
        elif t and t != i.type and not (i.widget and t in VALUES and i.type == "COMBO"):
            return None  # the same name, another type: not this input
    if sum(1 for k, t in ins.items() if own.get(k) is not None and not own.get(k).widget and t == own.get(k).type) \
            < MIN_SHARED:  # (of a type the file confirms: an API link from a node of unknown outputs is not)
        return None  # settings read by place prove nothing: a twin shares its sockets
    cont = (shot.latent, shot.frames) if shot is not None and shot_chains.start_port(r) else ()
    extra_sockets = [k for k in ins if own.get(k) is None and k in n.links and k not in cont]
    if extra_sockets:
        return None  # a wired socket r has not: what it carries would be lost
    by_place = not n.widgets and isinstance(n.raw, list) and bool(r.widgets)
    if by_place:
        got = placed(n, r)
        if got is None:
            return None
        values, extra = got
    elif not n.widgets and isinstance(n.raw, list):  # (r has no settings: every value the file saves is an extra)
        values, extra = {}, list(enumerate(n.raw))
    else:
        values = {k: v for k, v in n.widgets.items() if own.get(k) is not None}
        extra = [(k, v) for k, v in n.widgets.items() if own.get(k) is None]
        if any(not fits(v, own.get(k)) for k, v in values.items() if own.get(k).widget):
            return None
    if any(not i.optional and i.name not in values and i.name not in n.links for i in r.inputs):
        return None
    taken = {k for k in ins if own.get(k) is not None} | set(values)
    shared = sum(1 for k in ins if own.get(k) is not None and not own.get(k).widget)
    if shared <= sum(1 for k, t in ins.items() if own.get(k) is None and t not in VALUES):
        return None  # it shares fewer sockets with r than it has of its own
    return values, extra, taken, by_place


def _packs(wf: Workflow) -> list[str]:
    """The packs the workflow's nodes are of, the most used first."""
    count: dict[str, int] = {}
    for m in wf.nodes.values():
        t = catalogue.node_type(m.shown_cls)
        if t is not None and t.pack and t.pack != CORE:
            count[t.pack] = count.get(t.pack, 0) + 1
    return sorted(count, key=lambda p: (-count[p], p))


@families.derived  # made from the families' mappings: cleared when they change
@functools.lru_cache(maxsize=1)
def _by_pack() -> dict[str, tuple]:
    """{pack: ((its candidate, its output types, its inputs by name), ...)}."""
    out: dict[str, list] = {}
    for r in _candidates():
        out.setdefault(r.pack, []).append((r, r.output_types, {i.name: i for i in r.inputs}))
    return {k: tuple(v) for k, v in out.items()}


def _kinds(wf: Workflow, memo: dict) -> set[str]:
    """The first words of the families the workflow's model files name (task_twins.model_families), made once."""
    if "kinds" not in memo:
        memo["kinds"] = model_families(wf)
    return memo["kinds"]


def _choose(wf: Workflow, n: CNode, readers: dict, packs: list[str], memo: dict):
    ins, outs = _sockets(wf, n, readers)
    if not ins or not outs:
        return None
    shot = shot_chains.continued(wf, n, ins)  # a later shot of a continued take (packs/shot_chains.py)
    for pack in packs:
        found = []
        for r, types, own in _by_pack().get(pack, ()):
            if _gives(types, n, outs) and (m := _match(n, r, ins, own, shot)) is not None:
                missing = sum(i.name not in m[2] for i in r.inputs)  # (task_twins' order: the most held, the
                found.append(((len(m[2]), -missing), r, m))  # fewest it lacks)
        if found and (kinds := _kinds(wf, memo)):  # a family's task node is no twin in a workflow whose model
            found = [f for f in found if f[1].name not in tasks() or word(tasks()[f[1].name].family) in kinds]
        if not found:  # files name other families only (cat21: a Wan file's invented maker is no MiniMax H3 one)
            continue
        best = max(f[0][0] for f in found)
        found = [f for f in found if f[0][0] == best]
        if len(found) > 1:  # several holding as many: those of the family the workflow's model files name, where any
            kinds = _kinds(wf, memo)  # is (an API file's Wan node, its outputs read alone, fits Kandinsky 5's too)
            found = [f for f in found if f[1].name in tasks() and word(tasks()[f[1].name].family) in kinds] or found
            least = max(f[0][1] for f in found)  # then the one lacking the fewest of its own
            found = [f for f in found if f[0][1] == least]
        if len(found) != 1:
            return None
        r, m = found[0][1], found[0][2]
        return r, m, (shot if shot is not None and shot.latent in n.links and r.input(shot.latent) is None else None)
    return None


def _carried(name: str) -> dict[str, str]:
    """The settings task node ``name``'s reading carries to its generator (ComfyUI input -> the generator's setting:
    tracing.tasks.Task settings), which a node read as it keeps."""
    task = tasks().get(name)
    return {k: param for k, param, *_ in getattr(task, "settings", ()) if param is not None}


def _pack_word(r) -> str:
    return "ComfyUI's" if r.pack == CORE else f"{r.pack.split('/')[-1]}'s"


def translate(wf: Workflow) -> list[str]:
    """Each uncatalogued node that takes a catalogued node's sockets rewritten, in place, as that node; a sentence
    each."""
    said, readers, packs, memo, chosen = [], None, [], {}, {}
    for n in [n for n in unread(wf) if uncatalogued(n)]:
        if readers is None:  # (made once: a rewrite keeps every link, a wired socket r has not keeping n unread)
            readers, packs = _readers(wf), [CORE] + _packs(wf)
        chosen[n.id] = (n, _choose(wf, n, readers, packs, memo))
    # a type some node of which is not read so, or is read as another, is read so nowhere (the twelfth held-out
    # set's WanSVIImageToVideo: its first shot alone fits WanImageToVideo, the later shots wire its prev_latent; read
    # so, they became remakes of the first)
    kinds: dict[str, set] = {}
    for n, got in chosen.values():
        kinds.setdefault(n.cls, set()).add(got[0].name if got is not None else None)
    for n, got in chosen.values():
        if got is None or len(kinds[n.cls]) > 1:
            continue
        r, (values, extra, taken, by_place), shot = got
        was, links = n.shown_cls, dict(n.links)
        n.origin, n.cls = was, r.name
        n.links = {k: v for k, v in n.links.items() if r.input(k) is not None}
        kept = _carried(r.name)  # (its own settings the reader's task carries to its generator: mapping.intent)
        carried = [(k, v) for k, v in extra if isinstance(k, str) and k in kept and k not in links]
        extra = [x for x in extra if x not in carried]
        n.widgets = {**{k: v for k, v in values.items() if k not in n.links}, **dict(carried)}
        n.raw = [x for i in r.widgets if i.name in values for x in ((values[i.name], "fixed") if i.control
                                                                     else (values[i.name],))]
        n.in_types = {k: v for k, v in n.in_types.items() if r.input(k) is not None}
        n.placed = tuple(values) if by_place else ()  # (named by place only: partial_denoise.py)
        said.append(_sentence(n, was, r, extra, by_place)
                    + "".join(f"; its '{k}' {shown(v)} is read as the generator's '{kept[k]}'" for k, v in carried))
        if shot is not None:  # its start image the frames picked from the earlier shot (packs/shot_chains.py)
            port = shot_chains.start_port(r)
            n.ports[port] = shot.frames
            said.append(shot_chains.rewire(wf, n, shot, port, links))
    return said


def _sentence(n: CNode, was: str, r, extra: list, by_place: bool) -> str:
    line = (f"'{n.title or was}' ({was}, #{n.id}), a node no pack in Studio's catalogue declares, is read as "
            f"{_pack_word(r)} '{r.name}' it takes the sockets of (every input {r.name} requires, of the same names "
            f"and types, and its outputs' types)")
    if by_place:
        line += f" (its values named by the places {r.name} declares its settings in)"
    if extra:
        names = [f"'{k}' {shown(v)}" if isinstance(k, str) else f"value {shown(v)} (at place {k + 1})"
                 for k, v in extra]
        line += f"; its {', '.join(names)} {'are' if len(names) > 1 else 'is'} not taken ({r.name} has no such setting)"
    return line
