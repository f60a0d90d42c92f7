"""A node pack's task node read as the ComfyUI core task node it matches by its declared types (issue 112): a node
Studio has no rule for that gives conditionings in pairs (a positive and a negative; one pair per expert: a high-
and a low-noise pair) and one latent, and takes every input of a core task node Studio reads that gives a positive,
a negative and a latent (WanImageToVideo, LTXVImgToVideo, WanFunControlToVideo...): each by its name, or a socket
by its type where one alone of the pack's unmatched sockets has it ('clip_vision' for 'clip_vision_output'). Of the
core nodes it matches, the one it holds the most inputs of (the fewest missing, the most by name) is read; of several
alike, the one of the family the workflow's model files name where one alone is; none where they still tie, or
where a wired socket of the pack's would be left out (what it carries would be lost). Every positive it gives is
read as the core node's positive, every negative as its negative and the latent as its latent: one sentence says
so and names the settings not applied (the pack's own: a motion amplitude, a colour correction). Plain data and
stdlib."""
from __future__ import annotations

import functools
from .. import catalogue
from ..families import registry as families
from ..reading.subgraphs import CONTROL
from ..reading.workflow import CNode, Workflow
from ..tracing.roles import consumers
from ..tracing.tasks import tasks
from .expert_samplers import given_type
from .placed_values import placed as by_places, uncatalogued
from .shapes import declared_of, placed, settings_of, shown, unread

SHAPE = ("CONDITIONING", "CONDITIONING", "LATENT")


@families.derived  # made from the families' mappings: cleared when they change
@functools.lru_cache(maxsize=1)
def _targets() -> tuple:
    """The core task nodes Studio reads that give a positive, a negative and a latent."""
    out = []
    for name in sorted(tasks()):
        t = catalogue.node_type(name)
        if t is not None and t.inputs and t.pack == "Comfy-Org/ComfyUI" and t.output_types == SHAPE:
            out.append(t)
    return tuple(out)


def _match(r, ins: list[tuple[str, str, bool]], wired: set[str]) -> tuple[dict[str, str], int] | None:
    """({core input: the pack's input}, how many core inputs it lacks); None where a wired socket is left out or a
    required core input is missing."""
    mine = {k: (t, w) for k, t, w in ins}
    got: dict[str, str] = {}
    for i in r.inputs:
        if i.name in mine and (mine[i.name][0] in (i.type, "") or i.widget and mine[i.name][1]):
            got[i.name] = i.name
    for i in r.inputs:
        if i.name in got or i.widget:
            continue
        same = [k for k, (t, w) in mine.items() if not w and t == i.type and k not in got.values()]
        if len(same) == 1:
            got[i.name] = same[0]
    missing = [i for i in r.inputs if i.name not in got]
    if any(not i.optional for i in missing):
        return None
    if any(k in wired and k not in got.values() for k, (t, w) in mine.items() if not w):
        return None
    return got, len(missing)


def _outputs(n: CNode, wf: Workflow) -> list[tuple[str, str]] | None:
    t = catalogue.node_type(n.shown_cls)
    if t is not None and t.outputs:
        return [(o.name or "", o.type) for o in t.outputs]
    if n.out_types:
        return list(zip(n.out_names + [""] * len(n.out_types), n.out_types))
    slots = {}
    for m, k in consumers(wf).get(n.id, ()):
        src, slot = m.links[k]
        slots.setdefault(slot, "LATENT" if "latent" in k.lower() else "CONDITIONING" if k in ("positive", "negative")
                         else "")
    return [("", slots.get(i, "")) for i in range(max(slots) + 1)] if slots else None


def _slots(outs: list[tuple[str, str]]) -> dict[int, int] | None:
    """{the pack's output slot: the core node's}: its conditionings a pair at a time (a name saying 'neg' or 'pos'
    first, else by order), its latent the core's latent; None where its outputs are not pairs and one latent."""
    conds = [i for i, (_, t) in enumerate(outs) if t == "CONDITIONING"]
    latents = [i for i, (_, t) in enumerate(outs) if t == "LATENT"]
    if len(latents) != 1 or not conds or len(conds) % 2 or len(conds) + 1 != len(outs):
        return None
    out = {latents[0]: 2}
    for k, i in enumerate(conds):
        name = outs[i][0].lower()
        out[i] = 1 if "neg" in name else 0 if "pos" in name else k % 2
    if sorted(out[i] for i in conds).count(0) != len(conds) // 2:
        return None
    return out


def _plan(wf: Workflow, n: CNode):
    ins, outs = declared_of(wf, n)
    if not ins:
        return None
    ins = [(k, t or (given_type(wf, n, k) if not w else ""), w) for k, t, w in ins]
    given = _outputs(n, wf)
    slots = _slots(given) if given else None
    if slots is None:
        return None
    found = []
    for r in _targets():
        mine, values = _completed(n, ins, r)
        m = _match(r, mine, set(n.links))
        if m is not None:
            found.append(((len(m[0]), -m[1], sum(k == v for k, v in m[0].items())), r, m[0], mine, values))
    if not found:
        return None
    found.sort(key=lambda x: x[0], reverse=True)
    found = [f for f in found if f[0] == found[0][0]]  # those it matches best
    if len(found) > 1:  # several alike: the one of the family the workflow's model files name, if one alone is
        kinds = _model_families(wf)
        found = [f for f in found if _word(tasks()[f[1].name].family) in kinds]
        if len(found) != 1:
            return None  # nothing is guessed
    return found[0][1], found[0][2], slots, given, found[0][3], found[0][4]


def _completed(n: CNode, ins: list, r) -> tuple[list, tuple | None]:
    """``ins`` with the settings of ``r`` an uncatalogued node's UI file saves unnamed, read by r's places
    (placed_values.py), and (those values, the values passed over); else ``ins`` as it is and None."""
    if n.widgets or not isinstance(n.raw, list) or not uncatalogued(n) or (got := by_places(n, r)) is None:
        return ins, None
    have = {k for k, _, _ in ins}
    return ins + [(i.name, i.type, True) for i in r.widgets if i.name in got[0] and i.name not in have], got


def _word(family: str | None) -> str:
    """A family's first word ('Wan' of 'Wan 2.2 Fun Control', 'HunyuanVideo' of 'HunyuanVideo 1.5')."""
    return (family or "").split(" ")[0]


def _model_families(wf: Workflow) -> set[str]:
    """The first words of the families the workflow's model files name (its loaders' saved file names)."""
    files = families.lookup("files")
    out = set()
    for n in wf.nodes.values():
        for v in n.widgets.values():
            name = v.lower().replace(" ", "") if isinstance(v, str) and "." in v else ""
            hit = next((f for k, f in files if k in name), None) if name else None
            if hit:
                out.add(_word(hit))
    return out


def translate(wf: Workflow) -> list[str]:
    """Each pack task node of a core one's declared shape rewritten, in place, as that core node; a sentence each."""
    said = []
    for n in unread(wf):
        plan = _plan(wf, n)
        if plan is None:
            continue
        r, got, slots, given, ins, values = plan
        settings, by_place = settings_of(n, ins) if values is None else (
            {**values[0], **{f"value {shown(v)} (at place {k + 1})": v for k, v in values[1]}}, False)
        back = {v: k for k, v in got.items()}
        widgets = {back[k]: v for k, v in settings.items() if k in back and k not in n.links}
        links = {back[k]: src for k, src in n.links.items() if k in back}
        other = [k if values and k.startswith("value ") else f"{k} {shown(v)}" for k, v in settings.items()
                 if k not in back and k != CONTROL and k not in n.links]
        other += [f"{k} (wired)" for k in n.links if k not in back]
        for m, k in list(consumers(wf).get(n.id, ())):
            src, slot = m.links[k]
            if slot in slots:
                m.links[k] = (n.id, slots[slot])
        n.origin, n.cls, n.widgets, n.links = n.shown_cls, r.name, widgets, links
        n.ports.update({k: v for k, v in got.items() if k != v})
        said.append(_sentence(n, r.name, got, slots, given, other, by_place, values is not None))
    return said


def _sentence(n: CNode, core: str, got: dict, slots: dict, given: list, other: list[str], by_place: bool,
              core_places: bool = False) -> str:
    name = f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})"
    if uncatalogued(n):
        name += ", a node no pack in Studio's catalogue declares,"
    line = (f"{name} is read as ComfyUI's {core} by its declared types (it takes every input {core} takes"
            f"{', and gives conditionings in pairs and a latent' if len(slots) > 3 else ''}){placed(by_place)}")
    if core_places:
        line += f" (its values named by the places {core} declares its settings in)"
    renamed = [f"'{v}' as '{k}'" for k, v in got.items() if k != v]
    if renamed:
        line += f"; its {', '.join(renamed)}"
    if len(slots) > 3:
        conds = [i for i in sorted(slots) if slots[i] != 2]
        names = ", ".join(repr(given[i][0]) for i in conds) if all(given[i][0] for i in conds) else \
            f"its outputs {conds[0] + 1}-{conds[-1] + 1}"
        line += (f"; its {len(conds) // 2} pairs of prompts ({names}: a pair for each sampler) read as {core}'s one "
                 "positive and negative, every sampler given the same")
    if other:
        line += (f"; its {', '.join(other)} {'are' if len(other) > 1 else 'is'} not applied ({core} has no such "
                 "setting), so what it makes may differ from the pack's")
    return line


model_families, word = _model_families, _word  # (uncatalogued_twins.py's ties)
