"""How the server's queue runs one job: as every queue runs it (studio.queue.run.run_job), then the
client's workflow kept in the videos it wrote, as ComfyUI keeps it (embed.py), before the job is said
to have ended."""
from __future__ import annotations

from studio.queue.run import run_job as run_queued

from .embed import embed_outputs
from .extras import Extras


def run_job(extras: Extras, job, executor, cancel, on_event) -> None:
    run_queued(job, executor, cancel, on_event)
    if job.workflow is not None:
        for line in embed_outputs(job.outputs, job.workflow, extras.get(job.id, job.client_id)):
            job.say(f"warning: {line}")
