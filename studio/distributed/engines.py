"""What the engines share: a chunk task, its states, and the errors they raise."""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from studio.core.errors import StudioError

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
