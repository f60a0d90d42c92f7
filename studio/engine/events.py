"""Events the engine reports while it runs. Plain data: the UI turns them into Qt signals."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class RunStarted:
    nodes: list[str]
    device: str
    signatures: dict[str, str] = field(default_factory=dict)  # node id -> the signature of its result
    left_out: dict[str, str] = field(default_factory=dict)    # side targets that cannot run -> why


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
    unit: str = "frame"  # what step counts: "frame", or "step" for a training run's optimiser steps


@dataclass
class NodeFinished:
    node_id: str
    seconds: float
    cached: bool
    outputs: dict[str, Any] = field(default_factory=dict, repr=False)
    written: list[str] = field(default_factory=list)  # absolute paths of the files the node wrote


@dataclass
class NodeMessage:
    """Something a node tells the user: ``level`` "info" (a report, a result) or "warning"
    (something asked for was skipped, cut short or ignored). Warnings are also collected in
    ``RunFinished.warnings`` so a run that ends with them is not shown as a plain success."""
    node_id: str
    title: str
    text: str
    level: str = "info"


@dataclass
class NodeCost:
    """Time spent pulling frames through one node's lazy clip (its own work, upstream excluded),
    reported when a run ends: the cost a frame-wise node really has, not the time to build its clip."""
    node_id: str
    seconds: float
    frames: int


@dataclass
class NodeFailed:
    node_id: str
    error: Exception


@dataclass
class NodeSkipped:
    node_id: str
    reason: str  # in full, naming nodes by their titles
    title: str = ""
    is_output: bool = False  # an output (a file the user asked for) was not made: a warning
    stale: list[str] = field(default_factory=list)  # old files still at the output's paths: NOT updated


@dataclass
class RunFinished:
    seconds: float
    ok: bool
    cancelled: bool = False
    error: Exception | None = None
    executed: list[str] = field(default_factory=list)
    cached: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # "Title: text" for each warning of the run
