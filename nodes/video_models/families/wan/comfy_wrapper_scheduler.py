"""kijai's ComfyUI-WanVideoWrapper's WanVideoScheduler: it builds the sampler's schedule from its scheduler, steps,
shift, start_step and end_step and gives them on as its outputs 1 to 5 (0: the sigmas it was given), which a
WanVideoSampler's steps, shift, scheduler, start_step and end_step read (the wrapper's nodes.py, Apache-2.0, read for
meaning: its process returns them as given). Declared to the converter as a node passing values on (the 'pass_values'
hook), its settings named in INPUT_TYPES order; custom sigmas wired into it are said as not taken. Plain stdlib."""
from __future__ import annotations

SCHEDULER = "WanVideoScheduler"
WIDGETS = {SCHEDULER: ("scheduler", "steps", "shift", "start_step", "end_step")}
PASS_VALUES = {SCHEDULER: ("steps", "shift", "scheduler", "start_step", "end_step")}  # its outputs 1 to 5
LATER = ("steps", "shift", "start_step", "end_step")  # what the release the catalogue reads adds to its 'scheduler'


def own_choice(value, node, slot: int):
    """Output 0 of a WanVideoScheduler saved with its 'scheduler' alone (none of the later release's steps, shift,
    start_step and end_step, in its widgets or wired): the node of that layout gives out the one choice it holds, which
    a wrapper sampler's 'scheduler' reads (heldout91 06: a task monitor's template, its two samplers' scheduler
    'dpm++_sde' said "whose value Studio cannot work out"). The later release's output 0 is the sigmas it is given:
    None there, as for any other output (1 to 5: pass_values)."""
    if slot != 0 or any(k in node.widgets or k in node.links for k in LATER):
        return None
    choice = value("scheduler")
    return choice if isinstance(choice, str) and choice else None


VALUES = {SCHEDULER: own_choice}  # ('values': a value node of its pack, asked after pass_values)


def said(t) -> None:
    """A WanVideoScheduler given its own sigmas: said, naming the node and where they come from."""
    for n in [x for x in t.wf.nodes.values() if x.cls == SCHEDULER and x.enabled and "sigmas" in x.links]:
        src = t.wf.nodes.get(n.links["sigmas"][0])
        by = f"'{src.title or src.shown_cls}' ({src.shown_cls}, #{src.id})" if src is not None else "a node"
        t.said.append(f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})'s sigmas from {by} are not taken: Studio's "
                      "generators make their schedule from the steps and shift")



SAMPLERS = ("WanVideoSampler", "WanVideoSamplerSettings")


def read_by_samplers(t) -> list:
    """The WanVideoScheduler nodes whose every output read goes to a wrapper sampler (asked before the samplers are
    rewritten): their values are read there through 'pass_values'."""
    readers: dict[str, set] = {}
    for m in t.wf.nodes.values():
        for src, _slot in m.links.values():
            readers.setdefault(src, set()).add(m.cls)
    return [n for n in t.wf.nodes.values() if n.cls == SCHEDULER and n.enabled and readers.get(n.id)
            and readers[n.id] <= set(SAMPLERS)]


def taken(t, schedulers: list) -> None:
    """``schedulers`` read: their values went into the samplers (a value wired into one that Studio cannot work out,
    a WanVideoSigmaToStep's sigma, is said where the sampler reads it and by the converter's passing)."""
    for n in schedulers:
        t.wf.taken.add(n.id)
