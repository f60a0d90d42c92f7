"""A node pack's twin of a node Studio reads, read as that node by the types both declare (issue 112, item 2): a
node Studio has no rule for whose declared signature (the catalogue's, or a type a pack makes when ComfyUI loads
it: made_types.py) holds every input of a loader, a sampler, a sampler's part, a text encoder or a LoRA loader
Studio reads (same names, same kinds, same types) and gives its outputs first (ComfyUI-MultiGPU's *MultiGPU and
DisTorch loaders and its copies of WanVideoWrapper's nodes, KJNodes' VAE loader, RES4LYF's samplers) is read as
that node, its type in the file kept as its origin; a loader of one model file that names its file otherwise
(KJNodes' GGUF loader) is read as ComfyUI's loader of what it gives. What it declares beyond is said, one
sentence a node: its settings of the machine (devices, memory, offload, precision, attention kernels) as not
applied, Studio planning those itself; its other settings as not applied, Studio having no such setting. A node
whose extra input is wired with something that is not a machine setting (RES4LYF's guides or sigmas), whose extra
output is read, or whose setting makes it do another task (data/twins.json's 'keeps': a sampler set to unsample)
is not read so: the rules that read it before still do. Plain data and stdlib."""
from __future__ import annotations

import functools
import json
import os
from typing import Any

from .. import catalogue
from ..families import registry as families
from ..reading import by_types
from ..reading import prompt_schedules as schedules
from ..reading.subgraphs import CONTROL
from ..reading.workflow import ALIASES, WIDGETS, CNode, Workflow
from ..tracing.guider_window import WINDOW
from ..tracing.guiders import GUIDERS
from ..tracing.tasks import tasks
from .decode_twins import decode_twin
from .exact_twins import exact_twin
from .made_types import copied, made_type
from .originals import original
from .twin_family_settings import family_said

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "twins.json")
MEDIA = frozenset({"IMAGE", "MASK", "VIDEO", "AUDIO"})
PLAIN = frozenset({"INT", "FLOAT", "STRING", "BOOLEAN"})
PARTS = frozenset({"SAMPLER", "NOISE", "GUIDER"})  # a sampler's parts (its sigmas are another rule's)
LOADS = {"MODEL": ("UNETLoader", "unet_name"), "CLIP": ("CLIPLoader", "clip_name"), "VAE": ("VAELoader", "vae_name"),
         "CLIP_VISION": ("CLIPVisionLoader", "clip_name")}  # one file loaded as a model or a part: ComfyUI's loader
NO_FILE = (None, "", "none", "None")


@functools.lru_cache(maxsize=1)
def _data() -> dict:
    with open(DATA, encoding="utf-8") as fh:
        return json.load(fh)


def declared(cls: str):
    """The type ``cls`` as its pack declares it: the catalogue's, else one a pack makes when loaded; None."""
    t = catalogue.node_type(cls)
    return t if t is not None and t.inputs is not None else made_type(cls) or t


@families.derived  # made from the families' mappings: cleared when they change
@functools.lru_cache(maxsize=1)
def _tables() -> dict[str, tuple[str, ...]]:
    """{node type: its settings as a pack translation reads them} (each family's declared ``translated``: the
    settings it reads beyond what the catalogue's older declaration lists)."""
    out: dict[str, tuple[str, ...]] = {}
    for m in families.mappings():
        out.update({k: tuple(v) for k, v in m.translated.items()})
    return out


def _translated() -> set[str]:
    """The node types the families' pack translations read by name (their settings-only nodes too)."""
    return set(_tables())


@families.derived  # made from the families' mappings: cleared when they change
@functools.lru_cache(maxsize=1)
def _read() -> frozenset:
    """Every node type Studio reads by its name here: never read as another's twin."""
    return frozenset(set(WIDGETS) | set(ALIASES) | set(families.declared()) | _translated() | set(tasks()))


def read_by_name() -> frozenset:
    """Every node type Studio reads by its name (packs/shapes.py reads none of them by its shape)."""
    return _read()


