"""The queue on disk: one JSON file in the queue's folder, replaced whole at each change (written
beside it, flushed to the disk, then renamed over it), so a kill at any moment leaves the last
whole queue: no job that was queued is lost. A job that was running when the process died is
failed as interrupted when the queue is read again (its outputs may be half written), said in
its log; the user re-queues it (JobQueue.retry)."""
from __future__ import annotations

import json
import os
import tempfile
import time

from .job import FAILED, RUNNING, Job

FILE = "queue.json"
FORMAT = "studio-queue"


class JobStore:
    def __init__(self, folder: str):
        self.folder = folder
        self.path = os.path.join(folder, FILE)
        os.makedirs(folder, exist_ok=True)

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
        fd, tmp = tempfile.mkstemp(prefix=".queue-", suffix=".json", dir=self.folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(json.dumps(doc, default=str))  # one write: the C encoder (json.dump writes in pieces)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
        try:  # the rename itself made durable
            dfd = os.open(self.folder, os.O_RDONLY)
            try:
                os.fsync(dfd)
            finally:
                os.close(dfd)
        except OSError:
            pass

    def paused(self) -> bool:
        try:
            with open(self.path, encoding="utf-8") as f:
                return bool(json.load(f).get("paused"))
        except (OSError, ValueError):
            return False
