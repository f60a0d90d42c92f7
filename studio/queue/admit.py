"""Whether a job can run on this machine, told when it is added (issue 116: a Final job that could not run here
was refused only when its turn came, nothing said when it was added). The job's graph as it will run (its size,
overrides and seed applied: run.job_graph) gets the checks a run makes before anything runs (the preflight: its
files and models found; the advice of what is wired: a model that cannot do the node's task) and the memory its
largest node would hold (studio.engine.held: frames x size x RGB float32) against the memory this machine has.
Cheap: headers, nothing loaded. Plain Python."""
from __future__ import annotations

from studio.core.errors import StudioError

HEADROOM = 0.9  # of the memory the machine has: what a job's largest clip may take


def machine_memory() -> int:
    """Bytes of memory this machine has for a job (its total: a queued job runs later, when others may have ended)."""
    import psutil
    return int(psutil.virtual_memory().total)


def refusal(job, registry=None, memory: int | None = None) -> str | None:
    """Why ``job`` cannot run on this machine, in one sentence naming the node; None where it can."""
    from studio.engine.plan import compile_plan
    from studio.engine.preflight import PreflightError

    from .run import job_graph
    try:
        graph = job_graph(job, registry)
        plan = compile_plan(graph, check_only=True, confine_outputs=False)
    except PreflightError as e:
        return str(e.errors[0]) if e.errors else str(e)
    except StudioError as e:
        return str(e)
    for nid, _title, text, *level in plan.notes:  # what is wired cannot be run so (a task the model cannot do)
        if (level[0] if level else "info") == "error":
            node = graph.nodes.get(nid)
            return f"{node.label if node is not None else nid}: {text}"
    from studio.engine.held import estimates
    room = int((memory if memory is not None else machine_memory()) * HEADROOM)
    found = [(n, nbytes, how) for n, nbytes, how, _size in estimates(plan, plan.base_dir) if nbytes > room]
    if found:
        node, nbytes, how = max(found, key=lambda f: f[1])
        return (f"{node.label}: its clip ({how}) would hold about {_gb(nbytes)}, more than this machine's "
                f"{_gb(room / HEADROOM)} of memory: make fewer or smaller frames, or add it at Preview size")
    return None


def _gb(n: float) -> str:
    return f"{n / 2**30:,.1f} GB" if n >= 2**30 else f"{n / 2**20:,.0f} MB"
