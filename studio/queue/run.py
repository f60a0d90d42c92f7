"""One job run on an executor: its graph read back, its overrides applied, rendered full size as
`main.py render` does, its engine events handed on, and what it wrote and said kept on the job."""
from __future__ import annotations

from typing import Any, Callable

from studio.core.errors import Cancelled, StudioError
from studio.engine.events import (NodeFailed, NodeFinished, NodeMessage, NodeProgress, NodeSkipped, NodeStarted,
                                  RunStarted)

from .job import CANCELLED, FAILED, Job


def job_graph(job: Job, registry=None):
    """The job's graph, ready to run: read from its dict, its folder set, full size, the overrides
    and the seed applied, validated (the first problem raised, naming its node)."""
    from studio.core.fileformat import graph_from_dict
    from studio.core.targets import apply_sets, full_size
    graph = graph_from_dict(job.graph, registry, source=job.title or job.id)
    graph.base_dir = job.base_dir
    full_size(graph)
    apply_sets(graph, job.overrides)
    if job.seed is not None:
        graph.settings["seed"] = int(job.seed)
    if job.output_suffix:
        _rename_outputs(graph, job.output_suffix)
    errs = graph.validate()
    if errs:
        raise errs[0]
    return graph


def _rename_outputs(graph, suffix: str) -> None:
    """Each file output's name with ``suffix`` before its frame part and extension (out.mp4 ->
    out_seed7.mp4), so that variations of a graph do not write over each other."""
    import os

    from studio.core.targets import file_outputs, suffix_of
    for n, pname in file_outputs(graph):
        path = n.params.get(pname) or ""
        if not path:
            continue
        tail = suffix_of(path)
        stem = path[:len(path) - len(tail)] if tail else path.rstrip("/" + os.sep)
        graph.set_param(n.id, pname, stem + suffix + tail)


def run_job(job: Job, executor, cancel, on_event: Callable[[Any], None], options: dict | None = None) -> None:
    """Run ``job`` on ``executor`` (its caches and models kept for the next job), updating its
    progress, outputs and log; engine events go to ``on_event`` too; ``options``: the run's (the
    tags its files keep: studio.engine.media.FILE_TAGS). Raises what the run raises (Cancelled, a
    StudioError naming the node)."""
    from studio.core.targets import file_outputs
    graph = job_graph(job)
    plan = executor.compile(graph)
    if not file_outputs(graph):
        raise StudioError("the graph has no output that writes a file (Save Video, Save Image Sequence...)")
    writers = {n.id for n, _ in file_outputs(graph)}
    total = [1]
    done: set[str] = set()
    current = {"id": "", "frac": 0.0}

    def follow(e: Any) -> None:
        if isinstance(e, RunStarted):
            total[0] = max(1, len(e.nodes))
        elif isinstance(e, NodeStarted):
            current.update(id=e.node_id, frac=0.0)
            job.say(f"{e.title} ({e.node_id}) ...")
            if e.node_id in writers:  # what a kill -9 now would leave half written (the queue saves it)
                job.error_node = e.node_id
        elif isinstance(e, NodeProgress) and e.total:
            current.update(id=e.node_id, frac=min(1.0, e.step / e.total))
        elif isinstance(e, NodeFinished):
            done.add(e.node_id)
            current.update(id="", frac=0.0)
            if job.error_node == e.node_id:
                job.error_node = ""
            if e.written:
                job.node_outputs.setdefault(e.node_id, []).extend(e.written)
                job.outputs.extend(w for w in e.written if w not in job.outputs)
                job.say(f"{graph.nodes[e.node_id].label if e.node_id in graph.nodes else e.node_id} wrote "
                        + ", ".join(e.written))
            elif not e.cached:
                job.say(f"done {e.node_id} in {e.seconds:.2f} s")
        elif isinstance(e, NodeMessage):
            job.say(f"{'warning: ' if e.level == 'warning' else ''}[{e.title}] {e.text}")
        elif isinstance(e, NodeSkipped):
            job.say(f"{'warning: ' if e.is_output else ''}skipped {e.title or e.node_id}: {e.reason}")
        elif isinstance(e, NodeFailed):
            job.error_node = e.node_id
        job.progress = min(0.999, (len(done) + current["frac"]) / total[0])
        on_event(e)

    executor.run(plan, on_event=follow, cancel=cancel, options=options)
    job.progress = 1.0


def ended_by(job: Job, e: BaseException, stopped: str = "", stopped_node: str = "") -> None:
    """The job's state, error and log when its run raised ``e``: cancelled (or, with ``stopped``, failed naming
    ``stopped_node``: the memory watch's stop), else failed in words naming the node where one is known."""
    if isinstance(e, Cancelled):
        if stopped:  # stopped by the memory watch: a failure naming the node, not the user's cancel
            job.state, job.error, job.error_node = FAILED, stopped, stopped_node
            job.say(f"error: {stopped}")
        else:
            job.state = CANCELLED
            job.say("cancelled")
        return
    if isinstance(e, StudioError):
        job.state, job.error = FAILED, str(e)
    elif isinstance(e, MemoryError):
        job.state, job.error = FAILED, "out of memory"
    else:
        job.state, job.error = FAILED, f"{type(e).__name__}: {e}"
    if not isinstance(e, MemoryError):
        job.error_node = job.error_node or getattr(e, "node_id", "") or ""
    job.say(f"error: {job.error}")
