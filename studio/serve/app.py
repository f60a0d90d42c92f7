"""The aiohttp application of `main.py serve`: ComfyUI's routes (each also under /api/, as ComfyUI
has them), its websocket, and the checks that keep it safe by default (guards.py: the Host and a
page's Origin must be this server, a token when one is set; uploads size-capped into its folders).

The queue's worker runs jobs on its own thread; what it tells (studio.queue.queue listeners) is made
into ComfyUI's messages there and handed to the event loop, which sends each to the client that
submitted the job (``client_id``), as ComfyUI does; ``status`` goes to every client."""
from __future__ import annotations

import asyncio
import json
import mimetypes
import os
import platform
import sys

import uuid
from typing import Any

from aiohttp import WSMsgType, web

from studio.queue.job import ENDED, QUEUED, RUNNING
from studio.queue.queue import JobQueue

from . import records, uploads, validate, view
from .extras import Extras
from .folders import Folders
from .guards import host_check, is_loopback, origin_check, token_check
from .login import LOGIN, login
from .bodies import json_or_empty as _json_or_empty
from .bodies import read_json as _read_json
from .memory import Memory
from .page_routes import PageRoutes
from .prompt import Namer, Refused, make_job, read_request
from .run_messages import RunMessages, wants_previews
from .worker import run_job

VERSION = "0.1.0-studio"


