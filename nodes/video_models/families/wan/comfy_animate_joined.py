"""The outputs writing a Wan Animate take and its extension joined, where each segment is also written alone
(heldout108 06: 'Get Image or Mask Range From Batch' picking the first take's frames before those it carries over and
the extension's, 'Image Batch Multi' joining them, written by two Video Combines), once Studio's Wan Animate makes the
whole take once (comfy_animate_extend._continued): the nodes that pick and join the two segments' frames are read as
that take, said in one sentence, no longer listed as steps not applied. Told by links alone: the joining node takes
frames made from both segments' samplers, and none of its inputs does; its picks are the nodes between it and the
segments' frames that neither segment's own output reads, with what gives their settings alone. Linear in the
workflow's size. Plain stdlib."""
from __future__ import annotations

from studio.convert.api import CNode, upstream


def _downstream(wf, start: set[str], readers: dict[str, list[str]], stop: set[str]) -> set[str]:
    """The nodes reached from ``start`` by their readers (``stop`` not entered)."""
    seen, todo = set(start), list(start)
    while todo:
        for r in readers.get(todo.pop(), ()):
            if r not in seen and r not in stop:
                seen.add(r)
                todo.append(r)
    return seen


def joined_picks(b, first: frozenset, ext: frozenset, continuing: set[str]) -> list[CNode]:
    """The nodes picking and joining the frames of take ``first``'s samplers and its extension ``ext``'s (each
    written by its own output, ``b.made``; ``continuing``: the extension's WanAnimateToVideo nodes, through which the
    first take's frames go on into the extension, not into a join), the joining nodes last; empty where none."""
    wf = b.wf
    readers: dict[str, list[str]] = {}
    for n in wf.nodes.values():
        if n.enabled:
            for src, _ in n.links.values():
                readers.setdefault(src, []).append(n.id)
    own = {u.id for k in (first, ext) for u in upstream(wf, b.made[k][3])}  # each segment's own output's way
    d1 = _downstream(wf, set(first), readers, set(ext) | continuing)
    d2 = _downstream(wf, set(ext), readers, set())
    both = d1 & d2
    joins = [wf.nodes[i] for i in sorted(both) if not any(src in both for src, _ in wf.nodes[i].links.values())]
    picks: list[CNode] = []
    for j in joins:
        picks += [u for u in upstream(wf, j) if u.id in (d1 | d2) - own - set(first) - set(ext) and u.id != j.id
                  and u not in picks]
    if not joins:
        return []
    group = {n.id for n in picks + joins}
    givers = [wf.nodes[src] for n in picks for src, _ in n.links.values() if src in wf.nodes and src not in group
              and src not in own and set(readers.get(src, ())) <= group]  # (a count worked out for a pick alone)
    byid = {n.id: n for n in givers + picks}
    return [byid[i] for i in sorted(byid, key=lambda i: (len(i), i))] + joins


def say_joined(b, first: frozenset, ext: frozenset, continuing: set[str], total: int, band: int) -> None:
    """The joined outputs' picks and joins read as the whole take (``total`` frames) made once, said; marked read."""
    nodes = [n for n in joined_picks(b, first, ext, continuing) if n.id not in b.used]
    if not nodes:
        return
    b.used |= {n.id for n in nodes}
    named = ", ".join(f"'{n.title or n.shown_cls}' ({n.shown_cls}, #{n.id})" for n in nodes)
    line = (f"{named} pick and join the frames of the first take and of its extension, the frames carried over "
            f"counted once: read as the whole Wan Animate take Studio makes once ({total} frames): the outputs writing them "
            "joined write that take")
    b.note(line, band)
    b.log(line)
