"""Another output of a take held for the files it is made from (ledger.uncarried: a clip given to its sampler by nodes
Studio does not read): held the same way, never made from the prompt alone (heldout113 03: MiniMax H3's restore of a
clip saved twice, once beside the clip for comparison, once alone; the first save held, the second made as a text to
video, the clip being named by then, and the held task's sentences said it had no generator). Known by the take's
samplers (Output.key), not by any node's name. Plain data and stdlib."""
from __future__ import annotations

from . import held_again


def record(b, key: frozenset, what: str, fam: str) -> None:
    """That the take of samplers ``key`` is held as ``what`` with ``fam`` (its first output)."""
    b.__dict__.setdefault("held_takes", {})[key] = (what, fam)


def again(b, o) -> bool:
    """True where ``o`` is another output of a take held already: held the same way (its own settings said where not
    said yet), no generator made for it."""
    was = getattr(b, "held_takes", {}).get(o.key)
    if was is None:
        return False
    b.used.add(o.save.id)
    b.held_saves.add(o.save.id)
    before = len(b.out.log)
    held_again.said(b, o.save, was[0], was[1], o.up)
    if len(b.out.log) == before:  # (its passes' settings said with the first output: the save itself named)
        b.say(f"{o.save.named()} is another output of that task ({was[0]} with {was[1]}), held the same way, with "
              "no generator of its own.")
    return True