class Server:
    def __init__(self, queue: JobQueue, folders: Folders, token: str | None = None,
                 max_upload: int = 100 * 2**20, host: str = "127.0.0.1", memory: Memory | None = None,
                 preview_method: str = "none"):
        from .object_info import read_types
        self.queue, self.folders, self.token, self.max_upload = queue, folders, token, max_upload
        self.preview_method = preview_method  # a job's previews when its extra_data asks for none (run_messages.py)
        self.host, self.memory = host, memory
        self.namer = Namer(folders)
        for job in queue.pending():  # jobs queued before a restart keep their names
            self.namer.reserve(job)
        self.known = read_types()
        self.extras = Extras(os.path.join(folders.root, "extra"))
        self.extras.keep_only({j.id for j in queue.jobs()})
        self._declared: dict[str, dict] = {}
        self.sockets: dict[str, tuple[web.WebSocketResponse, dict]] = {}
        self.loop: asyncio.AbstractEventLoop | None = None
        self.last_node: dict[str, Any] = {}  # the running job's node (sent again to a client that reconnects)
        self.runs: dict[str, RunMessages] = {}  # the running job's messages (the worker's thread only)
        self.page = PageRoutes(self)

    # -- the application ------------------------------------------------------------------------
    def app(self) -> web.Application:
        app = web.Application(client_max_size=self.max_upload + 2**20,
                              middlewares=[host_check(self.host, self.token), origin_check,
                                           token_check(self.token, self.host)])
        routes = [
            ("GET", "/ws", self.ws), ("GET", "/prompt", self.get_prompt), ("POST", "/prompt", self.post_prompt),
            ("GET", "/queue", self.get_queue), ("POST", "/queue", self.post_queue),
            ("GET", "/history", self.get_history), ("GET", "/history/{id}", self.get_history_one),
            ("POST", "/history", self.post_history), ("POST", "/interrupt", self.interrupt),
            ("POST", "/jobs/{id}/cancel", self.cancel), ("GET", "/view", self.view),
            ("POST", "/upload/image", self.upload),
            ("POST", "/upload/mask", self.upload_mask), ("GET", "/object_info", self.get_object_info),
            ("GET", "/object_info/{cls}", self.get_object_info_one), ("GET", "/system_stats", self.system_stats),
            ("GET", "/features", self.features), ("GET", "/embeddings", self.empty_list),
            ("GET", "/extensions", self.empty_list), ("POST", "/free", self.free),
            ("GET", "/models", self.get_models), ("GET", "/models/{folder}", self.get_models_in),
            ("GET", "/view_metadata/{folder}", self.view_metadata),
        ] + self.page.api_routes()
        for method, path, handler in routes:
            if not path.startswith("/jobs"):  # ComfyUI has its jobs API under /api only
                app.router.add_route(method, path, handler)
            app.router.add_route(method, "/api" + path, handler)
        app.router.add_post(LOGIN, login(self.token))
        self.page.add_page(app)  # last: its static files are matched after every route above
        app.on_startup.append(self._startup)
        app.on_cleanup.append(self._cleanup)
        return app

    async def _startup(self, app) -> None:
        self.loop = asyncio.get_running_loop()
        self.queue.listen(self._heard)
        self.queue.start()

    async def _cleanup(self, app) -> None:
        self.queue.unlisten(self._heard)
        await asyncio.get_running_loop().run_in_executor(None, self.queue.close)
        for ws, _ in list(self.sockets.values()):
            await ws.close()

    # -- queue notices (the worker's thread) -> the loop ---------------------------------------
    def _heard(self, kind: str, job, event) -> None:
        if kind == "started":
            asked = wants_previews(self.extras.get(job.id, job.client_id), self.preview_method)  # binary frames
            self.runs[job.id] = RunMessages(job, self.folders, asked)
        run = self.runs.pop(job.id, None) if kind == "ended" else self.runs.get(job.id)
        msgs = run.messages(kind, event) if run is not None else []
        status = kind in ("added", "started", "ended", "changed")
        now = [m[1]["node"] for m in msgs if isinstance(m, tuple) and m[0] == "executing"]
        if kind == "event" and now:
            self.last_node = {"client": job.client_id, "node": now[-1], "prompt_id": job.id}
        elif kind == "ended":
            self.last_node = {}
        if (msgs or status) and self.loop is not None and not self.loop.is_closed():
            remaining = self._remaining()
            try:
                self.loop.call_soon_threadsafe(lambda: asyncio.ensure_future(
                    self._deliver(job.client_id, msgs, remaining if status else None)))
            except RuntimeError:  # the loop closed while the worker ran
                pass

    def _remaining(self) -> int:
        return len(self.queue.pending()) + (1 if self.queue.running is not None else 0)

    async def _deliver(self, client_id: str, msgs: list, remaining: int | None) -> None:
        entry = self.sockets.get(client_id) if client_id else None
        for m in msgs:
            if entry is not None:
                await self._send(entry, m)
        if remaining is not None:
            for e in list(self.sockets.values()):
                await self._send(e, ("status", records.status(remaining)))

    async def _send(self, entry, m) -> None:
        ws, flags = entry
        if ws.closed:
            return
        try:
            if isinstance(m, bytes):
                await ws.send_bytes(m if flags.get("supports_preview_metadata") else records.legacy_preview(m))
            else:
                await ws.send_str(json.dumps({"type": m[0], "data": m[1]}))
        except (ConnectionError, RuntimeError):  # the client went away mid-send: its loss only
            pass

    # -- websocket ------------------------------------------------------------------------------
    async def ws(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(heartbeat=30.0, max_msg_size=2**20)
        await ws.prepare(request)
        sid = request.rel_url.query.get("clientId", "")[:256] or uuid.uuid4().hex
        old = self.sockets.pop(sid, None)
        if old is not None:
            await old[0].close()
        entry = (ws, {})
        self.sockets[sid] = entry
        try:
            await self._send(entry, ("status", {**records.status(self._remaining()), "sid": sid}))
            if self.last_node.get("client") == sid:
                await self._send(entry, ("executing", {"node": self.last_node["node"], "display_node":
                                                       self.last_node["node"], "prompt_id": self.last_node["prompt_id"]}))
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                try:
                    data = json.loads(msg.data)
                except ValueError:
                    continue
                if isinstance(data, dict) and data.get("type") == "feature_flags" and isinstance(data.get("data"), dict):
                    entry[1].update({k: v for k, v in data["data"].items() if isinstance(k, str)})
                    await self._send(entry, ("feature_flags", self._features()))
        finally:
            if self.sockets.get(sid) is entry:
                del self.sockets[sid]
        return ws

    def _features(self) -> dict:
        return {"supports_preview_metadata": True, "max_upload_size": self.max_upload}

    async def features(self, request):
        return web.json_response(self._features())

    async def empty_list(self, request):
        return web.json_response([])

    # -- prompts --------------------------------------------------------------------------------
    async def get_prompt(self, request):
        return web.json_response(records.status(self._remaining())["status"])  # {exec_info: ...}, as ComfyUI

    async def post_prompt(self, request: web.Request):
        try:
            body = await _read_json(request)
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
            job = await asyncio.get_running_loop().run_in_executor(None, self._admit, prompt, prompt_id, client_id,
                                                                   extra, body.get("front") is True)
        except Refused as e:
            return web.json_response(self.folders.public.answer(e.body()), status=400)
        except Exception as e:  # noqa: BLE001 - a hostile workflow is a 400, never a crash of the server
            return web.json_response(self.folders.public.answer(Refused(
                f"the workflow could not be read: {type(e).__name__}: {str(e)[:300]}").body()), status=400)
        return web.json_response({"prompt_id": job.id, "number": job.number, "node_errors": {}})

    def _admit(self, prompt: dict, prompt_id: str, client_id: str, extra: dict, front: bool):
        """Validate, convert and queue a prompt (a worker's thread: the queue's file is written here,
        never on the event loop)."""
        from studio.core.registry import default_registry

        from .studio_prompt import make_studio_job, refuse_mixed, studio_types
        reg = default_registry()
        studio = studio_types(prompt, reg)
        refuse_mixed(prompt, studio)
        if studio:  # Studio's own nodes, as /object_info lists them: a Studio graph already
            job = make_studio_job(prompt, prompt_id, client_id, self.folders, self.namer, reg, self._check)
        else:
            job = make_job(prompt, prompt_id, client_id, self.folders, self.namer, self.known, self._check)
        self.extras.put(job.id, extra)
        self.queue.add(job)
        if front:  # ComfyUI's 'front': run it next
            self.queue.move(job.id, 0)
        return job

    def _check(self, prompt: dict) -> None:
        """ComfyUI's validation of a prompt against the declarations /object_info serves."""
        validate.check(prompt, self.declared)  # its memory once converted: prompt.finish (bounds.py)

    def declared(self, cls: str) -> dict:
        """What /object_info declares of ``cls`` (a Studio node's own declaration for its type)."""
        from studio.core.registry import default_registry

        from .object_info import read_node, studio_node
        if cls not in self._declared:
            reg = default_registry()
            self._declared[cls] = studio_node(reg.get(cls)) if cls in reg else read_node(cls)
        return self._declared[cls]

    def _item(self, job) -> list:
        return records.queue_item(job, self.extras.get(job.id, job.client_id))

    async def get_queue(self, request):
        run, waiting = self.queue.snapshot()  # one read: a job starting meanwhile is in one list or the other
        return web.json_response({"queue_running": [self._item(run)] if run is not None else [],
                                  "queue_pending": [self._item(j) for j in waiting]})

    async def post_queue(self, request):
        """ComfyUI's clear and delete of waiting jobs, done on a worker's thread (the queue's file is
        written there): the loop answers other requests meanwhile."""
        body = await _json_or_empty(request)
        ids = [j.id for j in self.queue.pending()] if body.get("clear") else []
        ids += [str(p) for p in body.get("delete", [])] if isinstance(body.get("delete"), list) else []
        if ids:
            await asyncio.get_running_loop().run_in_executor(None, self._cancel_waiting, ids)
        return web.Response(status=200)

    def _cancel_waiting(self, ids: list[str]) -> None:
        """The waiting prompts among ``ids`` cancelled, the queue written once (JobQueue.cancel_many)."""
        self.queue.cancel_many([pid for pid in ids if (j := self.queue.get(pid)) is not None and j.state == QUEUED])

    def _history_item(self, job) -> dict:
        return records.history_item(job, self.folders, self.extras.get(job.id, job.client_id))

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
        body = await _json_or_empty(request)
        ids = [j.id for j in self.queue.jobs() if j.state in ENDED] if body.get("clear") else \
            [str(x) for x in body.get("delete", [])] if isinstance(body.get("delete"), list) else []
        if ids:
            await asyncio.get_running_loop().run_in_executor(None, self._forget, ids)
        return web.Response(status=200)

    def _forget(self, ids: list[str]) -> None:
        """The ended prompts among ``ids`` forgotten, the queue written once (JobQueue.remove_many)."""
        self.extras.drop(self.queue.remove_many(ids))

    async def interrupt(self, request):
        body = await _json_or_empty(request)
        run = self.queue.running
        pid = body.get("prompt_id")
        if run is not None and (not pid or pid == run.id):
            self.queue.cancel(run.id)
        return web.Response(status=200)

    async def cancel(self, request):
        job = self.queue.get(request.match_info["id"])
        if job is None:
            return web.json_response({"error": "no such job"}, status=404)
        was = job.state
        self.queue.cancel(job.id)
        return web.json_response({"prompt_id": job.id, "cancelled": was in (QUEUED, RUNNING)})

    # -- files ----------------------------------------------------------------------------------
    async def view(self, request):
        q = request.rel_url.query
        path = self.folders.file(q.get("type", "output"), q.get("subfolder", ""), q.get("filename", ""))
        if path is None:
            return web.Response(status=400, text="not a file name inside the server's folders")
        if not os.path.isfile(path):
            return web.Response(status=404)
        name = os.path.basename(path)
        if view.wanted(q):  # ComfyUI's preview=webp;90 / channel=rgb|a of an image
            made = await asyncio.get_running_loop().run_in_executor(None, view.converted, path, q.get("preview"),
                                                                    q.get("channel", ""))
            if made is not None:
                return web.Response(body=made[0], content_type=made[1],
                                    headers={"Content-Disposition": f'filename="{name}"'})
        ctype = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return web.FileResponse(path, headers={"Content-Type": ctype,
                                               "Content-Disposition": f'filename="{name}"'})

    async def upload(self, request):
        return await uploads.receive(request, self.folders, self.max_upload, mask=False)

    async def upload_mask(self, request):
        return await uploads.receive(request, self.folders, self.max_upload, mask=True)

    # -- models ---------------------------------------------------------------------------------
    async def free(self, request):
        """ComfyUI's /free: {"unload_models": true} unloads the models kept between jobs;
        {"free_memory": true} also drops the results kept for a re-run."""
        body = await _json_or_empty(request)
        if self.memory is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.memory.free, body.get("unload_models") is True,
                                                             body.get("free_memory") is True)
        return web.Response(status=200)

    async def get_models(self, request):
        from .models import folder_names
        return web.json_response(folder_names())

    async def get_models_in(self, request):
        from .models import files
        found = await asyncio.get_running_loop().run_in_executor(None, files, request.match_info["folder"])
        if found is None:
            return web.Response(status=404, text="no such folder of models")
        return web.json_response(list(found))

    async def view_metadata(self, request):
        from .models import metadata
        meta = await asyncio.get_running_loop().run_in_executor(None, metadata, request.match_info["folder"],
                                                                request.rel_url.query.get("filename", ""))
        if meta is None:
            return web.Response(status=404)
        return web.json_response(meta)

    # -- what this server is --------------------------------------------------------------------
    async def get_object_info(self, request):
        """Made for each request, as ComfyUI does: a loader's options are the files there now."""
        return web.json_response(await asyncio.get_running_loop().run_in_executor(None, self._object_info))

    def _object_info(self) -> dict:
        from studio.core.models import scan

        from .models import files
        from .object_info import object_info
        found = scan()
        return object_info(model_files=lambda folder: list(files(folder, found) or {}),
                           input_files=self.folders.input_files)

    async def get_object_info_one(self, request):
        info = (await self.get_object_info(request)).text
        cls = request.match_info["cls"]
        item = json.loads(info).get(cls)
        return web.json_response({cls: item} if item is not None else {})

    async def system_stats(self, request):
        import torch
        ram = _ram()
        devices = []
        if torch.cuda.is_available():
            for i in range(torch.cuda.device_count()):
                free, total = torch.cuda.mem_get_info(i)
                devices.append({"name": torch.cuda.get_device_name(i), "type": "cuda", "index": i,
                                "vram_total": total, "vram_free": free, "torch_vram_total": total,
                                "torch_vram_free": free})
        else:
            devices.append({"name": "cpu", "type": "cpu", "index": None, "vram_total": ram[0], "vram_free": ram[1],
                            "torch_vram_total": 0, "torch_vram_free": 0})
        return web.json_response({"system": {"os": os.name, "ram_total": ram[0], "ram_free": ram[1],
                                             "comfyui_version": VERSION, "python_version": sys.version,
                                             "pytorch_version": torch.__version__, "embedded_python": False,
                                             # Studio has no paid API nodes: ComfyUI's page, told so,
                                             # asks no release-notes service (userdata.py)
                                             "argv": ["main.py", "serve", "--disable-api-nodes"],
                                             "platform": platform.platform()},
                                  "devices": devices})


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def _ram() -> tuple[int, int]:
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        free = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_AVPHYS_PAGES")
        return int(total), int(free)
    except (ValueError, OSError, AttributeError):
        return 0, 0


