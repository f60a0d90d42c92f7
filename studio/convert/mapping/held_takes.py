"""Another output of a take held for the files it is made from (ledger.uncarried: a clip given to its sampler by nodes
Studio does not read): held the same way, never made from the prompt alone (heldout113 03: MiniMax H3's restore of a
clip saved twice, once beside the clip for comparison, once alone; the first save held, the second made as a text to
video, the clip being named by then, and the held task's sentences said it had no generator). Known by the take's
samplers (Output.key), not by any node's name. Where the first output's task is a node putting a file and what the
samplers make together (made_after.maker) and another output does not pass through that node (heldout114 07:
FastBlend's SmoothVideo saved, and the sampler's frames saved apart before it), that output is said as the samplers'
frames without it, never as the node's video. Plain data and stdlib."""
from __future__ import annotations

from . import held_again


def record(b, key: frozenset, what: str, fam: str, maker=None) -> None:
    """That the take of samplers ``key`` is held as ``what`` with ``fam`` (its first output; ``maker``: the node making
    that output from a file and what the samplers make, where the task is told by it)."""
    b.__dict__.setdefault("held_takes", {})[key] = (what, fam, maker)


def _what(was: tuple, up) -> str:
    """The held task's words for another output: the samplers' frames without the maker where it is not on its way."""
    what, _, maker = was
    if maker is None or maker.id in {n.id for n in up}:
        return what
    return f"the frames its samplers make alone, not put together by {maker.named()},"


def again(b, o) -> bool:
    """True where ``o`` is another output of a take held already: held the same way (its own settings said where not
    said yet), no generator made for it."""
    was = getattr(b, "held_takes", {}).get(o.key)
    if was is None:
        return False
    b.used.add(o.save.id)
    b.held_saves.add(o.save.id)
    before = len(b.out.log)
    what = _what(was, o.up)
    held_again.said(b, o.save, what, was[1], o.up)
    if len(b.out.log) == before:  # (its passes' settings said with the first output: the save itself named)
        b.say(f"{o.save.named()} is another output of that task ({what} with {was[1]}), held the same way, with "
              "no generator of its own.")
    return True
