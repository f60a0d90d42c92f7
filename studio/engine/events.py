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
    budget_end: int | None = None  # the step a time budget will stop it near (training), when before total


@dataclass
class NodeFinished:
    node_id: str
    seconds: float
    cached: bool
    outputs: dict[str, Any] = field(default_factory=dict, repr=False)
    written: list[str] = field(default_factory=list)  # absolute paths of the files the node wrote
    cached_from: str = ""  # "disk": read back from the disk cache (studio.engine.disk_cache)


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


@dataclass
class ModelStatus:
    """A loader's model: ``state`` "loading" (reading the weights now), "in memory" (kept by the
    model cache: this run did not load it) or "loaded" (just loaded, now kept), or "unloaded"
    (freed to make room for another). The canvas and the status bar show it."""
    node_id: str
    state: str
    title: str = ""
    device: str = ""
    nbytes: int = 0
    detail: str = ""  # what loading did on the device, in plain words (ModelRef.setup)

    @property
    def text(self) -> str:
        size = f" · {self.nbytes / 2**30:.1f} GB" if self.nbytes >= 2**28 else \
            (f" · {self.nbytes / 2**20:.0f} MB" if self.nbytes else "")
        where = f" on {self.device}" if self.device else ""
        if self.state == "loading":
            return f"loading the model{where}…"
        if self.state == "unloaded":
            return f"model unloaded{where} (memory needed)"
        return f"model in memory{where}{size}" + (f" · {self.detail}" if self.detail else "")


@dataclass
class NodeNote:
    """A short line about a running node, shown under it on the canvas and in the status bar:
    e.g. the time a CPU run will take ("about 40 min on the CPU: lower width/height/frames or use
    a GPU"). ``level`` "warning" also makes it a warning of the run. ``logged`` False: a passing
    progress line ("decoding 40 / 121 frames"), shown but not written to the Log."""
    node_id: str
    text: str
    level: str = "info"
    logged: bool = True