def _role(t, translated: bool) -> bool:
    """A type that may be a twin's reading: a loader (no sockets; models or parts out), a sampler (a model in,
    a latent out), a sampler's part, a text encoder (CLIP in, CONDITIONING out), a LoRA loader (a model and a
    file in, a model out); any a pack translation reads (its wrapper's nodes)."""
    if t is None or t.inputs is None or not t.outputs or not t.inputs or catalogue.is_primitive(t):
        return False
    if translated:
        return True
    outs, ins = set(t.output_types), {i.type for i in t.sockets}
    if outs & (MEDIA | PLAIN) or ins & MEDIA:
        return False
    files = any(w.files or w.name.endswith("_name") for w in t.widgets)
    return (not ins and files) or ("MODEL" in ins and outs == {"LATENT"}) or bool(outs <= PARTS) or (
        ins == {"CLIP"} and outs == {"CONDITIONING"}) or (ins == {"MODEL"} and outs == {"MODEL"} and files)


@families.derived  # made from the families' mappings: cleared when they change
@functools.lru_cache(maxsize=2)
def _targets(made: bool) -> tuple:
    """The types a twin may be read as; a pack translation's nodes only for a type a pack makes of them (a copy of
    WanVideoWrapper's sampler with a device added), the pack's own variants being its family's to read."""
    translated = _translated() if made else set()
    names = set(WIDGETS) | set(families.declared()) | translated
    found = [t for n in sorted(names) if _role(t := _read_type(n, n in translated), n in translated)]
    return tuple(t for t in found if t.name not in ALIASES)


def _read_type(name: str, translated: bool):
    """The type a twin is read as: the catalogue's; for one a pack translation reads that the catalogue lacks, as a
    copy of it declares it (originals.py)."""
    t = catalogue.node_type(name)
    return t if t is not None or not translated else original(name, _machine)


@families.derived  # made from the families' mappings: cleared when they change
@functools.lru_cache(maxsize=512)
def twin_of(cls: str) -> tuple[str, dict[str, str]] | None:
    """(the type Studio reads that ``cls`` is a twin of, {its input: the twin's input naming the same}); None."""
    if cls in _read():
        return None
    t = declared(cls)
    if t is None or not t.outputs:
        return None
    made = catalogue.node_type(cls) is None or made_type(cls) is not None  # a pack makes it when loaded (catalogued
    # now or not: MultiGPU's WanVideo*MultiGPU copies are in both)
    if t.inputs is None:  # a copy of a settings node whose inputs are made at run time: its machine settings out
        same = [r for r in _targets(made) if r.output_types == t.output_types and r.name == copied(cls)]
        return (same[0].name, {}) if same and all(_machine("", o) for o in t.output_types) else None
    best = [r for r in _targets(made) if catalogue.extends(t, r)]
    if best:
        r = max(best, key=lambda r: (len(r.inputs), r.pack == "Comfy-Org/ComfyUI", r.name))
        names = [i.name for i in r.inputs] + [k for k in _tables().get(r.name, ()) if k != CONTROL]
        return r.name, {k: k for k in names if t.input(k) is not None}
    if (same := exact_twin(t, _readable())) is not None:  # of any other role: its inputs and outputs alike
        r = _read_type(same, same in _translated())
        names = [i.name for i in r.inputs] + [k for k in _tables().get(r.name, ()) if k != CONTROL]
        return r.name, {k: k for k in names if t.input(k) is not None}
    return decode_twin(t) or _one_file(t)  # (a pack's decode of a latent: decode_twins.py)


@families.derived  # made from the families' mappings: cleared when they change
@functools.lru_cache(maxsize=1)
def _readable() -> tuple:
    """Every type Studio reads by name as its pack declares it (its aliases' names aside: read as other types),
    for exact_twins.py."""
    translated = _translated()
    return tuple(t for n in sorted(_read() - set(ALIASES)) if (t := _read_type(n, n in translated)) is not None)


def _exactly(cls: str, read: str) -> bool:
    """``cls`` is read as ``read`` by the types whose inputs and outputs it declares alike (exact_twins.py)."""
    t = declared(cls)
    return t is not None and t.inputs is not None and exact_twin(t, _readable()) == read and \
        t.output_types == _read_type(read, True).output_types


def _one_file(t) -> tuple[str, dict[str, str]] | None:
    """A loader of one model file (no socket, a model or a part out, its first widget a file list): ComfyUI's loader
    of what it gives, its file widget read as that loader's."""
    if t.sockets or not t.widgets or t.output_types[0] not in LOADS or len(set(t.output_types)) != len(t.outputs):
        return None
    first = t.widgets[0]
    if first.type != "COMBO" or not (first.files or first.name.endswith("_name")) or len(t.outputs) != 1:
        return None
    core, setting = LOADS[t.output_types[0]]
    return core, {setting: first.name}


GUIDING = ("stg", "cfg", "guid", "skip")  # a setting naming guidance: its block is the one guidance skips (STG's
# stg_block, a transformer block's index), never the machine's (clss22: CLSS's guider said "set the machine")


def _machine(name: str, kind: str = "") -> bool:
    words = _data()["machine_words"]
    if any(w in name.lower() for w in GUIDING):
        return False
    return any(w in name.lower() for w in words) or any(w.upper() in kind.upper() for w in _data()["machine_types"])


class _Plan:
    def __init__(self, n: CNode, r, widgets: dict, links: dict, kept: set, machine: list[str], other: list[str],
                 renamed: tuple = ()):
        self.n, self.r, self.widgets, self.links, self.kept = n, r, widgets, links, kept
        self.machine, self.other, self.renamed = machine, other, renamed  # (its input, the read type's) named otherwise
        self.family: list[str] = []  # its settings a family's generator reads, in that family's words


def _plan(n: CNode) -> _Plan | None:
    """How ``n`` is read as the type it is a twin of; None when it is not one or may not be read so."""
    found = twin_of(n.cls) if n.enabled and not n.origin else None
    if found is None or schedules.read(n) is not None:  # keyframed prompts: a schedule (mapping/prompt_schedules)
        return None
    t, r = declared(n.cls), _read_type(found[0], True)
    mine = {v: k for k, v in found[1].items()}  # the twin's input -> the read type's
    named = dict(n.widgets) if n.widgets else by_types.widget_names_of(t, n.raw)
    if t.inputs is None:  # a settings node's copy (its settings are said by the reading of the original)
        return None if n.links else _Plan(n, r, dict(n.widgets), {}, set(), [], [])
    if t.widgets and not named:
        return None  # its saved values cannot be named: nothing is guessed
    keeps = _data()["keeps"].get(n.cls, {})
    if any(named.get(k, v[0]) not in v for k, v in keeps.items()):
        return None  # set to do another task than the node it is a twin of (RES4LYF's sampler set to unsample)
    widgets, machine, other = {}, [], []
    for k, v in named.items():
        w = t.input(k)
        if k == CONTROL or k in mine:
            ri = r.input(mine[k]) if k in mine else None  # (None too for a setting only the translation names)
            if ri is not None and _machine(k) and isinstance(ri.options, tuple) and v not in ri.options:
                machine.append(f"{k} {_shown(v)}")  # a device ComfyUI's own node does not list (MultiGPU's 'cuda:1')
            else:
                widgets[mine.get(k, k)] = v
        elif w is not None and k not in n.links and (w.widget or v not in (None, "", 0, 0.0)):  # (a socket's value the
            # file saves, forceInput's: FizzNodes' pre_text, heldout9, was left out of the sentence)
            if _extra_file(w) and v not in NO_FILE:
                return None  # a second file it loads: not read as a loader of one
            if k in WINDOW and r.name in GUIDERS and isinstance(v, (int, float)) and not isinstance(v, bool):
                widgets[k] = v  # (a guider's window of steps, KJNodes' ScheduledCFGGuidance's by its names, which no
                continue  # declaration tells: read, and said, with its sampler's steps: tracing/guider_window.py)
            if not _extra_file(w):
                (machine if _machine(k) else other).append(f"{k} {_shown(v)}")
    links, kept = {}, set()
    for k, src in n.links.items():
        i = t.input(k)
        if k in mine:
            links[mine[k]] = src
            kept.add(k)
        elif i is not None and (i.widget or _machine(k, i.type)):
            (machine if _machine(k, i.type) else other).append(f"{k} (wired)")
        else:
            return None  # an input carrying what Studio's reading of it would lose
    renamed = tuple((mine_k, theirs) for theirs, mine_k in found[1].items() if mine_k != theirs and
                    (mine_k in named or mine_k in n.links))
    return _Plan(n, r, widgets, links, kept, machine, other, renamed)


