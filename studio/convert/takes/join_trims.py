"""The frames each take keeps where an output joins several (takes/segments.py): a join's input that picks a range of
one take's decoded frames (a frame pick told by its declared types, takes/frame_way.py: KJNodes'
GetImageRangeFromBatch from frame 1 on, 80 frames) is that take trimmed so before the join (Studio's Time, 'trim'),
as an SVI long take drops each later shot's first frame, the one it continues from. A pick from the take's end, or of
a range not known when converting, is not applied (said with the join). Plain data and stdlib."""
from __future__ import annotations

from typing import Any

from ..reading.workflow import CNode, Workflow
from ..tracing.latent_ways import MAX_STEPS, sampler_behind
from ..tracing.sampling import SAMPLERS
from ..tracing.walks import upstream
from . import frame_way, tail_cut
from .extend import SPLITS, pick_of

JOINS = ("ImageBatch", "ImageBatchMulti", "VHS_MergeImages", "easy batchAnything")  # (segments.JOINS: the joins Concatenate does)


def _whole(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _way(wf: Workflow, link: tuple) -> tuple[CNode | None, CNode | None, bool]:
    """(the sampler whose decoded frames a join's input takes, the pick on the way, whether nothing else is on it:
    reroutes only); (None, None, False) where it is not one take's frames."""
    pick, plain = None, True
    for _ in range(MAX_STEPS):
        src = wf.nodes.get(link[0])
        if src is None:
            return None, None, False
        if src.cls.startswith("VAEDecode"):
            got = src.links.get("samples") or src.links.get("latents")
            behind = sampler_behind(wf, got) if got else None
            return (behind[0] if behind else None), pick, plain
        if src.cls == "Reroute":
            k = next(iter(src.links), None)
        elif pick is None and src.cls not in SPLITS and pick_of(src) is not None:
            pick, k = src, next((i for i in ("images", "image") if i in src.links), None)
        else:
            k, plain = None, False
        if k is None or k not in src.links:
            return None, None, False
        link = src.links[k]
    return None, None, False


def trims(wf: Workflow, save: CNode, lasts: list[CNode]) -> tuple[dict[str, tuple[CNode, int, int]], bool]:
    """({a take's last sampler: (the pick, its first frame, how many)} for the joins' inputs picking a known range of
    that take's frames; whether every input of the joins is one take's frames, whole or so picked: nothing else is
    done where the takes meet)."""
    ends, out, exact = {s.id for s in lasts}, {}, True
    within = set().union(*({u.id for u in upstream(wf, last)} for last in lasts))  # the takes' own nodes (a control
    joins = [n for n in upstream(wf, save) if n.cls in JOINS and (n.id not in within or n.id in _joined(wf, save))]
    # (clip padded): not the joins; a join of the frames so far that a later take starts from is one (SVI's: svi9)
    for j in joins:
        for k, link in j.links.items():
            src = wf.nodes.get(link[0])
            if src is None or src.cls in JOINS:
                continue
            if (cut := _tail(wf, src)) is not None:  # all but the last frames of the frames so far (SVI's joins)
                made, n = cut
                if made is None or made.id not in ends or n is None:
                    exact = False
                elif made.id not in out:
                    out[made.id] = (src, 0, n)
                continue
            made, pick, plain = _way(wf, link)
            if made is None or made.id not in ends or not plain:
                exact = False
                continue
            if pick is None:
                continue
            at, count = pick_of(pick)
            first, n = wf.value(pick, at), wf.value(pick, count) if count else 1
            if _whole(first) and _whole(n) and first >= 0 and n >= 1 and made.id not in out:
                out[made.id] = (pick, first, n)
            else:
                exact = False
    return out, exact and bool(joins)


def _joined(wf: Workflow, save: CNode) -> set[str]:
    """The joins on the output's own way: reached from ``save`` without passing a take's decoder or sampler."""
    seen, todo, found = set(), [save], set()
    while todo and len(seen) < 10_000:
        n = todo.pop()
        if n.id in seen:
            continue
        seen.add(n.id)
        found |= {n.id} if n.cls in JOINS else set()
        if n.cls.startswith("VAEDecode") or n.cls in SAMPLERS:
            continue
        todo += [m for src, _ in n.links.values() if (m := wf.nodes.get(src)) is not None]
    return found


def _tail(wf: Workflow, pick: CNode) -> tuple[CNode | None, int | None] | None:
    """(the sampler of the take whose last frames a pick of all but the last frames of the frames so far leaves out,
    the frames it keeps: None where its length is not known) for such a pick (tail_cut.py); None for another node."""
    cut = tail_cut.dropped(wf, pick) if pick_of(pick) is not None else None
    if cut is None:
        return None
    dec = tail_cut.last_take(wf, pick.links[next(k for k in ("images", "image") if k in pick.links)])
    got = (dec.links.get("samples") or dec.links.get("latents")) if dec is not None else None
    behind = sampler_behind(wf, got) if got else None
    made = behind[0] if behind else None
    frames = frame_way.take_frames(wf, dec, made, False) if made is not None else None
    return made, frames - cut[0] if frames is not None and frames > cut[0] else None


def apply(b: Any, lasts: list[tuple[int, CNode]], made: list, kept: dict) -> tuple[list[str], bool]:
    """Each made take (``made``: (its video, its sound, its band); ``lasts``: its number and last sampler, in the same
    order) trimmed as ``kept`` says, in place; (what is said, whether every trim was applied: a take with sound is
    left whole, its sound and frames kept together)."""
    said, whole = [], True
    for i, ((k, last), m) in enumerate(zip(lasts, made)):
        if last.id not in kept:
            continue
        if m[1] is not None:
            whole = False
            continue
        pick, first, n = kept[last.id]
        frames = b.g.nodes[m[0][0]].params.get("frames") if m[0][0] in b.g.nodes else None
        if isinstance(frames, int) and not isinstance(frames, bool) and frames > first:  # (a pick to the take's end:
            n = min(n, frames - first)  # its frames, not the pick's count; one of them all: nothing to trim)
            if first == 0 and n == frames:
                b.used.add(pick.id)
                continue
        node = b.add("edit.time", {"mode": "trim", "start": first, "length": n}, pick)
        b.g.connect(*m[0], node, "video")
        m[2].append(node)
        made[i] = ((node, "video"), m[1], m[2])
        b.used.add(pick.id)
        cut = tail_cut.dropped(b.wf, pick)  # (the count it is given worked out here: read)
        b.used |= {cut[1].id, cut[2].id} if cut is not None else set()  # (the count measured, the expression)
        said.append(f"take {k} keeps its frames {first} to {first + n - 1} in the join, as "
                    f"'{pick.title or pick.shown_cls}' ({pick.shown_cls}, #{pick.id}) picks them: Time's trim")
    return said, whole
