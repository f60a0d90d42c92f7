"""Results kept in the disk cache shown when a graph is opened (issue 61, item 13: a reopened
graph showed nothing until F5, though its generators' clips were on disk).

Opening a graph that has nodes declared ``disk_cache`` (studio.engine.disk_cache) starts a short
job on the run's thread: the graph is compiled as F5 would run it, and the nodes whose entries
are on disk are "run" as targets; the engine reads them back and prunes the loaders they no
longer need, so nothing is made again and nothing is written (no output node is a target). The
viewer then shows the selected node's result, as after any run. A graph with no such entry ends
the job without a word. F5 pressed meanwhile runs as asked once the job has ended."""
from __future__ import annotations

import os
from typing import Any, Callable


def may_have_cached(graph) -> bool:
    """Whether opening ``graph`` is worth a look in the disk cache (on the GUI thread: cheap):
    it has a node kept there, the cache is on and its folder exists."""
    if not any(n.spec is not None and n.spec.disk_cache and n.mode == "normal" for n in graph.nodes.values()):
        return False
    from studio.engine.disk_cache import DiskCache
    disk = DiskCache.from_settings()
    return disk is not None and os.path.isdir(disk.folder)


def cached_targets(executor, graph, targets, side) -> list[str]:
    """The nodes of ``graph`` (top level) whose outputs a run would read from the disk cache."""
    from studio.core.errors import StudioError
    disk = executor.disk_cache
    if disk is None:
        return []
    try:
        plan = executor.compile(graph, targets, side_targets=side, check_only=False)
    except StudioError:  # a graph that cannot run yet (a model missing): F5 says why
        return []
    return [st.node.id for st in plan.steps
            if st.node.id in graph.nodes and st.node.spec.disk_cache and st.stable
            and os.path.isfile(disk.path(st.signature))]


def job_for(executor, graph, targets, side, found: list[str]) -> Callable[[Callable[[Any], None], Any], Any]:
    """The run thread's job: the nodes found on disk (put in ``found``) read back, or None."""
    def job(on_event, cancel):
        from studio.engine.disk_cache import DiskCache
        from studio.engine.warmup import warm_up
        warm_up()
        executor.disk_cache = DiskCache.from_settings()
        hits = cached_targets(executor, graph, targets, side)
        found.extend(hits)
        if not hits or cancel.cancelled:
            return None
        return executor.run(graph, targets=hits, on_event=on_event, cancel=cancel)
    return job
