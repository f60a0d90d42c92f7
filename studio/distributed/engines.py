"""What the engines and the render share: a chunk task and its states, the render's options,
events and report, and the errors."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Callable

from studio.core.errors import StudioError

from .planner import DEFAULT_CHUNK

QUEUED, RUNNING, DONE, RETRY, FAILED, SKIPPED = "queued", "running", "done", "retrying", "failed", "skipped"


@dataclass
class Task:
    job_dir: str
    start: int
    stop: int
    index: int = 0          # position in the render's task list
    attempts: int = 0
    result: dict = field(default_factory=dict)

    @property
    def frames(self) -> int:
        return self.stop - self.start

    def name(self) -> str:
        return f"frames {self.start}-{self.stop - 1}"


@dataclass
class RenderOptions:
    workers: int = 2
    chunk: int = DEFAULT_CHUNK
    engine: str = "local"               # local | ray
    address: str | None = None          # Ray cluster address; None starts Ray here
    resume: bool = False
    frames: tuple[int, int] | None = None  # [a, b) like Executor.run's frame_range
    job_root: str | None = None         # default: .studio-jobs next to each output
    keep_job: bool = False              # keep the chunk files after collecting
    max_retries: int = 2
    task_fn: Callable | None = None     # the chunk function (tests wrap it)


@dataclass
class ChunkEvent:
    """One chunk changed state (queued, running, retrying, done, skipped, failed)."""
    task: Task
    state: str
    detail: str = ""


@dataclass
class ProgressEvent:
    done_frames: int
    total_frames: int


@dataclass
class StageEvent:
    """A step of the render as a whole: 'whole-clip', 'chunks', 'collect', 'done'; ``text`` says what."""
    stage: str
    text: str


@dataclass
class RenderReport:
    outputs: list[str] = field(default_factory=list)
    jobs: list[str] = field(default_factory=list)
    rendered: list[tuple[int, int]] = field(default_factory=list)  # chunks rendered in this run
    skipped: list[tuple[int, int]] = field(default_factory=list)   # finished before (--resume)
    warnings: list[str] = field(default_factory=list)
    whole_clip: list[str] = field(default_factory=list)            # titles of nodes run once first
    seconds: float = 0.0


class ChunkFailed(StudioError):
    """A chunk failed on every attempt."""


class TransientError(Exception):
    """A chunk failure worth retrying: anything but a :class:`StudioError` (bad input, which
    would fail the same way again)."""


def retrying_task(fn, job_dir: str, a: int, b: int, threads: int):
    """Run ``fn`` (a chunk task); turn failures worth a retry into :class:`TransientError`, so an
    engine that retries by exception type (Ray's ``retry_exceptions``) retries those only."""
    try:
        return fn(job_dir, a, b, threads)
    except StudioError:
        raise
    except Exception as e:  # noqa: BLE001 - classified for the retry, the cause kept
        raise TransientError(f"{type(e).__name__}: {e}") from e


def threads_per_worker(workers: int) -> int:
    """Torch/OpenCV threads each worker may use: the cores shared out, at least one."""
    return max(1, (os.cpu_count() or 1) // max(1, workers))
