"""The queue on disk: one JSON file in the queue's folder, replaced whole at each change (written
beside it, flushed to the disk, then renamed over it), so a kill at any moment leaves the last
whole queue: no job that was queued is lost. A job that was running when the process died is
failed as interrupted when the queue is read again (its outputs may be half written), said in
its log; the user re-queues it (JobQueue.retry)."""
from __future__ import annotations

import json
import os
import time

from studio.core.errors import StudioError
from studio.core.paths import write_atomic

from .job import FAILED, RUNNING, Job

FILE = "queue.json"
LOCK = ".lock"
FORMAT = "studio-queue"


class QueueBusy(StudioError):
    """The queue's folder is held by another process (a window, `main.py serve`, `main.py queue run`)."""


class JobStore:
    def __init__(self, folder: str):
        self.folder = folder
        self.path = os.path.join(folder, FILE)
        os.makedirs(folder, exist_ok=True)
        self._lock_fd: int | None = None

    def lock(self) -> None:
        """Hold the folder for this process (an advisory lock the system drops when the process ends,
        a kill -9 included): two processes never write one queue. QueueBusy when another holds it."""
        try:
            import fcntl
        except ImportError:  # Windows: not held (one Studio at a time there)
            return
        fd = os.open(os.path.join(self.folder, LOCK), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise QueueBusy(f"the queue in {self.folder} is open in another Studio (a window, `main.py serve` or "
                            "`main.py queue run`): close it, or give another folder") from None
        self._lock_fd = fd

    def unlock(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing the file drops its lock
            self._lock_fd = None

    def load(self) -> list[Job]:
        """The jobs kept, in order; those that were running are failed as interrupted."""
        try:
            with open(self.path, encoding="utf-8") as f:
                doc = json.load(f)
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as e:  # a damaged file is set aside, never silently dropped
            aside = f"{self.path}.damaged-{int(time.time())}"
            os.replace(self.path, aside)
            raise OSError(f"the queue file {self.path} could not be read ({e}): moved to {aside}") from None
        jobs = [Job.from_dict(d) for d in doc.get("jobs", []) if isinstance(d, dict) and isinstance(d.get("graph"), dict)]
        for j in jobs:
            if j.state == RUNNING:
                j.state, j.ended = FAILED, j.ended or time.time()
                j.error = "interrupted: Studio stopped while this job ran (its outputs may be incomplete); re-queue it"
                j.say(j.error)
        return jobs

    def save(self, jobs: list[Job], paused: bool = False) -> None:
        doc = {"format": FORMAT, "version": 1, "paused": paused, "jobs": [j.to_dict() for j in jobs]}
        # one write through the C encoder (json.dump writes in pieces); written beside, flushed, renamed
        write_atomic(self.path, json.dumps(doc, default=str), durable=True)

    def paused(self) -> bool:
        try:
            with open(self.path, encoding="utf-8") as f:
                return bool(json.load(f).get("paused"))
        except (OSError, ValueError):
            return False
