"""What a :class:`~studio.core.graph.Graph` says when it changes (Qt-free): one typed event per kind,
on one emitter per kind, as napari's models do (``graph.events.param_changed.connect(fn)``). A view
subscribes to the kinds it shows instead of filtering strings from one channel.

The kinds cover the model and its canvas state alike: nodes, links, parameters, modes, titles,
positions, backdrops and notes, settings, the timeline's in/out points, and a reset.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable


@dataclass(frozen=True)
class NodeAdded:
    node_id: str


@dataclass(frozen=True)
class NodeRemoved:
    node_id: str


@dataclass(frozen=True)
class LinkAdded:
    link: Any  # studio.core.graph.Link


@dataclass(frozen=True)
class LinkRemoved:
    link: Any


@dataclass(frozen=True)
class ParamChanged:
    node_id: str
    name: str
    value: Any
    old: Any


@dataclass(frozen=True)
class ModeChanged:
    node_id: str
    mode: str


@dataclass(frozen=True)
class TitleChanged:
    node_id: str
    title: str | None


@dataclass(frozen=True)
class PositionsChanged:
    positions: dict  # {node id: [x, y]} of the nodes that moved


@dataclass(frozen=True)
class AnnotationsChanged:
    kind: str  # "backdrops" or "notes"


@dataclass(frozen=True)
class SettingsChanged:
    settings: dict  # all of graph.settings after the change


@dataclass(frozen=True)
class TimelineChanged:
    in_point: int | None
    out_point: int | None


@dataclass(frozen=True)
class Reset:
    pass


KINDS: dict[str, type] = {
    "node_added": NodeAdded, "node_removed": NodeRemoved, "link_added": LinkAdded,
    "link_removed": LinkRemoved, "param_changed": ParamChanged, "mode_changed": ModeChanged,
    "title_changed": TitleChanged, "positions_changed": PositionsChanged,
    "annotations_changed": AnnotationsChanged, "settings_changed": SettingsChanged,
    "timeline_changed": TimelineChanged, "reset": Reset,
}


class Emitter:
    """Callbacks for one kind of event, called in the order they connected."""

    def __init__(self, kind: str):
        self.kind = kind
        self._callbacks: list[Callable[[Any], None]] = []

    def connect(self, fn: Callable[[Any], None]) -> Callable[[], None]:
        """Call ``fn(event)`` on each event of this kind; returns what disconnects it."""
        self._callbacks.append(fn)
        return lambda: self.disconnect(fn)

    def disconnect(self, fn: Callable[[Any], None]) -> None:
        if fn in self._callbacks:
            self._callbacks.remove(fn)

    def emit(self, event: Any) -> None:
        for fn in list(self._callbacks):
            fn(event)


class GraphEvents:
    """One :class:`Emitter` per kind (the attributes are the kinds: ``node_added``, ...)."""

    def __init__(self):
        for kind in KINDS:
            setattr(self, kind, Emitter(kind))

    def emitter(self, kind: str) -> Emitter:
        return getattr(self, kind)
