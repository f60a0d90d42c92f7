"""A queued job's time foreseen from its graph as the window foresees it on the nodes (studio.engine.graph_time:
the generators' load, encode, steps and decode from this machine's measured runs), once a job: the queue's
estimate before any job of its kind has finished (issue 116's walk: '0:30 said, 1:54 taken', the mean of other
jobs said for a first Wan job that spent 1.5 minutes loading)."""
from __future__ import annotations

from .job import Job


class Foreseen:
    """Each job's foreseen seconds (None: nothing to say), asked once a job (its graph does not change)."""

    def __init__(self):
        self.seen: dict[str, float | None] = {}

    def of(self, job: Job) -> float | None:
        if job.id not in self.seen:
            self.seen[job.id] = foresee_job(job)
        return self.seen[job.id]


def foresee_job(job: Job) -> float | None:
    """Seconds the job's graph should take as it will run (full size, its overrides); None where not foreseen."""
    try:
        from studio.engine.graph_time import graph_seconds

        from .run import job_graph
        return graph_seconds(job_graph(job))
    except Exception:  # noqa: BLE001 - an estimate is a courtesy: the finished jobs' mean stands in
        return None
