"""The websocket messages of one run, as ComfyUI sends them: ``execution_start``, ``execution_cached``
(the nodes whose results were kept from before), ``executing`` once for every node of the workflow
that runs, in the order it runs, ``progress`` and ``progress_state``, ``executed``, then the end.

Studio runs its own graph, converted from the workflow: one Studio node stands for several of the
workflow's (Solid Colour for EmptyImage and CreateVideo), and some of the workflow's nodes have none
(a CreateVideo folded into the save). So a node of the workflow is announced when the first Studio
node made for it starts, after the nodes it depends on that have no Studio node of their own; those
left when the run succeeds are announced before its end. One object per run, used on the queue's
worker thread only."""
from __future__ import annotations

import time
from typing import Any

from studio.engine.events import NodeFinished, NodeProgress, NodeStarted
from studio.queue.job import DONE, Job

from . import records
from ..checks.folders import Folders


# the preview methods a job's extra_data may ask for (ComfyUI's web page sends its setting as 'preview_method'); with
# none asked ('default' or no key) the server's --preview-method, 'none' unless given, as ComfyUI's: no binary frame
# then, which a client reading only text messages does not expect (comfyui-utils asserts every message is text)
PREVIEW_METHODS = ("none", "auto", "latent2rgb", "taesd")


def wants_previews(extra: dict | None, default: str = "none") -> bool:
    asked = extra.get("preview_method") if isinstance(extra, dict) else None
    return (asked if asked in PREVIEW_METHODS else default) != "none"


class RunMessages:
    def __init__(self, job: Job, folders: Folders, previews: bool = False):
        self.job, self.folders, self.pid, self.previews = job, folders, job.id, previews
        wf = job.workflow if job.source.startswith("comfy") and isinstance(job.workflow, dict) else {}
        self.sources = {nid: [v[0] for v in (n.get("inputs") or {}).values() if isinstance(v, list) and len(v) == 2
                              and v[0] in wf] for nid, n in wf.items() if isinstance(n, dict)}
        self.owned = set(job.origin.values())  # the workflow's nodes a Studio node was made for
        self.order = _runs(wf, set(records.outputs_to_execute(job)), self.sources)
        self.announced: set[str] = set()
        self.cached: list[str] = []
        self.cached_sent = False
        self.state: dict[str, dict] = {}  # progress_state's nodes

    def messages(self, kind: str, event: Any = None) -> list:
        """The messages of one queue notice of the job ((type, data) pairs, or bytes: a preview)."""
        if kind == "started":
            return [("execution_start", {"prompt_id": self.pid, "timestamp": _ms(self.job.started)})]
        if kind == "ended":
            out = self._cached_now()
            if self.job.state == DONE:
                out += [m for nid in self.order if nid not in self.announced for m in self._executing(nid)]
            last = records.end_messages(self.job, self.folders)[-1]
            return out + [last, ("executing", {"node": None, "display_node": None, "prompt_id": self.pid})]
        if kind != "event":
            return []
        cid = records.comfy_id(self.job, getattr(event, "node_id", ""))
        if cid is None:
            return []
        if isinstance(event, NodeStarted):
            out = self._cached_now()
            for nid in self._before(cid):
                out += self._executing(nid)
            return out + self._executing(cid)
        if isinstance(event, NodeProgress) and event.total:
            value, top = int(min(event.step, event.total)), int(event.total)
            out: list = [("progress", {"value": value, "max": top, "prompt_id": self.pid, "node": cid})]
            out += self._progress_state(cid, "running", value, top)
            meta = {"node_id": cid, "prompt_id": self.pid, "display_node_id": cid, "parent_node_id": None,
                    "real_node_id": cid, "image_type": "image/jpeg"}
            frame = records.preview_frame(event.preview, meta) if self.previews else None
            return out + ([frame] if frame is not None else [])
        if isinstance(event, NodeFinished):
            out = []
            if event.cached and cid not in self.announced:
                self.announced.add(cid)
                self.cached.append(cid)
                if not self.cached_sent:  # told in the one execution_cached, before the first node runs
                    self._progress_state(cid, "finished")
                    return []
                # kept from before, found after the run began: told as it is found
                out.append(("execution_cached", {"nodes": [cid], "prompt_id": self.pid, "timestamp": _ms()}))
            out += self._progress_state(cid, "finished")
            if event.written:
                out.append(("executed", {"node": cid, "display_node": cid, "prompt_id": self.pid,
                                         "output": records.node_output(self.job, event.written, self.folders)}))
            return out
        return []

    def _cached_now(self) -> list:
        """ComfyUI's one ``execution_cached``, sent before the first node runs (with the nodes whose
        results were kept, which Studio learns as it reaches them)."""
        if self.cached_sent:
            return []
        self.cached_sent = True
        return [("execution_cached", {"nodes": list(self.cached), "prompt_id": self.pid, "timestamp": _ms()})]

    def _before(self, cid: str) -> list[str]:
        """The nodes ``cid`` depends on, not yet announced, with no Studio node of their own, in order."""
        above, todo = set(), [cid]
        while todo:
            for s in self.sources.get(todo.pop(), ()):
                if s not in above and s not in self.announced and s not in self.owned:
                    above.add(s)
                    todo.append(s)
        return [n for n in self.order if n in above]

    def _executing(self, cid: str) -> list:
        if cid in self.announced:
            return []
        self.announced.add(cid)
        return [("executing", {"node": cid, "display_node": cid, "prompt_id": self.pid})] + \
            self._progress_state(cid, "running")

    def _progress_state(self, cid: str, state: str, value: int = 0, top: int = 1) -> list:
        """ComfyUI's ``progress_state``: every node reached so far, its state and progress."""
        old = self.state.get(cid)
        if state == "finished" and old is not None:
            value, top = old["max"], old["max"]
        elif state == "finished":
            value = top = 1
        self.state[cid] = {"value": value, "max": top, "state": state, "node_id": cid, "prompt_id": self.pid,
                           "display_node_id": cid, "parent_node_id": None, "real_node_id": cid}
        return [("progress_state", {"prompt_id": self.pid, "nodes": {k: dict(v) for k, v in self.state.items()}})]


def _runs(wf: dict, outputs: set[str], sources: dict[str, list[str]]) -> list[str]:
    """The workflow's nodes that run for ``outputs`` (each output and what it depends on), each after
    the nodes it depends on (a loop, refused at the door, is cut where met)."""
    order: list[str] = []
    done: set[str] = set()
    for root in (o for o in wf if o in outputs):
        stack = [(root, iter(sources.get(root, ())))]
        seen = {root}
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                stack.pop()
                if node not in done:
                    done.add(node)
                    order.append(node)
            elif nxt not in done and nxt not in seen:
                seen.add(nxt)
                stack.append((nxt, iter(sources.get(nxt, ()))))
    return order


def _ms(t: float | None = None) -> int:
    return int((t or time.time()) * 1000)
