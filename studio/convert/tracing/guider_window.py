"""A guider's window of steps: KJNodes' ScheduledCFGGuidance (read as ComfyUI's CFGGuider by its types,
packs/twins.py) guides with its cfg the steps whose index over its pass's steps (i / n, n its sigmas less one) is
within [start_percent, end_percent], and samples the others with the prompt alone (cfg 1, no unconditional call):
facts of KJNodes' nodes.py, read, nothing copied. The window's names are the one thing no declaration tells. Here its
steps are worked out from its sampler's pass: the take's first steps are the generator's 'guidance_steps'; any other
window is said not applied. Plain data and stdlib."""
from __future__ import annotations

from typing import Any

from ..values.shown import shown
from .cfg_split import guided_first

WINDOW = ("start_percent", "end_percent")


def _num(v: Any) -> float | None:
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def _above_one(v: Any) -> bool:
    """A guidance that guides (above 1, past a float's rounding: the wrapper's 1.0000000000000002 is 1)."""
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v > 1 + 1e-6


def guided(lo: float, hi: float, n: int) -> list[int]:
    """The steps of an ``n``-step pass a window [lo, hi] guides (its index over the pass's steps within it)."""
    return [i for i in range(n) if lo <= i / n <= hi]


def _window_of(p):
    g = p.at.get("cfg")
    return g if g is not None and all(k in g.widgets for k in WINDOW) else None


def window_params(wf, main, guidance_2, rest, takes=lambda name: True) -> tuple[dict, str]:
    """(the generator's settings, the sentences) for the window of the guider of ``main`` (the take's first pass, a
    tracing.sampling.Sampling) where it has one; ({}, '') where none. ``guidance_2``: the later expert's guidance
    (None: one expert); ``rest``: the take's other passes (a window on one of them: said not applied); ``takes``:
    whether the generator has a setting of that name."""
    later = [f"'{g.title or g.shown_cls}' ({g.shown_cls}, #{g.id})'s start_percent {shown(wf.value(g, WINDOW[0]))}, "
             f"end_percent {shown(wf.value(g, WINDOW[1]))} (a window of its pass's steps) guide a later pass: not "
             "applied, Studio guides a take's first steps only: every step of that pass is guided"
             for p in rest if (g := _window_of(p)) is not None and _partial(wf, g, p)]
    params, line = _first(wf, main, guidance_2, takes)
    if not params and not line and "guidance_steps" not in wf.carried.get(main.node.id, {}):  # no guider's window
        params, line = guided_first(main, rest, takes)  # a split of the cfg over the take's passes (cfg_split); not
        # where a reading carried the setting (a wrapper's per-step cfg list, heldout84 05): that reading owns it
    return params, "\n".join(x for x in (line, *later) if x)


def _partial(wf, g, p) -> bool:
    """Whether guider ``g``'s window leaves some step of its guided pass ``p`` unguided (not [0, 1], its cfg above 1)."""
    lo, hi, cfg = _num(wf.value(g, WINDOW[0])), _num(wf.value(g, WINDOW[1])), _num(p.cfg)
    return not (lo is not None and hi is not None and lo <= 0 and hi >= 1) and not (cfg is not None and
                                                                                not _above_one(cfg))


def _first(wf, main, guidance_2, takes) -> tuple[dict, str]:
    g = _window_of(main)
    if g is None:
        return {}, ""
    lo, hi = (_num(wf.value(g, k)) for k in WINDOW)
    steps, start, end = main.steps, main.start, main.end
    if lo is None or hi is None or not isinstance(steps, int) or steps < 1:
        return {}, ""
    first = start if isinstance(start, int) and start > 0 else 0
    last = end if isinstance(end, int) and first < end <= steps else steps
    n = last - first
    on = guided(lo, hi, n)
    name = f"'{g.title or g.shown_cls}' ({g.shown_cls}, #{g.id})"
    which = (f"steps {on[0]}-{on[-1]}" if len(on) > 1 else f"step {on[0]}") if on else "none"
    head = (f"{name}'s start_percent {lo:g}, end_percent {hi:g} guide {which} of its {n} (a step's index over its "
            "pass's steps within them; the others sampled with the prompt alone, cfg 1)")
    cfg = _num(main.cfg)
    if len(on) == n or (cfg is not None and not _above_one(cfg)):
        return {}, ""  # every step of its pass guided, or its cfg 1 (no guidance to window): as Studio makes it
    k = len(on)
    later = _above_one(guidance_2)
    if on == list(range(k)) and k > 0 and first == 0 and not later and takes("guidance_steps"):
        return {"guidance_steps": k}, (f"{head}: the generator's guidance_steps {k} (its guidance on the take's first "
                                       f"{k} steps, the rest sampled with the prompt alone)")
    why = ("the later expert is guided too" if later else "Studio guides a take's first steps only"
           if not (on == list(range(k)) and k > 0 and first == 0) else "the generator has no guidance_steps")
    return {}, f"{head}: not applied ({why}): every step of its pass is guided"


def carried_steps(params: dict, takes, said: list) -> None:
    """A guidance_steps a pack's translation carried to the generator (the wrapper's cfg list of one value on its first
    steps, then 1): dropped, said, where the generator has no such setting or its later expert is guided too."""
    k = params.get("guidance_steps")
    if not k:
        return
    g2 = params.get("guidance_2")
    why = ("the generator has no guidance_steps" if not takes("guidance_steps") else
           "the later expert is guided too" if _above_one(g2) else "")  # (a take in context windows: guided so too)
    if why:
        params.pop("guidance_steps")
        said[:] = [x for x in said if f"guidance_steps {k}" not in x]  # (the reading's claim taken back)
        said.append(f"guidance on the take's first {k} steps only (a window or list of cfg that guides them alone): "
                    f"not applied ({why}): every step is guided")