def _page_line() -> str:
    from . import frontend
    if frontend.static_folder() is None:
        return f"ComfyUI's web page is not installed ({frontend.INSTALL})"
    return f"ComfyUI's web page {frontend.version()} at the same address"


def _warm() -> None:
    """The engine and torch imported once, on one thread, before the queue's worker starts and the port opens:
    after a restart with jobs waiting, the worker's first job and a client's first request had imported torch
    on two threads at once ("partially initialized module 'torch'", 2 of 4 restarts after kill -9)."""
    import studio.engine.executor  # noqa: F401
    try:
        import torch  # noqa: F401
    except ImportError:  # a machine without torch: the jobs that need it say so
        pass


def serve(host: str, port: int, folder: str, token: str | None, max_upload_mb: int, announce=print,
          stop=None, preview_method: str = "none") -> None:
    """Run the server until interrupted, or until ``stop`` (a threading.Event) is set (``port`` 0: a
    free port, announced)."""
    from studio.core.confine import allow_for_session, allow_reading_for_session
    if not is_loopback(host) and not token:
        from studio.core.errors import StudioError
        raise StudioError(f"serving on {host} (not this machine only) needs a token: give --token TOKEN or set "
                          "STUDIO_SERVE_TOKEN; clients then send 'Authorization: Bearer TOKEN'")
    folders = Folders(folder)
    allow_for_session(folders.output)  # jobs write there (and only there: prompt.py names every output)
    allow_reading_for_session(folders.input)  # and read the clients' uploads
    memory = Memory()
    queue = JobQueue(os.path.join(folders.root, "queue"), executor_factory=memory.executor,
                     runner=lambda *a: run_job(server.extras, *a))  # worker.py: the workflow kept in its videos
    server = Server(queue, folders, token, max_upload_mb * 2**20, host, memory, preview_method)

    async def main() -> None:
        # the engine imported before the port is announced: the first prompt does not wait for torch
        await asyncio.get_running_loop().run_in_executor(None, _warm)
        runner = web.AppRunner(server.app(), access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        real_port = runner.addresses[0][1] if runner.addresses else port
        announce(f"Studio serves ComfyUI's API on http://{host}:{real_port} (folders: {folders.root}; "
                 f"{len(queue.pending())} job(s) queued); " + _page_line())
        try:
            while stop is None or not stop.is_set():
                await asyncio.sleep(3600 if stop is None else 0.2)
        finally:
            await runner.cleanup()

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass

