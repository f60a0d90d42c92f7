"""The steps between a sampler and the scheduler whose sigmas they change (LTX-Video's LTXVShiftSigmas: sigmas in, one
output of sigmas out, no steps of their own), told by their types; a splitter (two outputs) is none. Stdlib."""
from __future__ import annotations

from .. import catalogue
from ..families import registry as families
from ..reading.workflow import CNode, Workflow
from .roles import consumers, out_types


def sigma_steps(wf: Workflow, sig: CNode | None) -> tuple[CNode | None, list[CNode]]:
    """(the scheduler, the steps between it and the sampler): a node taking the sigmas and giving one output of
    them (LTXVShiftSigmas), no steps of its own, is followed to the scheduler it changes; a splitter (two outputs)
    is not."""
    between: list[CNode] = []
    while sig is not None and len(between) < 4 and sig.cls not in ("BasicScheduler", "ManualSigmas") \
            and sig.cls not in families.lookup("schedulers") and "steps" not in sig.widgets and "steps" not in sig.links:
        t = catalogue.node_type(sig.shown_cls)
        outs = list(t.output_types) if t is not None and t.outputs is not None else sig.out_types or (
            sorted(out_types(wf, sig)) if all(m.links[k][1] == 0 for m, k in consumers(wf).get(sig.id, ())) else [])
        up = wf.source(sig, "sigmas")
        if up is None or outs != ["SIGMAS"]:
            break
        between.append(sig)
        sig = up
    return sig, between


SPLITS = {"SplitSigmas": "step"}  # ComfyUI's: output 0 the sigmas up to its step (the first steps), 1 from it on


def split(wf: Workflow, s: CNode) -> tuple[CNode | None, int | None, int | None, list[CNode]]:
    """(what gives the sigmas the splitters split, the pass's first step, its last (None: to the end), the splitters)
    where sampler ``s``'s sigmas are one part of ComfyUI's SplitSigmas; (its sigmas' source, None, None, []) else.
    Found by the tenth held-out set: a Wan 2.2 pair of passes on BetaSamplingScheduler's 10 steps split at 6 read as
    the generator's own 25. A part of a part (heldout13 10's Triple sampler: 6 steps split at 1, the rest at 2) is
    counted in the steps of the whole: 1-3, then 3 to the end."""
    link = s.links.get("sigmas")
    src = wf.source(s, "sigmas")
    step = _step(wf, src) if link else None
    if step is None and link and experts_split(wf, src):  # two experts' parts of one schedule, split at a level:
        return wf.source(src, "sigmas"), None, None, [src]  # the pass's steps the whole's, its part the model's own
    if step is None:
        return src, None, None, []
    (first, last), splitters = (0, step) if link[1] == 0 else (step, None), [src]
    up, via = wf.source(src, "sigmas"), src.links.get("sigmas")
    while up is not None and via and (k := _step(wf, up)) is not None:  # the part split again: its steps of the whole
        first, last = (first, k if last is None else min(last, k)) if via[1] == 0 else \
            (first + k, None if last is None else last + k)
        splitters.append(up)
        up, via = wf.source(up, "sigmas"), up.links.get("sigmas")
    return up, first, last, splitters


def at_level(n: CNode | None) -> bool:
    """``n`` splits the sigmas it is given at a setting of its own that is no step count (a noise level: stduhpf's
    SplitSigmasAtT; a denoise fraction): by its declared types, a 'sigmas' input of SIGMAS, a FLOAT setting, no INT
    one, and two SIGMAS outputs first (the sigmas before the split, then the rest)."""
    t = catalogue.node_type(n.shown_cls) if n is not None else None
    if t is None or t.inputs is None or t.outputs is None or n.cls in SPLITS:
        return False
    sig = t.input("sigmas")
    settings = [i.type for i in t.widgets]
    return (sig is not None and sig.type == "SIGMAS" and "FLOAT" in settings and "INT" not in settings
            and list(t.output_types[:2]) == ["SIGMAS", "SIGMAS"] and "SIGMAS" not in t.output_types[2:])


def experts_split(wf: Workflow, n: CNode | None) -> bool:
    """``n`` splits one schedule ``at_level`` between two samplers on two models, its first part to one, the rest
    to the other: a two-expert model's passes, each a part of the whole schedule's steps, the switch the model's own
    (heldout59 04, 06: SplitSigmasAtT between BasicScheduler's 20 steps and a Wan 2.2 pair of SamplerCustom was "not
    read", the generator's own 25 standing)."""
    if not at_level(n):
        return False
    models: dict[int, set] = {0: set(), 1: set()}
    for m, k in consumers(wf).get(n.id, ()):
        if k == "sigmas" and m.links[k][1] in models and "model" in m.links:
            models[m.links[k][1]].add(m.links["model"][0])
    return len(models[0]) == 1 and len(models[1]) == 1 and models[0] != models[1]


def level_said(wf: Workflow, s: CNode) -> str:
    """', its sigmas the part before (after) the split at <setting> <value> ('<splitter>' (<type>, #<id>))' where
    sampler ``s`` takes one part of an ``experts_split`` splitter's sigmas; '' else."""
    link, src = s.links.get("sigmas"), wf.source(s, "sigmas")
    if not link or not experts_split(wf, src) or link[1] not in (0, 1):
        return ""
    t = catalogue.node_type(src.shown_cls)
    levels = ", ".join(f"{i.name} {v:g}" for i in t.widgets if i.type == "FLOAT"
                       and isinstance(v := wf.value(src, i.name), (int, float)) and not isinstance(v, bool))
    return (f", its sigmas the part {'before' if link[1] == 0 else 'after'} the split at "
            f"{levels or 'the level it is set to'} ('{src.title or src.shown_cls}' ({src.shown_cls}, #{src.id}))")


def _step(wf: Workflow, src: CNode | None) -> int | None:
    """The step a splitter splits its sigmas at; None where ``src`` is no splitter or its step is not known."""
    if src is None or src.cls not in SPLITS:
        return None
    step = wf.value(src, SPLITS[src.cls])
    return step if isinstance(step, int) and not isinstance(step, bool) and step >= 0 else None