def _extra_file(w) -> bool:
    return w.type == "COMBO" and (bool(w.files) or w.name.endswith("_name"))


def _shown(v: Any) -> str:
    s = repr(v) if isinstance(v, str) else str(v)
    return s if len(s) <= 60 else s[:57] + "..."


def _settle(wf: Workflow, plans: dict[str, _Plan]) -> None:
    """Plans dropped where an output the read type lacks is read (a sampler's denoised latent), unless by a twin
    that lets that input go (MultiGPU's device passed from loader to sampler); until none is."""
    changed = True
    while changed:
        changed = False
        for m in wf.nodes.values():
            for k, (src, slot) in m.links.items():
                p, q = plans.get(src), plans.get(m.id)
                if p is not None and slot >= len(p.r.outputs) and (q is None or k in q.kept):
                    plans.pop(src)
                    changed = True


def translate(wf: Workflow) -> list[str]:
    """Each twin of a node Studio reads rewritten, in place, as that node; one sentence each."""
    plans = {k: p for k, n in wf.nodes.items() if (p := _plan(n)) is not None}
    _settle(wf, plans)
    said = []
    for p in plans.values():
        n, r = p.n, p.r
        named = dict(n.widgets) if n.widgets else by_types.widget_names_of(declared(n.cls), n.raw)
        p.other, p.family = family_said(wf, n, p.other, named or {})  # (a family's generator reading one: heldout118)
        n.origin, n.cls, n.widgets, n.links = n.cls, r.name, p.widgets, p.links
        n.ports.update({read: own for own, read in p.renamed if read not in n.ports})  # (its inputs as the file names
        # them where a sentence names one: FunPack's LTXVTiledVAEDecode 'samples' was said, the file's 'latents')
        said.append(_sentence(n, p))
    return said


def _sentence(n: CNode, p: _Plan) -> str:
    r = p.r
    whose = "ComfyUI" if r.pack == "Comfy-Org/ComfyUI" else r.pack.rsplit("/", 1)[-1]
    whose_own = "inputs and outputs it declares alike" if _exactly(n.origin, n.cls) else "inputs it declares too"
    line = f"'{n.title or n.origin}' ({n.origin}, #{n.id}) is read as {whose}'s {n.cls}, whose {whose_own}"
    if p.renamed:  # (rejudge4, 31/06: a loader's 'model_name' read as UNETLoader's 'unet_name' was said declared too)
        line += " (under its own names: " + ", ".join(f"its '{a}' as '{b}'" for a, b in p.renamed) + ")"
    if p.machine:
        line += (f"; its {', '.join(p.machine)} set the machine it runs on (devices, memory, precision, kernels): "
                 "not applied, Studio plans those itself")
    if p.other:
        many = len(p.other) > 1  # (not "change what it makes": a schedule of cfg 1 changes nothing, heldout33 08)
        line += (f"; its {', '.join(p.other)} {'are' if many else 'is'} not applied, Studio's reading of {n.cls} "
                 f"has no such setting: where {'they change' if many else 'it changes'} what the node makes, its "
                 "result may differ from the pack's")
    return line + "".join(f"; {words}" for words in p.family)
