"""A two-expert scheduler's sigmas read by its declared outputs (wins6, issue 112: heldout39 09 and 15's
WanMoEScheduler gave both samplers their sigmas, and the generator's own 25 steps stood): a node declaring SIGMAS
outputs named 'sigmas' (all), 'sigmas_high' (the high-noise expert's first steps) and 'sigmas_low' (the rest), an
INT 'steps' (all the steps) and an INT 'steps_high' (the switch step), and a FLOAT 'shift' where it gives one. A
sampler given one of its SIGMAS runs, of the steps the 'steps' output gives, the part that output names; what those
outputs give is worked out by the value readers (a family's 'values' hook: Wan's comfy_moe_scheduler). Stdlib."""
from __future__ import annotations

from .. import catalogue
from ..reading.workflow import CNode, Workflow

PARTS = ("sigmas", "sigmas_high", "sigmas_low")


def _outputs(n: CNode) -> dict[str, tuple[int, str]] | None:
    t = catalogue.node_type(n.shown_cls)
    if t is None or t.outputs is None:
        return None
    return {o.name: (i, o.type) for i, o in enumerate(t.outputs) if o.name}


def expert_part(wf: Workflow, s: CNode, name: str = "sigmas") -> tuple[CNode, int, int | None, int | None] | None:
    """(the scheduler, all its steps, the first step this sampler runs, its last (None: to the end)) where
    ``s``'s ``name`` input is one SIGMAS output of such a scheduler whose steps are known; None else."""
    link = s.links.get(name)
    src = wf.source(s, name) if link else None
    outs = _outputs(src) if src is not None else None
    if not outs or not all(outs.get(p, (0, ""))[1] == "SIGMAS" for p in PARTS) or \
            outs.get("steps", (0, ""))[1] != "INT" or outs.get("steps_high", (0, ""))[1] != "INT":
        return None
    part = next((p for p in PARTS if outs[p][0] == link[1]), None)
    total, high = wf.output(src, outs["steps"][0]), wf.output(src, outs["steps_high"][0])
    if part is None or not all(isinstance(v, int) and not isinstance(v, bool) for v in (total, high)) or \
            not 0 <= high <= total:
        return None
    first, last = {"sigmas": (None, None), "sigmas_high": (0, high), "sigmas_low": (high, None)}[part]
    return src, total, first, last


def expert_shift(wf: Workflow, scheduler: CNode) -> float | None:
    """The shift ``scheduler`` gives out (its FLOAT 'shift' output), where it is known when converting."""
    outs = _outputs(scheduler) or {}
    at = outs.get("shift")
    v = wf.output(scheduler, at[0]) if at is not None and at[1] == "FLOAT" else None
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def expert_shift_read(wf: Workflow, main, shifts: list, shift_at: list, said: list[str]) -> None:
    """Where the first sampler ``main`` (a tracing.sampling Sampling) samples such a scheduler's sigmas: the shift the
    scheduler made them with is the generator's (added to ``shifts``, its node to ``shift_at``); a shift set on the
    model's way (ModelSamplingSD3) does not change sigmas given to the sampler, so it gives way, said; a shift the
    value reader does not work out (its schedule) said, the shift on the model's way or the generator's own standing."""
    sig = main.at.get("steps")
    if sig is None or expert_part(wf, main.node) is None:
        return
    moe = expert_shift(wf, sig)
    if moe is not None and shifts:
        other = [(v, n) for v, n in zip(shifts, shift_at) if v != moe]  # (shift_at: each shift's node, in order)
        if not other:
            return  # (the models' shifts are its own: ModelSamplingSD3 given its 'shift' output)
        said.append("the shift " + "; ".join(f"{v:g} ({n.shown_cls}, #{n.id})" if isinstance(v, (int, float))
                                             else f"{v} ({n.shown_cls}, #{n.id})" for v, n in other)
                    + f" set on the model's way does not change the sigmas {sig.named()} gives the samplers, made "
                    f"with its own shift {moe:g}: the generator takes {moe:g}")
        shifts.clear()
        shift_at.clear()
    if moe is not None:
        shifts.append(moe)
        shift_at.append(sig)
        return
    kind = wf.value(sig, "scheduler")
    said.append(f"the shift {sig.named()} finds (the one at which its sigma at the switch step reaches its boundary) is "
                "not worked out when converting" + (f" for its '{kind}' schedule" if isinstance(kind, str) else "")
                + (": the shift set on the model's way stands" if shifts else ": the generator's own shift stands"))
