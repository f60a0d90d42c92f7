"""kijai's ComfyUI-WanVideoWrapper's second sampler pair: WanVideoSamplerv2 takes the cfg, seed and the samples to
continue, and a WanVideoSchedulerv2 wired into its 'scheduler' gives the schedule - its scheduler, steps, shift,
start_step and end_step (the wrapper's nodes, read for meaning from their declared inputs: Studio's catalogue; the
first pair, WanVideoSampler, takes them all). A v2 sampler given a v2 scheduler is read as the WanVideoSampler with
those settings, so the translation reads it as it reads the first (KSamplerAdvanced: its steps, shift, split at its
start and end steps); the scheduler, read there, is no node of its own. Custom sigmas wired into the scheduler and
its high-frequency enhancement are said as not taken (heldout27 14: an app's Wan 2.2 image to video on the v2 pair
was held, "a sampler it has no counterpart for"). Plain stdlib."""
from __future__ import annotations

from studio.convert.api import CONTROL, finite

SAMPLER, SCHEDULER = "WanVideoSamplerv2", "WanVideoSchedulerv2"
# their settings in the order a UI file saves them (the declared widget inputs' order)
WIDGETS = {SAMPLER: ("cfg", "seed", CONTROL, "force_offload", "add_noise_to_samples"),
           SCHEDULER: ("scheduler", "steps", "shift", "start_step", "end_step", "enhance_hf")}
OWN = ("cfg", "seed", "force_offload", "add_noise_to_samples")  # the sampler's; the rest its scheduler's
SCHEDULED = ("scheduler", "steps", "start_step", "end_step")  # (its shift: a ModelSamplingSD3 of its own)


def _scheduler(t, n):
    src = n.links.get("scheduler")
    m = t.wf.nodes.get(src[0]) if src else None
    return m if m is not None and m.cls == SCHEDULER else None


def as_v1(t) -> bool:
    """Each WanVideoSamplerv2 given a WanVideoSchedulerv2, rewritten in place as the WanVideoSampler it stands for
    (its sentences name it as the file does; the scheduler's shift a ModelSamplingSD3 made for the scheduler, so the
    note names it); the schedulers only such samplers read, taken. Whether the workflow has a WanVideoSampler of its
    own (``named_made``)."""
    first = any(x.cls == "WanVideoSampler" for x in t.wf.nodes.values())
    readers: dict[str, set[str]] = {}
    for m in t.wf.nodes.values():
        for src, _slot in m.links.values():
            readers.setdefault(src, set()).add(m.cls)
    read: set[str] = set()
    for n in [x for x in t.wf.nodes.values() if x.cls == SAMPLER]:
        sched = _scheduler(t, n)
        if sched is None:
            continue  # (given no v2 scheduler: kept as it is, the task held with its sentence)
        own, given = t.named(n), t.named(sched)
        widgets = {k: own[k] for k in OWN if k in own}
        widgets.update({k: given[k] for k in SCHEDULED if k in given})
        n.origin, n.cls, n.widgets = n.origin or n.cls, "WanVideoSampler", widgets
        n.links = {k: v for k, v in n.links.items() if k != "scheduler"}
        shift, model = given.get("shift"), n.links.get("model")
        if finite(shift) and model is not None:  # (one scheduler two samplers read: a shift node for each)
            nid = f"{sched.id}:shift" + ("" if f"{sched.id}:shift" not in t.wf.nodes else f":{n.id}")
            n.links["model"] = (t.core(sched, "ModelSamplingSD3", {"shift": shift}, {"model": model}, nid=nid).id, 0)
        read.add(sched.id)
    for sched in [t.wf.nodes[k] for k in sorted(read)]:
        named = f"'{sched.title or sched.shown_cls}' ({sched.shown_cls}, #{sched.id})"
        if "sigmas" in sched.links:
            t.said.append(f"{named}'s sigmas are not taken: Studio's generators make their schedule from the steps "
                          "and shift")
        if t.named(sched).get("enhance_hf") is True:
            t.said.append(f"{named}'s enhance_hf (the wrapper's high-frequency enhancement of the schedule) is not "
                          "applied: Studio's generators have no such setting")
        if readers.get(sched.id, set()) <= {SAMPLER}:
            t.wf.taken.add(sched.id)
    if read:
        t.made.setdefault(SAMPLER, "KSamplerAdvanced (its WanVideoSchedulerv2's steps, scheduler, start and end steps "
                                   "read there)")
        t.made.setdefault(SCHEDULER, "ModelSamplingSD3 (its shift)")
    return first


def named_made(t, first: bool) -> None:
    """The samplers read as the first pair's: no 'WanVideoSampler' said read where the file has none."""
    if not first and SAMPLER in t.made:
        t.made.pop("WanVideoSampler", None)
