"""A family's node telling the model a frame rate other than the video's (LTX-Video's LTXVConditioning frame_rate 25
beside CreateVideo's 24): Studio's generator takes one rate for both, so the one told is said, once, naming the
node (found by the seventh held-out set: the rate the model was told was dropped without a word). Plain data."""
from __future__ import annotations

from typing import Any

from studio.core.shown import number

from ..families import registry as families
from ..reading.workflow import CNode


def told_rates(b: Any, up: list[CNode], rate: float, at: CNode) -> None:
    """Said in the Log: each family rate node of ``up`` (not ``at``, the node the video's ``rate`` was read from,
    itself no family's) whose rate is a number other than ``rate``."""
    theirs = families.lookup("fps_nodes")
    if at.cls in theirs:
        return
    for n in up:
        if n is at or n.cls not in theirs:
            continue
        for k in ("frame_rate", "fps"):
            v = b.wf.value(n, k)
            if not isinstance(v, (int, float)) or isinstance(v, bool) or abs(float(v) - rate) < 1e-6:
                continue
            line = (f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})'s {k} {number(v)} (the rate the model is told "
                    f"the clip has) is not the video's {number(rate)} ('{at.title or at.shown_cls}', #{at.id}): Studio's "
                    f"generator takes one rate, {number(rate)}, for both")
            if not any(line in said for said in b.out.log):
                b.say(line)
            break
