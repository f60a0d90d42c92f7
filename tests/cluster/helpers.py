"""What the cluster tests run on their workers: the queue's own run of a job, held once at a step where a job's
title asks ('hold-at-K': at its K-th step), so that the test can kill -9 its worker there. The worker writes its
process id into the marks folder ($STUDIO_TEST_MARKS) as it holds; a job is held once (its mark kept)."""
from __future__ import annotations

import os
import time

from studio.engine.events import NodeProgress
from studio.queue.run import run_job

HOLD_S = 120.0


def hold_once(job, executor, cancel, on_event, options=None):
    at = int(job.title.split("hold-at-")[1]) if "hold-at-" in job.title else 0
    mark = os.path.join(os.environ.get("STUDIO_TEST_MARKS", ""), job.id)

    def heard(e):
        on_event(e)
        if at and isinstance(e, NodeProgress) and e.step >= at and not os.path.exists(mark):
            with open(mark + ".tmp", "w") as f:
                f.write(str(os.getpid()))
            os.replace(mark + ".tmp", mark)
            end = time.monotonic() + HOLD_S  # killed here by the test; a cancel ends it sooner
            while time.monotonic() < end and not cancel.cancelled:
                time.sleep(0.05)
    run_job(job, executor, cancel, heard, options)


def wait_for_mark(folder: str, job_id: str, timeout: float = 240.0, job=None) -> int:
    """The process id of the worker holding ``job_id``, once it holds (``job``: its log said if it never does)."""
    path = os.path.join(folder, job_id)
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if os.path.exists(path):
            with open(path) as f:
                return int(f.read())
        time.sleep(0.1)
    raise AssertionError(f"the job {job_id[:8]} was not held within {timeout:.0f} s"
                         + (f" ({job.state}: {job.log[-6:]})" if job is not None else ""))
