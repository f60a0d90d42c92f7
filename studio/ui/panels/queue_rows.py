"""What a Queue dock row says of its job beyond its title and state (issue 100 item 6): its seed, its
size (Preview: every generator at 'preview size'; Final: full size, as `main.py render` makes it) and
the time left, from the queue's estimates read once for the whole list. Qt-free."""
from __future__ import annotations

import json
import os

from studio.queue.job import ENDED, Job

SIZES = ("Preview", "Final")
SIZE_FILE = "dock-size.json"  # in the queue's folder: the size its dock adds jobs at


def read_size(folder: str) -> str:
    """The size the queue in ``folder`` adds jobs at, as last picked ('Final' until one is, or when the file
    cannot be read: the size `main.py render` makes)."""
    try:
        with open(os.path.join(folder, SIZE_FILE), encoding="utf-8") as f:
            size = json.load(f).get("size")
    except (OSError, ValueError, AttributeError):
        return "Final"
    return size if size in SIZES else "Final"


def write_size(folder: str, size: str) -> None:
    """Keep the size picked with the queue in ``folder`` (atomic)."""
    from studio.core.paths import write_atomic
    os.makedirs(folder, exist_ok=True)
    write_atomic(os.path.join(folder, SIZE_FILE), json.dumps({"size": size}))
PREVIEW_PARAM = "preview_size"  # the generators' 'preview size' (studio.core.targets.PREVIEW_PARAM)
PREVIEW_SET = f".{PREVIEW_PARAM}=always"  # a Preview job's override on each generator (NODE.preview_size=always)


def preview_overrides(graph) -> list[str]:
    """A Preview job's overrides: every generator of ``graph`` at 'preview size' wherever the job runs
    (a job is rendered full size unless told: studio.queue.run)."""
    return [f"{n.id}{PREVIEW_SET}" for n in graph.nodes.values()
            if n.spec is not None and n.spec.param(PREVIEW_PARAM) is not None and n.mode != "mute"]


def size_of(job: Job) -> str:
    """'Preview' for a job whose generators run at preview size (its overrides say so), else 'Final'."""
    return "Preview" if any(o.endswith(PREVIEW_SET) for o in job.overrides) else "Final"


def title_of(job: Job) -> str:
    """The job's title as its row shows it: a seed variation's " · seed N" left off (the Seed column says it;
    `main.py queue list`, with no such column, keeps it)."""
    tail = f" · seed {job.seed}" if job.seed is not None else ""
    return job.title[:-len(tail)] if tail and job.title.endswith(tail) and len(job.title) > len(tail) else job.title


def state_of(job: Job) -> str:
    """The job's state, with the worker it runs on when a cluster runs it ('running · worker-2')."""
    return f"{job.state} · {job.worker.split(' on ')[0]}" if job.worker else job.state


def seed_of(job: Job) -> str:
    """The seed the job runs with: its own (a seed variation's), else its graph's."""
    if job.seed is not None:
        return str(job.seed)
    settings = job.graph.get("settings") if isinstance(job.graph, dict) else None
    seed = settings.get("seed") if isinstance(settings, dict) else None
    return str(seed) if isinstance(seed, int) else ""


def time_left(queue, jobs: list[Job]) -> dict[str, float | None]:
    """Seconds until each job ends (an ended job: how long it ran), from the queue's estimates read
    once: what is left of the running job, then each waiting job's in the order they run; None from
    the first job with no estimate on."""
    est = queue.estimates(jobs)
    out: dict[str, float | None] = {j.id: j.seconds for j in jobs if j.state in ENDED}
    total: float | None = 0.0
    run = queue.running
    if run is not None:
        e = est.get(run.id)
        total = None if e is None else (max(0.0, e * (1.0 - run.progress)) if run.progress
                                        else max(0.0, e - (run.seconds or 0.0)))
        out[run.id] = total
    for j in queue.pending():
        e = est.get(j.id)
        total = None if total is None or e is None else total + e
        out[j.id] = total
    return out
