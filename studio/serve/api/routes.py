"""ComfyUI's API for its clients (comfy-sdk, ComfyScript, Krita AI Diffusion...), the routes of the
queue: ``POST /prompt`` (validated, converted and queued: prompt.py, studio_prompt.py), ``/queue``,
``/history``, ``/interrupt`` and ``/jobs/{id}/cancel``, answered from Studio's one queue in the
bridge's shapes (studio/serve/bridge/records.py). The other routes of the API: info.py (what this
server is and has) and socket.py (``/ws``)."""
from __future__ import annotations

import asyncio

from aiohttp import web

from studio.queue.job import ENDED, QUEUED, RUNNING

from ..bridge import records
from ..bridge.extras import Extras
from ..checks import validate
from ..checks.bodies import json_or_empty, read_json
from ..checks.refused import Refused
from .info import Info
from .prompt import make_job, read_request


class ComfyApi:
    def __init__(self, server):
        from .object_info import read_types
        self.server = server  # app.Server: its queue, folders, extras and sockets
        self.queue, self.folders = server.queue, server.folders
        self.namer = server.files.names  # the output folder's names: one counter a name (files/names.py)
        for job in self.queue.pending():  # jobs queued before a restart keep their names
            self.namer.reserve(job)
        self.known = read_types()
        self.declarations: dict[str, dict] = {}
        self.info = Info(server)

    def routes(self) -> list[tuple[str, str, object]]:
        """(method, path, handler): each served as ComfyUI serves it, at the path and under /api."""
        return [
            ("GET", "/ws", self.server.sockets.ws), ("GET", "/prompt", self.get_prompt),
            ("POST", "/prompt", self.post_prompt),
            ("GET", "/queue", self.get_queue), ("POST", "/queue", self.post_queue),
            ("GET", "/history", self.get_history), ("GET", "/history/{id}", self.get_history_one),
            ("POST", "/history", self.post_history), ("POST", "/interrupt", self.interrupt),
            ("POST", "/jobs/{id}/cancel", self.cancel),
        ] + self.info.routes()

    # -- prompts --------------------------------------------------------------------------------
    async def get_prompt(self, request):
        return web.json_response(records.status(self.server.sockets.remaining())["status"])  # {exec_info: ...}

    async def post_prompt(self, request: web.Request):
        try:
            body = await read_json(request)
        except ValueError as e:
            return web.json_response(Refused(f"the request body is not JSON Studio takes: {e}").body(), status=400)
        try:
            prompt, prompt_id, client_id = read_request(body)
            if self.queue.get(prompt_id) is not None:
                raise Refused(f"prompt_id {prompt_id} is already in use", kind="invalid_prompt")
            try:
                extra = Extras.of(body, client_id)
            except ValueError as e:
                raise Refused(str(e), kind="invalid_prompt") from None
            job = await asyncio.get_running_loop().run_in_executor(None, self.admit, prompt, prompt_id, client_id,
                                                                   extra, body.get("front") is True)
        except Refused as e:
            return web.json_response(self.folders.public.answer(e.body()), status=400)
        except Exception as e:  # noqa: BLE001 - a hostile workflow is a 400, never a crash of the server
            return web.json_response(self.folders.public.answer(Refused(
                f"the workflow could not be read: {type(e).__name__}: {str(e)[:300]}").body()), status=400)
        return web.json_response({"prompt_id": job.id, "number": job.number, "node_errors": {}})

    def admit(self, prompt: dict, prompt_id: str, client_id: str, extra: dict, front: bool):
        """Validate, convert and queue a prompt (a worker's thread: the queue's file is written here,
        never on the event loop)."""
        from studio.core.registry import default_registry

        from .studio_prompt import make_studio_job, refuse_mixed, studio_types
        reg = default_registry()
        studio = studio_types(prompt, reg)
        refuse_mixed(prompt, studio)
        if studio:  # Studio's own nodes, as /object_info lists them: a Studio graph already
            job = make_studio_job(prompt, prompt_id, client_id, self.folders, self.namer, reg, self.check)
        else:
            job = make_job(prompt, prompt_id, client_id, self.folders, self.namer, self.known, self.check)
        self.server.extras.put(job.id, extra)
        self.queue.add(job)
        if front:  # ComfyUI's 'front': run it next
            self.queue.move(job.id, 0)
        return job

    def check(self, prompt: dict) -> None:
        """ComfyUI's validation of a prompt against the declarations /object_info serves."""
        validate.check(prompt, self.declared)  # its memory once converted: prompt.finish (checks/bounds.py)

    def declared(self, cls: str) -> dict:
        """What /object_info declares of ``cls`` (a Studio node's own declaration for its type)."""
        from studio.core.registry import default_registry

        from .object_info import read_node, studio_node
        if cls not in self.declarations:
            reg = default_registry()
            if cls in reg:
                self.declarations[cls] = studio_node(reg.get(cls))
            else:  # a ComfyUI type: its numbers as the templates and ComfyUI declare them (comfy_ranges.py)
                from .comfy_declared import checked_values
                d = read_node(cls)
                d["input"]["optional"] = {**checked_values(cls), **d["input"]["optional"]}
                d["input"]["required"] = {k: v for k, v in d["input"]["required"].items()
                                          if k not in d["input"]["optional"]}
                self.declarations[cls] = d
        return self.declarations[cls]

    # -- the queue --------------------------------------------------------------------------------
    def _item(self, job) -> list:
        return records.queue_item(job, self.server.extras.get(job.id, job.client_id))

    async def get_queue(self, request):
        runs, waiting = self.queue.snapshot_runs()  # one read: a job starting meanwhile is in one list or the other
        return web.json_response({"queue_running": [self._item(run) for run in runs],
                                  "queue_pending": [self._item(j) for j in waiting]})

    async def post_queue(self, request):
        """ComfyUI's clear and delete of waiting jobs, done on a worker's thread (the queue's file is
        written there): the loop answers other requests meanwhile."""
        body = await json_or_empty(request)
        ids = [j.id for j in self.queue.pending()] if body.get("clear") else []
        ids += [str(p) for p in body.get("delete", [])] if isinstance(body.get("delete"), list) else []
        if ids:
            await asyncio.get_running_loop().run_in_executor(None, self._cancel_waiting, ids)
        return web.Response(status=200)

    def _cancel_waiting(self, ids: list[str]) -> None:
        """The waiting prompts among ``ids`` cancelled, the queue written once (JobQueue.cancel_many)."""
        self.queue.cancel_many([pid for pid in ids if (j := self.queue.get(pid)) is not None and j.state == QUEUED])

    async def interrupt(self, request):
        body = await json_or_empty(request)
        pid = body.get("prompt_id")
        for run in self.queue.runs():  # on a cluster, several: without a prompt_id, every one
            if not pid or pid == run.id:
                self.queue.cancel(run.id)
        return web.Response(status=200)

    async def cancel(self, request):
        job = self.queue.get(request.match_info["id"])
        if job is None:
            return web.json_response({"error": "no such job"}, status=404)
        was = job.state
        self.queue.cancel(job.id)
        return web.json_response({"prompt_id": job.id, "cancelled": was in (QUEUED, RUNNING)})

    # -- the history ------------------------------------------------------------------------------
    def _history_item(self, job) -> dict:
        return records.history_item(job, self.folders, self.server.extras.get(job.id, job.client_id))

    async def get_history(self, request):
        """ComfyUI's /history?max_items=N&offset=M: from the M-th ended prompt (oldest first) at most
        N; without an offset, the last N."""
        q = request.rel_url.query
        n, offset = _int(q.get("max_items")), _int(q.get("offset"))
        ended = [j for j in self.queue.jobs() if j.state in ENDED and j.source.startswith("comfy")]
        if n is not None and n < 0:
            n = None
        if offset is None or offset < 0:
            offset = max(0, len(ended) - n) if n is not None else 0
        picked = ended[offset:] if n is None else ended[offset:offset + n]
        return web.json_response({j.id: self._history_item(j) for j in picked})

    async def get_history_one(self, request):
        job = self.queue.get(request.match_info["id"])
        if job is None or job.state not in ENDED:
            return web.json_response({})
        return web.json_response({job.id: self._history_item(job)})

    async def post_history(self, request):
        body = await json_or_empty(request)
        ids = [j.id for j in self.queue.jobs() if j.state in ENDED] if body.get("clear") else \
            [str(x) for x in body.get("delete", [])] if isinstance(body.get("delete"), list) else []
        if ids:
            await asyncio.get_running_loop().run_in_executor(None, self._forget, ids)
        return web.Response(status=200)

    def _forget(self, ids: list[str]) -> None:
        """The ended prompts among ``ids`` forgotten, the queue written once (JobQueue.remove_many)."""
        self.server.extras.drop(self.queue.remove_many(ids))


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None
