"""What a job needs of a device, foreseen on the head before it is placed (nothing loaded, nothing run): the
models its loaders load, each with the bytes the engine makes room for before the load (the loader's
``model_footprint``, from headers), and the largest clip a node of it holds (studio.engine.held: the estimate
the server's /prompt checks against this machine's memory). A job goes to a worker whose device has room
for both (pool.py); a job no worker has room for is refused when it is queued, in words."""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field

from studio.core.errors import StudioError


@dataclass
class Needs:
    models: dict[str, int] = field(default_factory=dict)  # model id -> bytes it takes on the device
    names: dict[str, str] = field(default_factory=dict)  # model id -> what it is, in words (its file's name)
    clip: int = 0  # the largest clip a node holds, in bytes

    @property
    def bytes(self) -> int:
        return sum(self.models.values()) + self.clip


def model_id(st) -> str:
    """A loader's model, the same on every machine: its node type and parameters (not the device it runs on,
    nor its place in the graph), so a worker tells the head which of a job's models it has loaded."""
    text = json.dumps([st.node.spec.id, st.params], sort_keys=True, default=str)
    return "model:" + hashlib.sha256(text.encode()).hexdigest()[:20]


def loaders(plan) -> list:
    """The steps of ``plan`` that load a model kept between runs (``keeps_model``)."""
    return [st for st in plan.steps if st.node.spec is not None and st.node.spec.cls.keeps_model]


def needs(job) -> Needs:
    """What ``job`` needs of a device; StudioError naming the node when its graph cannot run."""
    from studio.engine.held import estimates
    from studio.engine.plan import compile_plan
    from studio.queue.run import job_graph
    graph = job_graph(job)
    plan = compile_plan(graph, device="cpu")
    out = Needs()
    for st in loaders(plan):
        mid = model_id(st)
        try:
            _, nbytes = st.node.spec.cls.model_footprint(st.params, "cpu", plan.base_dir)
        except Exception:  # noqa: BLE001 - a model that cannot be read fails on its worker, with its message
            nbytes = 0
        out.models[mid] = max(out.models.get(mid, 0), int(nbytes))
        out.names[mid] = _name(st.params)
    out.clip = max((nbytes for _, nbytes, _, _ in estimates(plan, plan.base_dir)), default=0)
    return out


def _name(params: dict) -> str:
    v = params.get("model") or params.get("path") or ""
    return os.path.basename(str(v).rstrip("/\\")) or "a model"


def refusal(n: Needs, largest: int, workers: int) -> str:
    """Why no worker can take a job needing ``n``: the largest device has ``largest`` bytes."""
    what = ", ".join(f"{n.names[m]} ({_size(b)})" for m, b in n.models.items())
    return (f"it needs about {_size(n.bytes)} of device memory ({'models: ' + what + '; ' if what else ''}its "
            f"largest clip: {_size(n.clip)}), and the largest of the cluster's {workers} worker(s) has "
            f"{_size(largest)}: make fewer frames or smaller ones, or add a larger device")


def check_fits(n: Needs, sizes: list[int]) -> None:
    """StudioError in words when no device of ``sizes`` (bytes) has room for ``n``."""
    if not sizes:
        raise StudioError("the cluster has no worker: start a node with a GPU, or with "
                          "--resources '{\"studio_device\": 1}'")
    if n.bytes > max(sizes):
        raise StudioError(refusal(n, max(sizes), len(sizes)))


def _size(n: int) -> str:
    return f"{n / 2**30:,.1f} GB" if n >= 2**30 else f"{n / 2**20:,.0f} MB" if n >= 2**20 else f"{n / 2**10:,.0f} kB"
