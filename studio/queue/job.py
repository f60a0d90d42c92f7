"""A job of the queue: a graph (Studio's file format, as a dict) with its overrides, where it came
from, and what became of it. Plain data that goes to and from JSON (store.py keeps it)."""
from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field, fields
from typing import Any

QUEUED, RUNNING, DONE, FAILED, CANCELLED = "queued", "running", "done", "failed", "cancelled"
STATES = (QUEUED, RUNNING, DONE, FAILED, CANCELLED)
ENDED = (DONE, FAILED, CANCELLED)
MAX_LOG_LINES = 400  # a job's log keeps its first lines and its last (a long training run says a lot)


@dataclass
class Job:
    graph: dict  # the Studio graph (fileformat.graph_to_dict)
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    title: str = ""
    overrides: list[str] = field(default_factory=list)  # NODE.PARAM=VALUE, as `main.py render --set`
    seed: int | None = None  # the graph's seed setting for this job (None: the graph's own)
    output_suffix: str = ""  # added to each output's file name (a variation's: '_seed7'), before its frame part
    base_dir: str | None = None  # where the graph's relative paths resolve (its file's folder)
    source: str = "studio"  # "studio", or "comfy-api" / "comfy-ui": a ComfyUI workflow converted
    workflow: dict | None = None  # the ComfyUI workflow as sent (a server's /history shows it)
    origin: dict[str, str] = field(default_factory=dict)  # Studio node id -> ComfyUI node id (converted)
    client_id: str = ""  # who asked (the server routes its events there)
    number: int = 0  # the order jobs were added in (ComfyUI's queue number)
    state: str = QUEUED
    created: float = field(default_factory=time.time)
    started: float | None = None
    ended: float | None = None
    progress: float = 0.0  # 0..1 of the running job
    outputs: list[str] = field(default_factory=list)  # absolute paths of the files it wrote
    node_outputs: dict[str, list[str]] = field(default_factory=dict)  # Studio node id -> files it wrote
    log: list[str] = field(default_factory=list)
    error: str = ""
    error_node: str = ""  # the Studio node the error names ('' when none)
    worker: str = ""  # where it runs or ran: a cluster's worker and its machine (studio.cluster); '' on this one
    seal: str = ""  # set when the job is added: its folder, graph and overrides are the user's (seal.py)

    @property
    def ended_state(self) -> bool:
        return self.state in ENDED

    @property
    def seconds(self) -> float | None:
        """How long it ran (None before it ran)."""
        if self.started is None:
            return None
        return (self.ended or time.time()) - self.started

    def say(self, line: str) -> None:
        self.log.append(line)
        if len(self.log) > MAX_LOG_LINES:
            del self.log[MAX_LOG_LINES // 2]

    def to_dict(self) -> dict[str, Any]:
        # shallow (json writes the nested values): dataclasses.asdict deep-copies every graph, 10x slower
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, d: dict) -> "Job":
        known = {f.name for f in fields(cls)}
        job = cls(**{k: v for k, v in d.items() if k in known})
        if job.state not in STATES:
            job.state = FAILED
        return job
