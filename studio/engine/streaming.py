"""Long clips go to their outputs while they are made.

A node that makes its clip in windows (a video model's long clip: an hour of sampling for 1,000
frames) declares ``streams_output``; an output that writes frames in order declares
``streams_input`` (the name of the port it pulls them from: Save Video, Save Image Sequence).
When every node of the run that takes such a node's clip is such an output, on that port, the
run is ordered so those outputs come right after it (what else they need first), and the node is
told (``ctx.stream_to``, their titles). It may then return a clip whose frames are made as they
are pulled (nodes/video_models/resume/windows.py ``StreamedClip``): the outputs' pulls make the windows
and the encoder takes each one's frames as it finishes.

No other thread may see such a clip before it is made: the node's ``NodeFinished`` (and its
outputs') are told, and their results cached, only after :meth:`Streams.after` has called the
clip's ``finish()`` (which makes what the outputs did not pull: an in/out range) once the last
of its outputs has run. A Stop or an error ``abandon()``\\ s it: the model is put back as it was.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from studio.core.errors import Cancelled, NodeExecutionError


def _cls_flag(step, name: str):
    spec = step.node.spec
    return getattr(spec.cls, name, None) if spec is not None else None


def stream_groups(steps: list) -> tuple[list, dict[str, list[str]]]:
    """(the steps in an order where each streaming node's outputs come right after it, node id
    -> the ids of the outputs it streams to). A node streams when it declares ``streams_output``,
    every step that takes its results is an output declaring ``streams_input`` on the port it
    takes them on, and what those outputs need besides can run before it. Nothing else runs
    between such a node and its outputs (a model shared with another node is never used by it
    while the clip is half made)."""
    by_id = {s.node.id: s for s in steps}
    takers: dict[str, list[tuple[str, str]]] = {}
    for s in steps:
        for port, src in s.inputs.items():
            if src is not None and src[0] in by_id:
                takers.setdefault(src[0], []).append((s.node.id, port))
    ups: dict[str, set[str]] = {}

    def upstream(nid: str) -> set[str]:
        got = ups.get(nid)
        if got is None:
            got = set()
            for src in by_id[nid].inputs.values():
                if src is not None and src[0] in by_id:
                    got |= {src[0]} | upstream(src[0])
            ups[nid] = got
        return got

    groups: dict[str, list[str]] = {}
    for s in steps:
        g, uses = s.node.id, takers.get(s.node.id)
        if not uses or not _cls_flag(s, "streams_output"):
            continue
        if any(_cls_flag(by_id[c], "streams_input") != port for c, port in uses):
            continue
        outs = list(dict.fromkeys(c for c, _ in uses))
        if not any(g in upstream(b) for c in outs for b in upstream(c) - {g}):  # nothing made from the clip
            groups[g] = outs
    order = [s.node.id for s in steps]
    while groups:
        new = order
        for g, outs in groups.items():
            new = _pull_in(new, g, outs, upstream)
        broken = [g for g, outs in groups.items()
                  if new[new.index(g) + 1:new.index(g) + 1 + len(outs)] != [x for x in new if x in outs]]
        if not broken:
            return [by_id[x] for x in new], groups
        for g in broken:
            del groups[g]
    return steps, {}


def _pull_in(order: list[str], g: str, outs: list[str], upstream) -> list[str]:
    """``order`` with what ``outs`` need besides ``g`` moved before ``g``, and ``outs`` right after it."""
    need = set().union(*(upstream(c) for c in outs)) - upstream(g) - {g}
    at = order.index(g)
    return (order[:at] + [x for x in order[at + 1:] if x in need] + [g] + [x for x in order if x in outs]
            + [x for x in order[at + 1:] if x not in need and x not in outs])


@dataclass
class _Pending:
    title: str
    clips: list
    finished: Callable[[float], None]
    waiting: set[str]
    base: float  # the node's measured work when its run returned
    deferred: list[Callable[[float], None]] = field(default_factory=list)


def _unmade(outs: dict[str, Any]) -> list:
    return [v for v in outs.values() if hasattr(v, "finish") and hasattr(v, "abandon")
            and not getattr(v, "complete", True)]


class Streams:
    """The streaming nodes of one run: what is told when (see the module's docstring)."""

    def __init__(self, groups: dict[str, list[str]], meter, titles: dict[str, str]):
        self.groups = groups
        self.titles = titles  # node id -> title, for what the streaming node says
        self.meter = meter  # the run's CostMeter: the windows its outputs pulled count as the node's work
        self.source_of = {c: g for g, cs in groups.items() for c in cs}
        self.pending: dict[str, _Pending] = {}

    def stream_to(self, nid: str) -> list[str] | None:
        """The titles of the outputs node ``nid`` may stream to (None: it may not)."""
        outs = self.groups.get(nid)
        return [self.titles.get(c, c) for c in outs] if outs else None

    def after(self, nid: str, title: str, outs: dict[str, Any] | None, finished: Callable[[float], None]) -> None:
        """Node ``nid`` ran (``outs`` None: its result came from the cache): ``finished(extra
        seconds)`` is called now, or once the clip it makes or pulls from is made."""
        clips = _unmade(outs) if outs and nid in self.groups else []
        if clips:
            self.pending[nid] = _Pending(title, clips, finished, set(self.groups[nid]),
                                         self.meter.seconds.get(nid, 0.0))
            return
        g = self.source_of.get(nid)
        p = self.pending.get(g) if g is not None else None
        if p is None:
            finished(0.0)
            return
        p.deferred.append(finished)
        p.waiting.discard(nid)
        if not p.waiting:
            self._finish(g)

    def finish_all(self) -> None:
        for g in list(self.pending):
            self._finish(g)

    def _finish(self, g: str) -> None:
        p = self.pending[g]
        for clip in p.clips:
            try:
                self.meter.measure(g, None, clip.finish)
            except (Cancelled, NodeExecutionError):
                raise
            except Exception as e:  # noqa: BLE001 - named as the node's error
                raise NodeExecutionError(g, p.title, e) from e
        del self.pending[g]
        # its time: the run, and the windows made as its outputs pulled them and after
        p.finished(max(0.0, self.meter.seconds.get(g, 0.0) - p.base))
        for f in p.deferred:
            f(0.0)

    def abandon(self, error: BaseException | None) -> None:
        """The run stopped or failed: every clip still being made puts its model back as it was."""
        pending, self.pending = self.pending, {}
        for p in pending.values():
            for clip in p.clips:
                clip.abandon(error)
