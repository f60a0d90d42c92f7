"""An output that writes a take already made joined with later takes of their own (a chain of extends, each
started from the last frame of the one before and batched after it): Studio's graph makes only the first take, so
this output is one more Save Video on that pipeline, said, never a second generator copying the first take (found by
the third held-out set: a Wan 2.2 extend chain of four subgraphs made three identical generators). Told by the
samplers alone: the output's samplers are a made pipeline's and others, each of which samples a take of its own
(its latent from no sampler, or from another of those others: a second expert), none a refine. Plain data and
stdlib."""
from __future__ import annotations

from typing import Any

from ..families import registry as families
from ..reading.workflow import CNode
from .passes import latent_back, refines
from ..tracing.stills import one_picture


_named = CNode.named  # the node in a sentence


def made_first_take(b: Any, key: frozenset) -> frozenset | None:
    """The samplers of a pipeline already made that output ``key`` writes joined with takes of their own; None
    where there is none (or one of the others refines a take, or samples on from it, or the pipeline's family reads
    its segments itself: its generator's ``made`` hook)."""
    wf = b.wf
    for made in b.made:
        extra = key - made
        if not (made < key) or not extra:
            continue
        hooks = families.generator(b.made[made][1])
        if hooks is not None and hooks.made is not None and (hooks.one_take is None or hooks.one_take(b, made, key)):
            continue  # its family has its own last word on its segments (SCAIL-2, Wan Animate make them one take)
        own = True
        for sid in extra:
            node = wf.nodes.get(sid)
            back = latent_back(wf, node)[0] if node is not None else None
            if node is None or (back is not None and back.id not in extra) or (back is None and refines(wf, node)):
                own = False
                break
        if own:
            return made
    return None


def line(b: Any, save: CNode, made: frozenset, key: frozenset) -> str:
    """The sentence for the output written as the first take alone."""
    wf, extra = b.wf, sorted(key - made)
    stills = [s for s in extra if latent_back(wf, wf.nodes[s])[0] is None and one_picture(wf, wf.nodes[s])]
    if stills and len(stills) == len(extra):  # a picture made beside the take (a reference, a first frame): no segment
        return (f"'{save.title or save.shown_cls}' (#{save.id}) writes this take with the still picture "
                f"{', '.join(_named(wf.nodes[s]) for s in stills)} make{'s' * (len(stills) == 1)} (a latent of one "
                "picture, no frames): Studio's graph does not make that picture, and this Save Video writes the take "
                "without it")
    starts = [s for s in extra if latent_back(wf, wf.nodes[s])[0] is None]  # each take's first pass
    later = len(extra) - len(starts)
    more = f" (and {later} later pass{'es' if later > 1 else ''} sampling on from them)" if later else ""
    others = ", ".join(_named(wf.nodes[s]) for s in starts)
    elsewhere = [f"the take of {_named(wf.nodes[s])} is made for {_output(b, m[3])}" for s in starts
                 for k, m in b.made.items() if s in k]  # a later take another output's chain made (not joined here)
    if elsewhere:
        return (f"'{save.title or save.shown_cls}' (#{save.id}) writes this take joined with the takes of {others}"
                f"{more}, each a segment of its own: Studio's graph does not join them here ({'; '.join(elsewhere)}), "
                "and this Save Video writes the first take alone; add a generator for each other take (its prompt and "
                "LoRAs) and join them (Concatenate)")
    return (f"'{save.title or save.shown_cls}' (#{save.id}) writes this take joined with the takes of {others}{more}, "
            "each a segment of its own: Studio's graph makes only the first take, and this Save Video writes it "
            "alone; add a generator for each (its prompt and LoRAs) and join them (Concatenate)")


def _output(b: Any, made_for: CNode) -> str:
    """The output a pipeline was made for, in words (a take of a joined output: its number in that output)."""
    base, _, k = made_for.id.partition("~")
    out = b.wf.nodes.get(base) if k else made_for
    out = out if out is not None else made_for
    return f"{'take ' + k + ' of ' if k else ''}'{out.title or out.shown_cls}' (#{out.id})"
