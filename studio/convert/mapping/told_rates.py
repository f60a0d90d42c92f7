"""A family's node telling the model a frame rate other than the video's (LTX-Video's LTXVConditioning frame_rate 25
beside CreateVideo's 24): Studio's generator takes one rate for both, so the one told is said, once, naming the
node (found by the seventh held-out set: the rate the model was told was dropped without a word). Its generator
tells the pipeline the take's rate (LTX-Video's 'frame_rate' since fps22: its pipelines' 25 before, heldout9 and
heldout104 06), so a node telling the take's own rate is taken, nothing said. A rate told
that the frame interpolations after it multiply up to the video's (24 told, RIFE x2, written at 48) is the take's own
rate, which the generator is given (finishing.own_rate): not a second rate, nothing said here (heldout62 05: "takes
one rate, 48.0, for both" where the generator took 24). Plain data."""
from __future__ import annotations

from typing import Any

from studio.core.shown import number

from ..families import registry as families
from ..reading.workflow import CNode
from ..tracing.walks import upstream


def told_rates(b: Any, up: list[CNode], rate: float, at: CNode) -> None:
    """Said in the Log: each family rate node of ``up`` (not ``at``, the node the video's ``rate`` was read from,
    itself no family's) whose rate is a number other than the one Studio's generator tells the model: the video's
    ``rate``."""
    theirs = families.lookup("fps_nodes")
    if at.cls in theirs:
        return
    for n in up:
        if n is at or n.cls not in theirs:
            continue
        for k in ("frame_rate", "fps"):
            v = b.wf.value(n, k)
            if v is None and (src := b.wf.source(n, k)) is not None:  # worked out when it runs (a clip's own rate)
                _unread(b, n, k, src, rate, at)
                break
            if not isinstance(v, (int, float)) or isinstance(v, bool):
                continue
            f = _interpolated(b, up, n)  # (1 where none: the take's rate is the video's)
            if abs(float(v) * f - rate) < 1e-6:
                break  # the take's own rate, the frames interpolated to the video's after it (heldout62 05)
            head = (f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})'s {k} {number(v)} (the rate the model is told "
                    f"the clip has)")
            video = (f"the video's {number(rate)} ('{at.title or at.shown_cls}', #{at.id})" if f == 1.0 else
                     f"the take's {number(rate / f)} (the video's {number(rate)}, '{at.title or at.shown_cls}', "
                     f"#{at.id}, over the frame interpolation x{f:g} after the take)")
            line = f"{head} is not {video}: Studio's generator takes one rate, {number(rate / f)}, for both"
            if not any(line in said for said in b.out.log):
                b.say(line)
            break


def _unread(b: Any, n: CNode, k: str, src: CNode, rate: float, at: CNode) -> None:
    """``n``'s rate ``k`` given by ``src`` when the workflow runs (GetVideoComponents' rate of a loaded clip: heldout24
    01's HDR band): not read, and the rate Studio's generator tells the model instead said, once."""
    head = (f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})'s {k} (the rate the model is told the clip has) is "
            f"given by '{src.title or src.shown_cls}' ({src.shown_cls}, #{src.id}) when the workflow runs")
    spec = b.g.registry.get(b.task_now) if getattr(b, "task_now", None) in b.g.registry else None
    if spec is not None and src.cls == "GetVideoComponents" and "video" in {i.name for i in spec.inputs} \
            and "fps" not in {p.name for p in spec.params}:  # (LTX-2 HDR: the rate of the clip on its 'video', heldout38)
        b.say(f"{head}: Studio's {spec.title} tells the model the rate of the clip on its 'video' (it has no rate "
              "of its own)")
        return
    line = (f"{head}: not read; Studio's generator tells the model {rate:g}, the video's "
            f"('{at.title or at.shown_cls}', #{at.id})")
    if not any(line in said for said in b.out.log):
        b.say(line)


def _interpolated(b: Any, up: list[CNode], n: CNode) -> float:
    """The product of the multipliers of the frame interpolations on the output's way (``up``) that take what ``n``
    conditions (``n`` upstream of them): the video's rate over the take's; 1 where none."""
    from ..finishing.own_rate import interpolates
    from ..finishing.utility import multiplier
    factor = 1.0
    for x in up:
        if x.enabled and interpolates(x) and any(m.id == n.id for m in upstream(b.wf, x)):
            k = multiplier(b.wf, x)
            if isinstance(k, (int, float)) and not isinstance(k, bool) and k > 1:
                factor *= float(k)
    return factor
