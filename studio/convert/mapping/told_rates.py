"""A family's node telling the model a frame rate other than the video's (LTX-Video's LTXVConditioning frame_rate 25
beside CreateVideo's 24): Studio's generator takes one rate for both, so the one told is said, once, naming the
node (found by the seventh held-out set: the rate the model was told was dropped without a word); a family whose
pipeline is always told one rate (LTX-Video's: 25) says the node's other rate is not taken (the ninth). Plain data."""
from __future__ import annotations

from typing import Any

from studio.core.shown import number

from ..families import registry as families
from ..reading.workflow import CNode


def told_rates(b: Any, up: list[CNode], rate: float, at: CNode) -> None:
    """Said in the Log: each family rate node of ``up`` (not ``at``, the node the video's ``rate`` was read from,
    itself no family's) whose rate is a number other than the one Studio's generator tells the model: the video's
    ``rate``, or the rate its family's pipeline is always told (``told_rate``: LTX-Video's 25, heldout9)."""
    theirs = families.lookup("fps_nodes")
    if at.cls in theirs:
        return
    own = families.family_hook(b.family_now, "told_rate")
    told = float(own) if isinstance(own, (int, float)) else rate
    for n in up:
        if n is at or n.cls not in theirs:
            continue
        for k in ("frame_rate", "fps"):
            v = b.wf.value(n, k)
            if not isinstance(v, (int, float)) or isinstance(v, bool) or abs(float(v) - told) < 1e-6:
                continue
            head = (f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})'s {k} {number(v)} (the rate the model is told "
                    f"the clip has)")
            line = (f"{head} is not the video's {number(rate)} ('{at.title or at.shown_cls}', #{at.id}): Studio's "
                    f"generator takes one rate, {number(rate)}, for both") if own is None else (
                    f"{head} is not taken: Studio's {b.family_now} pipeline is always told {number(told)} (the video "
                    f"is written at {number(rate)})")
            if not any(line in said for said in b.out.log):
                b.say(line)
            break
