"""Events the engine reports while it runs. Plain data: the UI turns them into Qt signals."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class RunStarted:
    nodes: list[str]
    device: str


@dataclass
class NodeStarted:
    node_id: str
    title: str


@dataclass
class NodeProgress:
    node_id: str
    step: int
    total: int | None = None
    frame: int | None = None
    preview: Any = None  # small HxWx3 float32 image, optional
    message: str | None = None
    values: dict[str, float] = field(default_factory=dict)  # e.g. {"loss": 0.12}


@dataclass
class NodeFinished:
    node_id: str
    seconds: float
    cached: bool
    outputs: dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass
class NodeFailed:
    node_id: str
    error: Exception


@dataclass
class NodeSkipped:
    node_id: str
    reason: str


@dataclass
class RunFinished:
    seconds: float
    ok: bool
    cancelled: bool = False
    error: Exception | None = None
    executed: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
