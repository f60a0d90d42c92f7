"""How the server's queue runs one job: as every queue runs it (studio.queue.run.run_job), with the
client's workflow handed to the run as the tags its files keep (embed.py: ComfyUI's 'prompt' and each
extra_pnginfo entry), which Save Video writes into its container and Save Image Sequence into each
PNG's text chunks as it writes them."""
from __future__ import annotations

from studio.engine.media import FILE_TAGS
from studio.queue.run import run_job as run_queued

from .embed import tags
from .extras import Extras


def job_options(extras: Extras, job) -> dict | None:
    """The run's options: the tags its files keep (a cluster's queue ships them to the job's worker)."""
    kept = tags(job.workflow, extras.get(job.id, job.client_id)) if job.workflow is not None else {}
    return {FILE_TAGS: kept} if kept else None


def run_job(extras: Extras, job, executor, cancel, on_event) -> None:
    run_queued(job, executor, cancel, on_event, job_options(extras, job))
