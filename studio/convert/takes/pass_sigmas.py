"""A pass's schedule shaped by RES4LYF's sigma nodes (issue 112 item 4), read into what Studio's pass takes:
the share of the schedule the pass runs (its strength), the steps it runs and the noise level it starts from.

The chain read (ckinpdx's LTX-2.3 -> Wan refines; the nodes' behaviour as RES4LYF@022c873 ``sigmas.py`` declares and
computes it, read, not run):

- ``Linear Quadratic Advanced`` (steps, denoise, inflection_percent, threshold_noise): ComfyUI's linear-quadratic
  schedule over ``int(steps / denoise)`` steps (``steps`` where denoise is 1), its first ``inflection_percent`` of them
  taking the noise down linearly by ``threshold_noise`` in all, the rest by a quadratic reaching 0; its last
  ``steps + 1`` sigmas kept (flow models: sigma 1 is pure noise);
- ``Sigmas Split Value`` (split_value, bias_split_up): the schedule cut at the first sigma below the value; its
  second output (low_sigmas) from the sigma before that one to the end (bias_split_up: from the first at or below);
- ``Sigmas Resample`` (output_length, mode, order, rescale_after): the schedule interpolated to ``output_length``
  sigmas (``output_length - 1`` steps), its ends kept where rescale_after is set;
- ``Sigmas Rescale`` (start, end): the schedule stretched to run from ``start`` to ``end``.

The share is the split's: the low sigmas' steps over the whole schedule's (the denoise a KSampler gives the same
slice); Studio's generator for the pass (Video to Video, Wan HuMo) runs that share of its model's own schedule, in
the steps read, so the noise level it starts from is its scheduler's, not the rescaled start: said.

Plain data and stdlib."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from studio.core.shown import number

from ..reading.workflow import CNode, Workflow

# each node's settings in the order a UI file saves them (read by place where the file does not name them)
ORDER = {"Linear Quadratic Advanced": ("steps", "denoise", "inflection_percent", "threshold_noise"),
         "Sigmas Split Value": ("split_value", "bias_split_up"),
         "Sigmas Resample": ("output_length", "mode", "order", "rescale_after"),
         "Sigmas Rescale": ("start", "end")}
SIGMAS_IN = {"Sigmas Split Value": "sigmas", "Sigmas Resample": "sigmas_in", "Sigmas Rescale": "sigmas"}
MAX_CHAIN = 16
MAX_SCHEDULE = 100_000  # steps worked out (the node's own maximum)


@dataclass(frozen=True)
class PassSigmas:
    share: float  # of the whole schedule, the pass's strength
    steps: int  # the steps the pass runs
    start: float  # the sigma it starts from
    nodes: tuple[CNode, ...]  # the chain read, the sampler's nearest first


def setting(wf: Workflow, n: CNode, name: str) -> Any:
    """A setting by its name, or by its place in a UI file that saved it unnamed."""
    v = wf.value(n, name)
    if v is None and name not in n.links and isinstance(n.raw, list) and name in ORDER.get(n.cls, ()):
        i = ORDER[n.cls].index(name)
        v = n.raw[i] if i < len(n.raw) else None
    return v


def _num(v: Any) -> float | None:
    try:
        f = float(v) if v is not None and not isinstance(v, bool) else None
    except (TypeError, ValueError):
        return None
    return f if f is not None and f == f and abs(f) != float("inf") else None


def linear_quadratic(total: int, inflection: float, threshold: float) -> list[float]:
    """The linear-quadratic schedule of ``total`` steps (``total + 1`` sigmas, 1 to 0): for the first
    ``int(total * inflection)`` steps the noise removed grows by ``threshold`` evenly, then along the quadratic that
    keeps that slope and has removed it all at the last step."""
    if total <= 1:
        return [1.0, 0.0]
    lin = max(1, int(total * inflection))
    rest = total - lin
    slope = threshold / lin
    curve = (1.0 - threshold - slope * rest) / (rest * rest) if rest else 0.0
    removed = [slope * i if i < lin else threshold + slope * (i - lin) + curve * (i - lin) ** 2 for i in range(total)]
    return [1.0 - r for r in removed] + [0.0]


def _schedule(wf: Workflow, n: CNode) -> tuple[list[float], int] | None:
    """Linear Quadratic Advanced's sigmas and the whole schedule's steps they are the end of."""
    steps, denoise = _num(setting(wf, n, "steps")), _num(setting(wf, n, "denoise"))
    infl, thr = _num(setting(wf, n, "inflection_percent")), _num(setting(wf, n, "threshold_noise"))
    if None in (steps, denoise, infl, thr) or steps < 1 or denoise <= 0:
        return None
    total = int(steps / denoise) if denoise < 1 else int(steps)
    if total > MAX_SCHEDULE:
        return None
    return linear_quadratic(total, infl, thr)[-(int(steps) + 1):], total


def read(wf: Workflow, sampler: CNode) -> PassSigmas | None:
    """The pass's share, steps and start where its 'sigmas' come from RES4LYF's chain above; None where not (another
    scheduler: the sampler's own reading stands)."""
    src, chain, length, start = wf.source(sampler, "sigmas"), [], None, None
    for _ in range(MAX_CHAIN):
        if src is None or not src.enabled or src.cls not in ORDER:
            return None
        chain.append(src)
        if src.cls == "Sigmas Rescale":
            start = start if start is not None else _num(setting(wf, src, "start"))
        elif src.cls == "Sigmas Resample":
            length = length if length is not None else _num(setting(wf, src, "output_length"))
        elif src.cls == "Sigmas Split Value":
            break
        src = wf.source(src, SIGMAS_IN[src.cls])
    else:
        return None
    split, made = chain[-1], wf.source(chain[-1], "sigmas")
    value = _num(setting(wf, split, "split_value"))
    after = chain[-2] if len(chain) > 1 else sampler  # the node reading the split's output
    if made is None or made.cls != "Linear Quadratic Advanced" or value is None or \
            after.links.get(SIGMAS_IN.get(after.cls, "sigmas"), (None, 0))[1] != 1:
        return None  # (its first output, the high sigmas: a first pass, not a refine)
    sched = _schedule(wf, made)
    if sched is None:
        return None
    sigmas, total = sched
    up = setting(wf, split, "bias_split_up") is True
    cut = next((i for i, s in enumerate(sigmas) if (s <= value if up else s < value)), None)
    if cut is None or (cut == 0 and not up):
        return None
    low = sigmas[cut:] if up else sigmas[cut - 1:]
    steps = int(length) - 1 if length is not None and length >= 2 else len(low) - 1
    share = (len(low) - 1) / total
    if not 0 < share < 1 or steps < 1:
        return None
    return PassSigmas(round(share, 4), steps, start if start is not None else low[0], tuple(chain + [made]))


_name = CNode.named  # the node in a sentence


def sentence(p: PassSigmas, sampler: CNode) -> str:
    """The chain in one sentence: what the workflow's pass runs, and what Studio's generator runs instead."""
    names = ", ".join(_name(n) for n in reversed(p.nodes))
    return (f"RES4LYF's sigma nodes {names} shape the schedule given to {_name(sampler)}'s 'sigmas': the pass runs "
            f"{p.steps} step{'s' if p.steps != 1 else ''} from noise level {number(round(p.start, 4))}, the last "
            f"{number(round(100 * p.share, 1))} % of its linear-quadratic schedule; Studio's generator for the pass "
            f"runs that share (strength {number(p.share)}) of its model's own schedule in {p.steps} step"
            f"{'s' if p.steps != 1 else ''}: the sigma shaping is not applied")
